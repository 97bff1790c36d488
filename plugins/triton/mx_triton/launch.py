"""Launching on the engine's stream.

Rationale: Triton 3.x launches on `driver.active.get_current_stream(device)`
and takes no stream argument, and without torch that hook returns the
default stream.  We wrap the hook once: inside `on_stream` it returns the
call's stream, elsewhere it defers to the original, so other Triton users in
the process are unaffected.  The stream lives in a thread-local because the
engine may run kernels for several devices from several threads.
"""
import contextlib
import threading

import triton

_state = threading.local()
_hook_lock = threading.Lock()

# Set by the ahead-of-time compile check: called instead of launching.
interceptor = None


def interpreting():
    return bool(triton.knobs.runtime.interpret)


def _install_stream_hook(driver):
    with _hook_lock:
        if getattr(driver, "_mx_stream_hook", False):
            return
        original = driver.get_current_stream

        def current_stream(device):
            stream = getattr(_state, "stream", None)
            return original(device) if stream is None else stream

        driver.get_current_stream = current_stream
        driver._mx_stream_hook = True


@contextlib.contextmanager
def on_stream(stream, device_id):
    """Kernels launched inside go to `stream` on device `device_id`."""
    if interpreting() or interceptor is not None:
        yield
        return
    driver = triton.runtime.driver.active
    _install_stream_hook(driver)
    if driver.get_current_device() != device_id:
        driver.set_current_device(device_id)  # the device's primary context, as libmx uses
    previous = getattr(_state, "stream", None)
    _state.stream = int(stream or 0)
    try:
        yield
    finally:
        _state.stream = previous


# Rationale: the interpreter patches triton.language's module globals while
# a kernel runs, so two threads interpreting at once (two emulated GPUs'
# streams) break each other; one at a time.
_interpreter_lock = threading.Lock()


def launch(kernel, grid, *args, **meta):
    """kernel[grid](*args, **meta): every launcher goes through here."""
    if interceptor is not None:
        interceptor(kernel, grid, args, meta)
        return
    if interpreting():
        with _interpreter_lock:
            kernel[grid](*args, **meta)
        return
    kernel[grid](*args, **meta)
