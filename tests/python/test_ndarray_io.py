"""mx.nd.save / load / load_frombuffer and pickling: MXNet 1.x's file format."""
import pickle
import struct

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

ALL_DTYPES = [np.float32, np.float64, np.float16, np.uint8, np.int32, np.int8, np.int64, np.bool_]
V1, V2, V3 = 0xF993FAC8, 0xF993FAC9, 0xF993FACA


def array_record(shape, dtype_code, payload, magic=V2, stype=0):
    head = struct.pack("<I", magic)
    if magic in (V2, V3):
        head += struct.pack("<i", stype)
    if magic in (V1, V2, V3):
        head += struct.pack("<i", len(shape)) + struct.pack("<%dq" % len(shape), *shape)
    else:  # legacy: the first word is ndim, dims are u32
        head = struct.pack("<I", len(shape)) + struct.pack("<%dI" % len(shape), *shape)
    return head + struct.pack("<iii", 1, 0, dtype_code) + payload


def file_image(records, names=()):
    out = struct.pack("<QQQ", 0x112, 0, len(records)) + b"".join(records)
    out += struct.pack("<Q", len(names))
    for n in names:
        out += struct.pack("<Q", len(n)) + n
    return out


# -- MXNet 1.9.1's own files -----------------------------------------------------

def test_fixture_dict_values(fixtures):
    loaded = mx.nd.load(str(fixtures / "nd_dict.params"))
    expected = np.load(fixtures / "nd_expected.npz")
    assert sorted(loaded) == sorted(expected.files)
    for key, arr in loaded.items():
        assert arr.dtype == expected[key].dtype, key
        np.testing.assert_array_equal(arr.asnumpy(), expected[key])


def test_fixture_list_values(fixtures):
    loaded = mx.nd.load(str(fixtures / "nd_list.params"))
    expected = np.load(fixtures / "nd_expected.npz")
    assert isinstance(loaded, list) and len(loaded) == 2
    np.testing.assert_array_equal(loaded[0].asnumpy(), expected["f32"])
    np.testing.assert_array_equal(loaded[1].asnumpy(), expected["i64"])


@pytest.mark.parametrize("name", ["nd_dict.params", "nd_list.params", "mlp-0000.params"])
def test_resave_is_byte_identical(fixtures, tmp_path, name):
    original = (fixtures / name).read_bytes()
    loaded = mx.nd.load_frombuffer(original)
    mx.nd.save(str(tmp_path / "x.params"), loaded)
    assert (tmp_path / "x.params").read_bytes() == original


# -- round trips ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("shape", [(3, 4), (0, 5), (1,), (), (2, 1, 3)])
def test_round_trip_dtypes_and_shapes(tmp_path, dtype, shape):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 50).astype(dtype)
    path = str(tmp_path / "a.params")
    mx.nd.save(path, {"x": mx.nd.array(x, dtype=dtype)})
    back = mx.nd.load(path)["x"]
    assert back.dtype == np.dtype(dtype) and back.shape == shape
    np.testing.assert_array_equal(back.asnumpy(), x)


def test_single_array_saves_as_list(tmp_path):
    path = str(tmp_path / "one.params")
    mx.nd.save(path, mx.nd.arange(6).reshape((2, 3)))
    out = mx.nd.load(path)
    assert isinstance(out, list) and len(out) == 1
    np.testing.assert_array_equal(out[0].asnumpy(), np.arange(6, dtype=np.float32).reshape(2, 3))


def test_views_and_pending_writes_are_saved(tmp_path):
    base = mx.nd.arange(24).reshape((4, 6))
    view = base[1:3]
    row = base[2]
    pending = mx.nd.ones((300, 300)) * 3  # maybe still running when saved
    path = str(tmp_path / "v.params")
    mx.nd.save(path, [view, row, pending])
    v, r, p = mx.nd.load(path)
    np.testing.assert_array_equal(v.asnumpy(), base.asnumpy()[1:3])
    np.testing.assert_array_equal(r.asnumpy(), base.asnumpy()[2])
    assert (p.asnumpy() == 3).all()


def test_load_frombuffer_matches_file(tmp_path):
    data = {"w": mx.nd.array([[1, 2], [3, 4]]), "b": mx.nd.array([5], dtype="int64")}
    path = tmp_path / "d.params"
    mx.nd.save(str(path), data)
    for buf in (path.read_bytes(), bytearray(path.read_bytes())):
        out = mx.nd.load_frombuffer(buf)
        assert sorted(out) == ["b", "w"]
        np.testing.assert_array_equal(out["w"].asnumpy(), [[1, 2], [3, 4]])
        assert out["b"].dtype == np.int64


def test_empty_list_and_dict(tmp_path):
    path = str(tmp_path / "e.params")
    mx.nd.save(path, [])
    assert mx.nd.load(path) == []


def test_fsspec_url_round_trip():
    fsspec = pytest.importorskip("fsspec")
    mx.nd.save("memory://mx-test/a.params", {"x": mx.nd.ones((2, 2))})
    raw = fsspec.open("memory://mx-test/a.params", "rb").open().read()
    assert raw[:8] == struct.pack("<Q", 0x112)
    np.testing.assert_array_equal(mx.nd.load("memory://mx-test/a.params")["x"].asnumpy(),
                                  np.ones((2, 2)))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_pickle(dtype):
    x = (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    a = mx.nd.array(x, dtype=dtype)
    b = pickle.loads(pickle.dumps(a))
    assert b.dtype == np.dtype(dtype) and b.shape == (3, 4)
    np.testing.assert_array_equal(b.asnumpy(), x)
    b[:] = 0  # an independent, writable copy
    np.testing.assert_array_equal(a.asnumpy(), x)


# -- older layouts MXNet 1.x still reads ----------------------------------------

def test_reads_v1_and_legacy_layouts():
    payload = np.arange(6, dtype=np.float32).tobytes()
    for magic in (V1, None):
        image = file_image([array_record((2, 3), 0, payload, magic=magic or 0)], [b"w"])
        out = mx.nd.load_frombuffer(image)
        np.testing.assert_array_equal(out["w"].asnumpy(), np.arange(6).reshape(2, 3))


def test_reads_v3_scalar():
    image = file_image([array_record((), 1, struct.pack("<d", 2.5), magic=V3)])
    (x,) = mx.nd.load_frombuffer(image)
    assert x.shape == () and x.dtype == np.float64 and float(x.asnumpy()) == 2.5


# -- bad input ------------------------------------------------------------------

def test_argument_type_errors(tmp_path):
    with pytest.raises(TypeError, match="fname required to be a string"):
        mx.nd.save(3, [mx.nd.ones(1)])
    with pytest.raises(TypeError, match="str->NDArray"):
        mx.nd.save(str(tmp_path / "x"), {1: mx.nd.ones(1)})
    with pytest.raises(TypeError, match="str->NDArray"):
        mx.nd.save(str(tmp_path / "x"), [np.ones(1)])
    with pytest.raises(ValueError, match="data needs to either be"):
        mx.nd.save(str(tmp_path / "x"), "nope")
    with pytest.raises(TypeError, match="fname required to be a string"):
        mx.nd.load(None)
    with pytest.raises(TypeError, match="buf required"):
        mx.nd.load_frombuffer(3)


def test_missing_file_and_unwritable_path(tmp_path):
    with pytest.raises(MXNetError, match="cannot open") as info:
        mx.nd.load(str(tmp_path / "missing.params"))
    assert isinstance(info.value, OSError)
    with pytest.raises(MXNetError, match="cannot open"):
        mx.nd.save(str(tmp_path / "no" / "dir" / "x.params"), [mx.nd.ones(2)])


def test_every_truncation_is_a_clear_error(tmp_path):
    path = tmp_path / "t.params"
    mx.nd.save(str(path), {"a": mx.nd.ones((2, 3)), "bb": mx.nd.array([1, 2], dtype="int64")})
    image = path.read_bytes()
    for cut in range(len(image)):
        with pytest.raises(MXNetError, match="NDArray file"):
            mx.nd.load_frombuffer(image[:cut])
    (tmp_path / "cut.params").write_bytes(image[:-3])
    with pytest.raises(MXNetError, match="cut.params.*truncated"):
        mx.nd.load(str(tmp_path / "cut.params"))


@pytest.mark.parametrize("image, message", [
    (b"\x00" * 32, "bad header"),
    (struct.pack("<QQQ", 0x112, 0, 1 << 60), "arrays in"),
    (file_image([array_record((2,), 99, b"\x00" * 8)]), "dtype code 99"),
    (file_image([array_record((2,), 0, b"\x00" * 8, stype=2)]), "csr"),
    (file_image([array_record((1 << 20, 1 << 20), 0, b"")]), "needs more than"),
    (file_image([array_record((1 << 40, 1 << 30, 1 << 40), 0, b"")]), "overflows"),
    (file_image([array_record((2,), 0, b"\x00" * 8)], [b"a", b"b"]), "2 names for 1 arrays"),
    (file_image([array_record((2,), 0, b"\x00" * 8)], [b"a"])[:-1] + b"", "truncated"),
    (struct.pack("<QQQ", 0x112, 0, 1) + struct.pack("<IiI", V2, 0, 99), "ndim 99"),
])
def test_corrupt_files(image, message):
    with pytest.raises(MXNetError, match=message):
        mx.nd.load_frombuffer(image)


def test_c_api_null_arguments():
    from mxnet.base import _LIB, ffi
    assert _LIB.MXNDArraySave(ffi.NULL, 0, ffi.NULL, ffi.NULL) == -1
    assert b"fname is NULL" in ffi.string(_LIB.MXGetLastError())
    assert _LIB.MXNDArraySave(b"/tmp/x", 1, ffi.NULL, ffi.NULL) == -1
    handles = ffi.new("MXNDArrayHandle[]", [ffi.NULL])
    assert _LIB.MXNDArraySave(b"/tmp/x", 1, handles, ffi.NULL) == -1
    assert b"NULL" in ffi.string(_LIB.MXGetLastError())
    out = ffi.new("MXNDArrayHandle*")
    assert _LIB.MXNDArrayLoadFromRawBytes(ffi.NULL, 4, out) == -1
