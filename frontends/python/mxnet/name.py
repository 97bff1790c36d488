"""Automatic naming of symbols (MXNet 1.x's ``mx.name``)."""
import threading


class NameManager:
    """Gives unnamed symbols the name ``<hint><count>``, counting per hint.

    Used as a context manager to scope a fresh counter::

        with mx.name.NameManager():
            net = mx.sym.FullyConnected(data, num_hidden=10)  # fullyconnected0
    """

    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """The name to use: `name` if given, else the next ``<hint><n>``."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return "%s%d" % (hint, count)

    def __enter__(self):
        self._old_manager = NameManager.current
        NameManager._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_manager is not None
        NameManager._current.value = self._old_manager

    @classmethod
    def _get_current(cls):
        if not hasattr(cls._current, "value"):
            cls._current.value = NameManager()
        return cls._current.value


class _CurrentDescriptor:
    def __get__(self, obj, owner):
        return NameManager._get_current()


NameManager.current = _CurrentDescriptor()


class Prefix(NameManager):
    """Prepends a prefix to every name (given or made)::

        with mx.name.Prefix('mynet_'):
            net = mx.sym.FullyConnected(data, num_hidden=10, name='fc1')  # mynet_fc1
    """

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)
