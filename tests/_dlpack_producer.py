"""A DLPack producer for tests of the import protocol (mx.nd.from_dlpack):
it hands out a given capsule and records how it was asked."""


class Producer:
    def __init__(self, capsule, device):
        self.capsule, self.device, self.calls = capsule, device, []

    def __dlpack_device__(self):
        self.calls.append("device")
        return self.device

    def __dlpack__(self, **kwargs):
        self.calls.append(kwargs)
        return self.capsule
