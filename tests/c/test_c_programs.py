"""The C test programs, built against the installed mxnet package.

CMake builds them against the source tree (ctest, tox -e sanitize/tsan);
this module checks what a user of the wheel gets: that the installed
mx/c_api.h compiles as strict C99 and the installed libmx links and passes
test_c_api.c and test_engine_stress.c under both engines.
"""
import os
import shutil
import subprocess

import pytest

import mxnet._ffi

HERE = os.path.dirname(os.path.abspath(__file__))
LIB_DIR = mxnet._ffi.LIB_DIR
INCLUDE_DIR = os.path.join(os.path.dirname(LIB_DIR), "include")
CC = shutil.which("cc")
# -pedantic-errors: the public headers must be plain ISO C99.
CFLAGS = ["-std=c99", "-pedantic-errors", "-Wall", "-Wextra", "-O1", "-I", INCLUDE_DIR]

pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler (cc) on PATH")


def compile_c(args, what):
    result = subprocess.run([CC] + args, capture_output=True, text=True)
    assert result.returncode == 0, "cannot compile %s:\n%s%s" % (what, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("c_programs")
    compile_c(CFLAGS + ["-fPIC", "-shared", os.path.join(HERE, "plugin_square.c"),
                        "-o", str(out / "plugin_square.so")], "plugin_square.c")
    for name in ("test_c_api", "test_engine_stress"):
        compile_c(CFLAGS + [os.path.join(HERE, name + ".c"), "-o", str(out / name),
                            "-L", LIB_DIR, "-lmx", "-Wl,-rpath," + LIB_DIR, "-pthread"],
                  name + ".c")
    return out


@pytest.mark.parametrize("engine", ["ThreadedEngine", "NaiveEngine"])
@pytest.mark.parametrize("program", ["test_c_api", "test_engine_stress"])
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
