"""Attribute scopes for symbols (MXNet 1.x's ``mx.AttrScope``)."""
import threading

from .base import string_types


class AttrScope:
    """Attributes given to every symbol made inside the scope::

        with mx.AttrScope(ctx_group='stage1'):
            fc = mx.sym.FullyConnected(data, num_hidden=10)
    """

    _current = threading.local()

    def __init__(self, **kwargs):
        self._old_scope = None
        for value in kwargs.values():
            if not isinstance(value, string_types):
                raise ValueError("Attributes need to be string")
        self._attr = kwargs

    def get(self, attr):
        """The scope's attributes updated with `attr`."""
        if self._attr:
            ret = self._attr.copy()
            if attr:
                ret.update(attr)
            return ret
        return attr if attr else {}

    def __enter__(self):
        self._old_scope = AttrScope.current
        attr = AttrScope.current._attr.copy()
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_scope is not None
        AttrScope._current.value = self._old_scope

    @classmethod
    def _get_current(cls):
        if not hasattr(cls._current, "value"):
            cls._current.value = AttrScope()
        return cls._current.value


class _CurrentDescriptor:
    def __get__(self, obj, owner):
        return AttrScope._get_current()


AttrScope.current = _CurrentDescriptor()
