"""The C test programs, built against the installed mxnet package.

CMake builds them against the source tree (ctest, tox -e sanitize/tsan);
this module checks what a user of the wheel gets: that the installed
mx/c_api.h and mx/c_predict_api.h compile as strict C99 and the installed
libmx links and passes the test programs (PROGRAMS) under both engines,
that the C example (examples/c) trains and predicts, and that the
predict API reproduces MXNet 1.9.1's outputs for its model files.
"""
import os
import shutil
import subprocess

import pytest

from mxnet import config

HERE = os.path.dirname(os.path.abspath(__file__))
CC = shutil.which("cc")
# -pedantic-errors: the public headers must be plain ISO C99.  The flags are
# mxnet-config's, as a user of the wheel gets them.
CFLAGS = ["-std=c99", "-pedantic-errors", "-Wall", "-Wextra", "-O1"] + config.cflags()

pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler (cc) on PATH")


def compile_c(args, what):
    result = subprocess.run([CC] + args, capture_output=True, text=True)
    assert result.returncode == 0, "cannot compile %s:\n%s%s" % (what, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("c_programs")
    compile_c(CFLAGS + ["-fPIC", "-shared", os.path.join(HERE, "plugin_square.c"),
                        "-o", str(out / "plugin_square.so")], "plugin_square.c")
    for name in PROGRAMS:
        compile_c(CFLAGS + [os.path.join(HERE, name + ".c"), "-o", str(out / name)] + config.libs()
                  + ["-pthread", "-lm"], name + ".c")
    example = os.path.join(HERE, "..", "..", "examples", "c", "train_mlp.c")
    compile_c(CFLAGS + [example, "-o", str(out / "train_mlp")] + config.libs() + ["-lm"],
              "examples/c/train_mlp.c")
    return out


PROGRAMS = ("test_c_api", "test_engine_stress", "test_predict", "test_graph", "test_custom_op")


@pytest.mark.parametrize("engine", ["ThreadedEngine", "NaiveEngine"])
@pytest.mark.parametrize("program", PROGRAMS)
def test_c_program(build_dir, program, engine):
    command = [str(build_dir / program)]
    if program == "test_c_api":
        command.append(str(build_dir / "plugin_square.so"))
    env = dict(os.environ, MXNET_ENGINE_TYPE=engine)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, "%s under %s exited with %d:\n%s" % (
        program, engine, result.returncode, output)
    assert " passed, 0 failed" in output


@pytest.mark.parametrize("engine", ["ThreadedEngine", "NaiveEngine"])
def test_c_training_example(build_dir, engine):
    """examples/c trains through c_api.h and predicts through c_predict_api.h."""
    env = dict(os.environ, MXNET_ENGINE_TYPE=engine)
    result = subprocess.run([str(build_dir / "train_mlp")], env=env, capture_output=True,
                            text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    losses = [float(line.split()[3]) for line in output.splitlines() if line.startswith("epoch")]
    assert len(losses) >= 2 and losses[-1] < losses[0] / 2, output
    accuracy = float(output.rsplit(":", 1)[1])
    assert accuracy >= 0.95, output


@pytest.mark.parametrize("model", ["mlp", "lenet", "mobilenet0_25"])
def test_predict_api_reproduces_mxnet(build_dir, fixtures, tmp_path, model):
    import numpy as np
    from mxnet.symbol import load
    try:
        load(str(fixtures / ("%s-symbol.json" % model)))
    except Exception as error:  # an op of the model is not registered yet
        pytest.skip("cannot load %s: %s" % (model, error))
    io = np.load(fixtures / ("%s_io.npz" % model))
    data = io["data"].astype(np.float32)
    expected = [io[k] for k in io.files if k != "data"][0].astype(np.float32)
    (tmp_path / "in.f32").write_bytes(data.tobytes())
    (tmp_path / "want.f32").write_bytes(expected.tobytes())
    command = [str(build_dir / "test_predict"), str(fixtures / ("%s-symbol.json" % model)),
               str(fixtures / ("%s-0000.params" % model)), str(tmp_path / "in.f32"),
               str(tmp_path / "want.f32")] + [str(d) for d in data.shape]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and " passed, 0 failed" in output, output
