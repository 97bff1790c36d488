"""Compiler flags for code built against MX, in the style of pkg-config
and python3-config (``mxnet-config`` once installed)::

    cc -std=c99 -shared -fPIC $(mxnet-config --cflags) myop.c -o libmyop.so      # a plugin
    cc $(mxnet-config --cflags) app.c $(mxnet-config --libs) -o app              # a C ABI program
    python -m mxnet.config --include-dir

A plugin needs only ``--cflags``: it never links libmx (everything it uses
comes through the host table of ``mx/plugin.h``).
"""
import argparse
import shlex
import sys

from . import libinfo

__all__ = ["cflags", "libs", "main"]


def cflags():
    """The flags that find the MX headers (``mx/plugin.h``, ``mx/c_api.h``)."""
    return ["-I" + libinfo.include_dir()]


def libs():
    """The flags that link a program with libmx and find it at run time."""
    directory = libinfo.lib_dir()
    return ["-L" + directory, "-lmx", "-Wl,-rpath," + directory]


_QUERIES = {
    "cflags": cflags,
    "libs": libs,
    "include_dir": lambda: [libinfo.include_dir()],
    "lib_dir": lambda: [libinfo.lib_dir()],
}


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="mxnet-config", description="Print the flags to build a plugin or a C program against MX.")
    for name, help_text in (("cflags", "compiler flags (-I to the headers)"),
                            ("libs", "linker flags for programs that call the C ABI"),
                            ("include_dir", "the folder holding mx/plugin.h"),
                            ("lib_dir", "the folder holding libmx.so")):
        parser.add_argument("--" + name.replace("_", "-"), dest="queries", action="append_const",
                            const=name, help=help_text)
    args = parser.parse_args(argv)
    if not args.queries:
        parser.error("give at least one of --cflags, --libs, --include-dir, --lib-dir")
    try:
        words = [word for name in args.queries for word in _QUERIES[name]()]
    except RuntimeError as error:
        print("mxnet-config: %s" % error, file=sys.stderr)
        return 1
    print(" ".join(shlex.quote(w) for w in words))
    return 0


if __name__ == "__main__":
    sys.exit(main())
