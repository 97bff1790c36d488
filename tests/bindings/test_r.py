"""The R binding (frontends/r): installed with `R CMD INSTALL` into a temporary
library against the libmx this Python package loads, then its testthat suite
run with Rscript.

This side writes what the R tests compare against (the R suite reads it from
MX_R_TEST_DATA): a small model saved with the Python package and numpy's
prediction for it, and the arrays of MXNet 1.9.1's fixtures, as text (see
frontends/r/tests/testthat/helper-reference.R).  The suite skips those tests
when run on its own; here a skip is a failure unless the fixtures are absent.
"""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import mxnet as mx
import mxnet._ffi

from _fixtures import FIXTURES

R_PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "frontends", "r")
RSCRIPT = shutil.which("Rscript")

pytestmark = pytest.mark.skipif(
    RSCRIPT is None or shutil.which("R") is None,
    reason="R is not installed (.ci/run installs r-base-core and r-cran-testthat as root)")

RUN_SUITE = r"""
library(testthat)
results <- as.data.frame(test_dir(commandArgs(TRUE)[1], package = "mxnet",
                                  load_package = "installed", reporter = "summary",
                                  stop_on_failure = FALSE, stop_on_warning = FALSE))
cat(sprintf("\nR suite: %d tests, %d expectations, %d failed, %d errors, %d skipped\n",
            nrow(results), sum(results$nb), sum(results$failed), sum(results$error),
            sum(results$skipped)))
"""


WRITE_FC_SYMBOL = """
import sys
import mxnet as mx
fc = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc")
mx.sym.Activation(fc, act_type="tanh", name="act").save(sys.argv[1])
"""


def write_reference(folder, name, array):
    """`name`.txt: the MX shape on one line, the row-major values on the next."""
    array = np.asarray(array, dtype=np.float64)
    with open(os.path.join(folder, name + ".txt"), "w") as f:
        f.write(" ".join(str(d) for d in array.shape) + "\n")
        f.write(" ".join(repr(float(v)) for v in array.ravel()) + "\n")


def write_fc_model(folder):
    """FullyConnected(3) + tanh, its parameters, an input and numpy's output."""
    rng = np.random.default_rng(3)
    weight = rng.standard_normal((3, 4)).astype(np.float32)
    bias = rng.standard_normal(3).astype(np.float32)
    data = rng.standard_normal((5, 4)).astype(np.float32)
    # Rationale: a separate process, because mx.sym's op functions, once
    # built here, would miss the ops tests/plugins adds later in this session
    # (mx.library.load refreshes only mx.nd's).
    subprocess.run([sys.executable, "-c", WRITE_FC_SYMBOL, os.path.join(folder, "fc-symbol.json")],
                   check=True, timeout=120)
    mx.nd.save(os.path.join(folder, "fc-0000.params"),
               {"arg:fc_weight": mx.nd.array(weight), "arg:fc_bias": mx.nd.array(bias)})
    expected = np.tanh(data.astype(np.float64) @ weight.T.astype(np.float64) + bias)
    write_reference(folder, "fc_input", data)
    write_reference(folder, "fc_output", expected)


def export_fixtures(folder):
    """MXNet 1.9.1's files and, as text, the arrays they hold or produce.
    Returns the models left out because MX does not register all their ops
    yet (their R tests skip)."""
    for name in ("nd_dict.params", "nd_list.params"):
        shutil.copy(FIXTURES / name, folder)
    expected = np.load(FIXTURES / "nd_expected.npz")
    for key in expected.files:
        write_reference(folder, key, expected[key])
    left_out = []
    for model, has_params in (("mlp", True), ("lenet", True), ("misc", False)):
        try:
            mx.sym.load(str(FIXTURES / ("%s-symbol.json" % model)))
        except mx.base.MXNetError:
            left_out.append(model)
            continue
        shutil.copy(FIXTURES / ("%s-symbol.json" % model), folder)
        if has_params:
            shutil.copy(FIXTURES / ("%s-0000.params" % model), folder)
        arrays = np.load(FIXTURES / ("%s_io.npz" % model))
        for key in arrays.files:
            write_reference(folder, "%s_%s" % (model, key), arrays[key])
    return left_out


@pytest.fixture(scope="module")
def r_library(tmp_path_factory):
    # Built from a copy: R CMD INSTALL leaves objects in the source folder.
    source = tmp_path_factory.mktemp("r_source") / "mxnet"
    shutil.copytree(R_PACKAGE, source, ignore=shutil.ignore_patterns("*.o", "*.so", "Makevars"))
    library = tmp_path_factory.mktemp("r_library")
    env = dict(os.environ, MX_LIBRARY_PATH=mxnet._ffi.LIB_DIR)
    result = subprocess.run(["R", "CMD", "INSTALL", "--no-docs", "-l", str(library), str(source)],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, "R CMD INSTALL failed:\n" + result.stdout + result.stderr
    return library, source


def test_r_suite(r_library, tmp_path):
    library, source = r_library
    write_fc_model(str(tmp_path))
    have_fixtures = FIXTURES.is_dir()
    left_out = export_fixtures(str(tmp_path)) if have_fixtures else []
    env = dict(os.environ, R_LIBS=str(library), MX_R_TEST_DATA=str(tmp_path))
    result = subprocess.run([RSCRIPT, "-e", RUN_SUITE, str(source / "tests" / "testthat")],
                            env=env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    summary = re.search(r"R suite: (\d+) tests, (\d+) expectations, (\d+) failed, (\d+) errors, "
                        r"(\d+) skipped", output)
    assert result.returncode == 0 and summary, output
    tests, expectations, failed, errors, skipped = map(int, summary.groups())
    assert failed == 0 and errors == 0, output
    assert tests > 0 and expectations > 0, output
    if have_fixtures:
        # One test per model left out skips; nothing else may.
        assert skipped == len(left_out), output
