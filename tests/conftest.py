"""Makes tests/_mxref.py (numpy references of MXNet semantics and the op
harness helpers) importable from every test folder."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
