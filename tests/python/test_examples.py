"""The README's main job (examples/quickstart.py) trains to high accuracy,
and its imperative and symbolic runs agree."""
import importlib.util
import pathlib

import numpy as np

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def load_quickstart():
    spec = importlib.util.spec_from_file_location("quickstart", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quickstart_trains_both_ways(capsys):
    quickstart = load_quickstart()
    x, y = quickstart.spirals()
    assert x.shape == (600, 2) and sorted(np.unique(y)) == [0, 1, 2]
    imperative = quickstart.train_imperative(x, y)
    symbolic = quickstart.train_symbolic(x, y)
    assert imperative > 0.95 and symbolic > 0.95
    lines = capsys.readouterr().out.splitlines()
    losses = {kind: [l.split("loss")[1].split()[0] for l in lines if l.strip().startswith(kind)]
              for kind in ("imperative", "symbolic")}
    assert losses["imperative"] == losses["symbolic"]  # the same math, two engines of MXNet
