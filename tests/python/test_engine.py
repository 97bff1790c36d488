"""The dependency engine seen from Python: parallelism, ordering, NaiveEngine."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import _LIB, ffi


def _float_buffer(arr):
    """The raw float32 buffer of arr (only valid inside an engine function
    that holds arr, or after waiting on it)."""
    p = ffi.new("void**")
    assert _LIB.MXNDArrayGetData(arr.handle, p) == 0
    return ffi.cast("float*", p[0])


def test_default_engine_is_threaded():
    if os.environ.get("MXNET_ENGINE_TYPE") == "NaiveEngine":
        pytest.skip("the suite runs under NaiveEngine")
    assert mx.engine.engine_type() == "ThreadedEngine"


def test_independent_functions_overlap():
    if mx.engine.engine_type() == "NaiveEngine":
        pytest.skip("NaiveEngine runs pushes synchronously")
    a, b = mx.nd.zeros((1,)), mx.nd.zeros((1,))
    mx.nd.waitall()
    done = []

    def slow(tag):
        def fn():
            time.sleep(0.3)
            done.append(tag)
        return fn

    start = time.perf_counter()
    mx.engine.push(slow("a"), mutable_arrays=[a])
    mx.engine.push(slow("b"), mutable_arrays=[b])
    pushed = time.perf_counter() - start
    a.wait_to_read()
    b.wait_to_read()
    total = time.perf_counter() - start
    assert sorted(done) == ["a", "b"]
    assert pushed < 0.2, "push blocked for %.3f s" % pushed
    assert total < 0.5, "two independent 0.3 s functions took %.3f s: they did not overlap" % total


def test_dependent_functions_serialise():
    """Two functions writing the same array do not overlap."""
    a = mx.nd.zeros((1,))
    mx.nd.waitall()
    active = []
    overlaps = []

    def fn():
        active.append(1)
        if len(active) > 1:
            overlaps.append(True)
        time.sleep(0.05)
        active.pop()

    for _ in range(4):
        mx.engine.push(fn, mutable_arrays=[a])
    a.wait_to_read()
    assert not overlaps


def test_pushes_run_in_push_order():
    a = mx.nd.zeros((1,))
    order = []
    for i in range(200):
        mx.engine.push(lambda i=i: order.append(i), mutable_arrays=[a])
    a.wait_to_read()
    assert order == list(range(200))


def test_reads_between_writes_keep_order():
    """write, read, write on one array: each read sees the write before it."""
    a = mx.nd.zeros((1,))
    seen = []
    for i in range(50):
        mx.engine.push(lambda i=i: seen.append(("w", i)), mutable_arrays=[a])
        mx.engine.push(lambda i=i: seen.append(("r", i)), const_arrays=[a])
    mx.nd.waitall()
    assert seen == [x for i in range(50) for x in (("w", i), ("r", i))]


def test_op_waits_for_pushed_write():
    """An op reading an array runs after an earlier pushed function wrote it."""
    a = mx.nd.zeros((4,))
    mx.nd.waitall()

    def writer():
        time.sleep(0.1)
        buf = _float_buffer(a)
        for i in range(4):
            buf[i] = 5.0

    mx.engine.push(writer, mutable_arrays=[a])
    b = a + 1
    np.testing.assert_array_equal(b.asnumpy(), [6, 6, 6, 6])
    np.testing.assert_array_equal(a.asnumpy(), [5, 5, 5, 5])


def test_pushed_read_sees_earlier_op_and_blocks_later_write():
    a = mx.nd.zeros((4,))
    a += 3
    seen = []

    def reader():
        time.sleep(0.1)
        buf = _float_buffer(a)
        seen.append([buf[i] for i in range(4)])

    mx.engine.push(reader, const_arrays=[a])
    a[:] = 7  # must wait for the reader
    mx.nd.waitall()
    assert seen == [[3.0, 3.0, 3.0, 3.0]]
    np.testing.assert_array_equal(a.asnumpy(), [7, 7, 7, 7])


def test_many_threads_pushing_ops():
    results = {}
    errors = []

    def work(k):
        try:
            a = mx.nd.full((64,), float(k))
            for _ in range(200):
                a = a + 1
            results[k] = a.asnumpy()
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k in range(8):
        np.testing.assert_array_equal(results[k], np.full(64, k + 200.0))


def test_random_programs_across_the_inline_thresholds():
    """Random programs of in-place and out-of-place ops on arrays whose sizes
    straddle the inline thresholds (always inline; inline when the engine is
    idle; always on a worker), with slow Python functions (always on a
    worker) holding some arrays so that ops meet both an idle and a busy
    engine, run by two threads at once: each equals its numpy replay."""
    sizes = (1 << 10, 1 << 18, (1 << 22) + 8)

    def program(seed, results):
        rng = np.random.default_rng(seed)
        ref = [[rng.standard_normal(n).astype(np.float32) for _ in range(2)] for n in sizes]
        arrays = [[mx.nd.array(r) for r in group] for group in ref]
        for _ in range(40):
            g = int(rng.integers(len(sizes)))
            i, j = (0, 1) if rng.random() < 0.5 else (1, 0)
            x, y = arrays[g][i], arrays[g][j]
            kind = int(rng.integers(4))
            if kind == 0:  # out of place: a new array
                arrays[g][i] = x * 0.5 + y
                ref[g][i] = ref[g][i] * np.float32(0.5) + ref[g][j]
            elif kind == 1:  # in place
                x += y
                ref[g][i] += ref[g][j]
            elif kind == 2:  # a write through a slice
                x[:] = y - 1
                ref[g][i] = ref[g][j] - np.float32(1)
            else:  # a slow function on a worker reads y and halves x
                def halve(x=x, n=sizes[g]):
                    time.sleep(0.002)
                    view = np.frombuffer(ffi.buffer(_float_buffer(x), 4 * n), dtype=np.float32)
                    view *= np.float32(0.5)
                mx.engine.push(halve, const_arrays=[y], mutable_arrays=[x])
                ref[g][i] = ref[g][i] * np.float32(0.5)
        results[seed] = ([a.asnumpy() for group in arrays for a in group], [r for group in ref for r in group])

    results = {}
    threads = [threading.Thread(target=program, args=(seed, results)) for seed in (11, 12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [11, 12]
    for got, expected in results.values():
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-6)


def test_free_array_with_pending_work():
    a = mx.nd.zeros((1000,))
    mx.engine.push(lambda: time.sleep(0.1), mutable_arrays=[a])
    b = a + 1
    del a
    np.testing.assert_array_equal(b.asnumpy(), np.ones(1000))
    mx.nd.waitall()


def test_bulk_compat():
    assert isinstance(mx.engine.set_bulk_size(16), int)
    with mx.engine.bulk(8):
        a = mx.nd.ones((2,)) + 1
    np.testing.assert_array_equal(a.asnumpy(), [2, 2])


def test_set_bulk_size_returns_the_previous_size():
    previous = mx.engine.set_bulk_size(5)
    assert mx.engine.set_bulk_size(7) == 5
    with mx.engine.bulk(3):
        assert mx.engine.set_bulk_size(3) == 3
    assert mx.engine.set_bulk_size(previous) == 7  # bulk() restored it


_NAIVE_SCRIPT = textwrap.dedent("""
    import numpy as np
    import mxnet as mx
    assert mx.engine.engine_type() == "NaiveEngine", mx.engine.engine_type()
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    a = mx.nd.array(x)
    b = mx.nd.array(np.arange(4, dtype=np.float32))
    np.testing.assert_allclose(((a + b) * 2 - a / 3).asnumpy(), (x + np.arange(4)) * 2 - x / 3,
                               rtol=1e-6)
    np.testing.assert_allclose(mx.nd.dot(a, a, transpose_b=True).asnumpy(), x @ x.T, rtol=1e-6)
    c = a.reshape((4, 3))
    c += 1
    np.testing.assert_array_equal(a.asnumpy(), x + 1)
    # pushes run synchronously, in order
    order = []
    for i in range(20):
        mx.engine.push(lambda i=i: order.append(i), mutable_arrays=[a])
    assert order == list(range(20)), order
    # errors are still raised at the next wait
    def bad():
        raise ValueError("naive-boom")
    mx.engine.push(bad, mutable_arrays=[a])
    try:
        a.wait_to_read()
    except mx.base.MXNetError as e:
        assert "naive-boom" in str(e)
    else:
        raise AssertionError("no error raised")
    np.testing.assert_array_equal((a * 0 + 3).asnumpy(), np.full((3, 4), 3))
    print("NAIVE-OK")
""")


def test_naive_engine_subprocess():
    env = dict(os.environ, MXNET_ENGINE_TYPE="NaiveEngine")
    proc = subprocess.run([sys.executable, "-c", _NAIVE_SCRIPT], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "NAIVE-OK" in proc.stdout, (
        "returncode %d\nstdout: %s\nstderr: %s" % (proc.returncode, proc.stdout, proc.stderr[-3000:]))


def test_threaded_engine_per_device_env_accepted():
    """MXNet's default MXNET_ENGINE_TYPE value selects a threaded engine."""
    script = ("import mxnet as mx, numpy as np\n"
              "assert 'Threaded' in mx.engine.engine_type(), mx.engine.engine_type()\n"
              "np.testing.assert_array_equal((mx.nd.ones((3,)) * 4).asnumpy(), [4, 4, 4])\n"
              "print('TEPD-OK')\n")
    env = dict(os.environ, MXNET_ENGINE_TYPE="ThreadedEnginePerDevice")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "TEPD-OK" in proc.stdout, proc.stderr[-3000:]


def test_exit_with_pending_work():
    """The interpreter exits cleanly while pushed work is still pending."""
    script = textwrap.dedent("""
        import time
        import mxnet as mx
        a = mx.nd.zeros((1000, 1000))
        mx.engine.push(lambda: time.sleep(0.2), mutable_arrays=[a])
        b = a + 1
        for _ in range(20):
            b = b * 2
        print("EXIT-OK")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "EXIT-OK" in proc.stdout, proc.stderr[-3000:]


_FORK_SCRIPT = textwrap.dedent("""
    import os
    import signal
    import sys
    import time
    import numpy as np
    import mxnet as mx

    n = 1 << 23  # above any inline threshold: these ops go to the engine's workers
    x = np.linspace(-1, 1, n, dtype=np.float32)
    a = mx.nd.array(x)

    def work(tag):
        # big ops, a chain queued behind its first op, and a function the
        # engine always hands to a worker
        b = a + 1
        for _ in range(4):
            b = b * 2
        ran = []
        mx.engine.push(lambda: ran.append(tag), mutable_arrays=[b])
        np.testing.assert_allclose(b.asnumpy(), (x + 1) * 16, rtol=1e-6)
        np.testing.assert_allclose(mx.nd.sum(a * a).asscalar(), float((x.astype(np.float64) ** 2).sum()),
                                   rtol=1e-5)
        assert ran == [tag], ran

    work("before")
    # Pending work at the moment of the fork: the engine drains it first.
    pending = a * 3
    for _ in range(8):
        pending = pending + a
    pid = os.fork()
    if pid == 0:
        try:
            np.testing.assert_allclose(pending.asnumpy(), x * 11, rtol=1e-5, atol=1e-6)
            work("child")
        except BaseException as e:
            print("child failed:", repr(e), file=sys.stderr, flush=True)
            os._exit(3)
        os._exit(0)
    work("parent")
    for _ in range(1200):  # a child that hangs is killed, not left behind
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the forked child hung")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    np.testing.assert_allclose(pending.asnumpy(), x * 11, rtol=1e-5, atol=1e-6)
    print("FORK-OK")
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_engine_works_in_forked_child_and_parent():
    """Gluon's DataLoader forks worker processes.  A forked child has only the
    forking thread, so the engine stops its workers before fork() and starts
    them again in both processes (as MXNet 1.x does).  A subprocess runs the
    fork so that a hang fails the test by its timeout."""
    if mx.engine.engine_type() == "NaiveEngine":
        pytest.skip("NaiveEngine has no worker threads")
    proc = subprocess.Popen([sys.executable, "-c", _FORK_SCRIPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the script and its forked child
        out, err = proc.communicate()
        pytest.fail("fork test hung\nstdout: %s\nstderr: %s" % (out, err[-3000:]))
    assert proc.returncode == 0 and "FORK-OK" in out, (
        "returncode %d\nstdout: %s\nstderr: %s" % (proc.returncode, out, err[-3000:]))
