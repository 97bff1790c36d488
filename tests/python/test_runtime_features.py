"""mx.runtime: MXNet 1.9's feature list, answered for this machine."""
import pytest

import mxnet as mx
from mxnet.base import _LIB, ffi

MXNET_19_FEATURES = [
    "CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE", "CPU_SSE2", "CPU_SSE3", "CPU_SSE4_1",
    "CPU_SSE4_2", "CPU_SSE4A", "CPU_AVX", "CPU_AVX2", "OPENMP", "SSE", "F16C", "JEMALLOC", "BLAS_OPEN",
    "BLAS_ATLAS", "BLAS_MKL", "BLAS_APPLE", "LAPACK", "MKLDNN", "OPENCV", "CAFFE", "PROFILER",
    "DIST_KVSTORE", "CXX14", "INT64_TENSOR_SIZE", "SIGNAL_HANDLER", "DEBUG", "TVM_OP"]


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    pytest.skip("no /proc/cpuinfo")


def test_the_features_are_mxnet_19s_in_its_order():
    features = mx.runtime.Features()
    assert list(features) == MXNET_19_FEATURES
    assert [f.name for f in mx.runtime.feature_list()] == MXNET_19_FEATURES
    assert mx.runtime.Features() is features
    assert all(isinstance(f.enabled, bool) for f in features.values())
    assert repr(features["BLAS_OPEN"]) == "\u2714 BLAS_OPEN" and repr(features["MKLDNN"]) == "\u2716 MKLDNN"
    assert repr(features).startswith("[")


def test_they_describe_this_machine():
    features = mx.runtime.Features()
    assert features.is_enabled("CUDA") == (mx.context.num_gpus() > 0)
    assert features.is_enabled("blas_open") and not features.is_enabled("MKLDNN")
    flags = cpu_flags()
    for name, flag in [("CPU_SSE2", "sse2"), ("CPU_SSE4_2", "sse4_2"), ("CPU_AVX", "avx"),
                       ("CPU_AVX2", "avx2"), ("CPU_SSE4A", "sse4a"), ("F16C", "f16c")]:
        assert features.is_enabled(name) == (flag in flags), name


def test_unknown_features_and_bad_calls_are_errors():
    with pytest.raises(RuntimeError, match="Feature 'CUDA9' is unknown, known features are: .*'CUDA'"):
        mx.runtime.Features().is_enabled("cuda9")
    size = ffi.new("size_t*")
    assert _LIB.MXLibInfoFeatures(ffi.NULL, size) == -1
    assert b"NULL" in ffi.string(_LIB.MXGetLastError())
    assert _LIB.MXLibInfoFeatures(ffi.new("const MXLibFeature**"), ffi.NULL) == -1
