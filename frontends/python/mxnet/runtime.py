"""The library's features (MXNet's ``mxnet.runtime``): which of MXNet 1.9's
build options this MX offers, by MXNet's names.

    >>> features = mx.runtime.Features()
    >>> features.is_enabled("CUDA")
    False

MX's kernels dispatch on the CPU at run time and load the CUDA driver at run
time, so ``CPU_*`` and ``CUDA`` describe this machine (see
``MXLibInfoFeatures`` in mx/c_api.h).
"""
import collections

from .base import _LIB, check_call, ffi

__all__ = ["Feature", "Features", "feature_list"]


class Feature:
    """One feature: its ``name`` and whether it is ``enabled``."""

    def __init__(self, name, enabled):
        self.name = name
        self.enabled = enabled

    def __repr__(self):
        return ("\u2714 " if self.enabled else "\u2716 ") + self.name


def feature_list():
    """Every feature, as a list of :class:`Feature`, in MXNet 1.9's order."""
    features = ffi.new("const MXLibFeature**")
    size = ffi.new("size_t*")
    check_call(_LIB.MXLibInfoFeatures(features, size))
    return [Feature(ffi.string(features[0][i].name).decode(), bool(features[0][i].enabled))
            for i in range(size[0])]


class Features(collections.OrderedDict):
    """The features by name (one shared instance)."""

    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super().__init__(cls.instance, [(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self):  # filled once, in __new__
        pass

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """Whether the feature (any case) is enabled; RuntimeError for a name
        MXNet does not know."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError("Feature '{}' is unknown, known features are: {}".format(
                feature_name, list(self.keys())))
        return self[feature_name].enabled
