"""ePython on the emulated Epiphany: the compiler (``epython.compiler``), the host monitor and
runtime (``epython.monitor``, ``epython.runtime``), the ``epython`` command line, and
``@offload`` for CPython 3::

    from epython import offload, define_on_device, copy_to_device, copy_from_device

Importing ``epython`` is cheap: the offload layer (numpy, the emulator) is loaded on first use
of one of its names (docs/offload.md).
"""

#: the names of epython._offload offered here (loaded when first used)
_OFFLOAD = ("offload", "offload_single", "offload_multiple", "define_on_device",
            "copy_to_device", "copy_from_device", "KernelExecutionHandler", "waitAll",
            "wait_all", "testKernelCompletion", "waitForKernelCompletion", "configure",
            "shutdown", "profile", "profiling", "stats", "DeviceError", "DeviceStopped",
            "ALL_DEVICES", "EPIPHANY_DEVICE")

__all__ = list(_OFFLOAD)


def __getattr__(name):
    if name in _OFFLOAD:
        import importlib
        return getattr(importlib.import_module("._offload", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_OFFLOAD))
