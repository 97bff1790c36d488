"""Every test plugin, compiled once per session (skipped without a C
compiler)."""
import os

import pytest

from _plugin_build import CC, SRC_DIR, compile_plugin

# name -> (source, -D defines)
_PLUGINS = {
    "good_plugin": ("good_plugin.c", ()),
    "good_plugin_abi11": ("good_plugin.c", ("ABI_1_1_DESC",)),
    "no_init": ("no_init.c", ()),
    "abi_macro": ("abi_macro.c", ()),
    "abi_return": ("abi_return.c", ()),
    "kernel_abi99": ("kernel_abi99.c", ()),
    "kernel_abi99_ignored": ("kernel_abi99.c", ("IGNORE_RC",)),
    "fail_after_register": ("fail_after_register.c", ()),
    "kernel_unknown_op": ("kernel_unknown_op.c", ()),
    "cube_plugin": ("cube_plugin.c", ()),
    "seeded_plugin": ("seeded_plugin.c", ()),
}
BAD_OP_DESC = ("TWICE", "NAME_EXISTS", "OP_ABI99", "UNKNOWN_FLAGS", "UNKNOWN_BACKWARD", "BACKWARD_ARITY",
               "BACKWARD_PARAM")
for _defect in BAD_OP_DESC:
    _PLUGINS["bad_op_desc_" + _defect.lower()] = ("bad_op_desc.c", (_defect,))


@pytest.fixture(scope="session")
def plugins(tmp_path_factory):
    """name -> path of the compiled .so; "text" is a text file named .so."""
    if CC is None:
        pytest.skip("no C compiler (cc) on this machine")
    out = tmp_path_factory.mktemp("mx_plugins")
    built = {name: compile_plugin(os.path.join(SRC_DIR, src), out / (name + ".so"), defines)
             for name, (src, defines) in _PLUGINS.items()}
    text = out / "x.so"
    text.write_text("this is a text file, not a shared library\n")
    built["text"] = str(text)
    return built
