"""Random number generation state (mx.random.seed)."""
from .base import _LIB, check_call, integer_types
from .context import Context
from .ndarray.random import *  # noqa: F401,F403 -- mx.random.uniform etc., as in MXNet
from .ndarray.random import __all__ as _sampler_names

__all__ = ["seed"] + list(_sampler_names)


def seed(seed_state, ctx="all"):
    """Seed the generators of every device (ctx='all') or of one Context.

    Random ops then produce the same values for the same sequence of calls,
    whatever the threads do.
    """
    if not isinstance(seed_state, integer_types):  # numpy integers too, as in MXNet
        raise ValueError("seed_state must be int")
    seed_state = int(seed_state) & 0xFFFFFFFF
    if seed_state >= 1 << 31:
        seed_state -= 1 << 32
    if ctx == "all":
        check_call(_LIB.MXRandomSeed(seed_state))
    else:
        ctx = Context(ctx)
        check_call(_LIB.MXRandomSeedContext(seed_state, ctx.device_typeid, ctx.device_id))
