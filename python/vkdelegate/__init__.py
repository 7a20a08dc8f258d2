"""vkdelegate for Python: run .tflite models on vkdelegate (GPU partitions
through Vulkan, the rest on its CPU kernels) with tf.lite.Interpreter's habits.

    import vkdelegate
    it = vkdelegate.Interpreter(model_path="model.tflite", num_threads=2)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], image)
    it.invoke()
    scores = it.get_tensor(it.get_output_details()[0]["index"])

and for TFLite itself: tf.lite.experimental.load_delegate(vkdelegate.delegate_path()).

The binding is ctypes over libvkdelegate.so's C API (vkdelegate/runner.h):
nothing to compile, so one installed library serves every Python version,
virtual environment and Debian's python3 alike.
"""

import ctypes
import ctypes.util
import os

import numpy as np

__all__ = ["Interpreter", "VkdError", "delegate_path", "version"]

# TFLite's TensorType numbering, as VkdTensorInfo.type reports it.
_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64,
           6: np.bool_, 7: np.int16, 9: np.int8, 10: np.float64}
_MAX_DIMS = 8


class VkdError(RuntimeError):
    """A failing vkdelegate call; the message names node, op and tensor."""


class _Options(ctypes.Structure):
    _fields_ = [("use_gpu", ctypes.c_int32), ("device_index", ctypes.c_int32),
                ("enable_fp16", ctypes.c_int32), ("num_threads", ctypes.c_int32),
                ("cache_dir", ctypes.c_char_p), ("enable_quant", ctypes.c_int32),
                ("max_partitions", ctypes.c_int32),
                ("min_nodes_per_partition", ctypes.c_int32),
                ("enable_profiling", ctypes.c_int32), ("enable_validation", ctypes.c_int32),
                ("tuning", ctypes.c_int32), ("cpu_memory_budget_mb", ctypes.c_int32),
                ("gpu_memory_budget_mb", ctypes.c_int32), ("force_variants", ctypes.c_char_p)]


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("type", ctypes.c_int32),
                ("type_name", ctypes.c_char_p), ("num_dims", ctypes.c_int32),
                ("dims", ctypes.c_int32 * _MAX_DIMS), ("bytes", ctypes.c_size_t),
                ("scale", ctypes.c_float), ("zero_point", ctypes.c_int64),
                ("num_scales", ctypes.c_int32)]


class _Placement(ctypes.Structure):
    _fields_ = [("op", ctypes.c_char_p), ("on_gpu", ctypes.c_int32),
                ("partition", ctypes.c_int32), ("reason", ctypes.c_char_p)]


def delegate_path():
    """The path of libvkdelegate.so: VKDELEGATE_LIBRARY, the library this
    package was installed with, or the one the system linker finds."""
    env = os.environ.get("VKDELEGATE_LIBRARY")
    if env:
        return env
    recorded = os.path.join(os.path.dirname(__file__), "_library_path.txt")
    if os.path.exists(recorded):
        with open(recorded, encoding="utf-8") as f:
            path = f.read().strip()
        if os.path.exists(path):
            return path
    found = ctypes.util.find_library("vkdelegate")
    if found:
        return found
    raise VkdError("libvkdelegate.so not found: set VKDELEGATE_LIBRARY, or install vkdelegate "
                   "(cmake --install)")


_lib = None


def _library():
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(delegate_path())
    status = ctypes.c_int
    runner = ctypes.c_void_p
    sigs = {
        "VkdVersion": (ctypes.c_char_p, []),
        "VkdLastError": (ctypes.c_char_p, []),
        "VkdRunnerOptionsDefault": (_Options, []),
        "VkdRunnerCreateFromFile": (status, [ctypes.c_char_p, ctypes.POINTER(_Options),
                                             ctypes.POINTER(runner)]),
        "VkdRunnerCreateFromBuffer": (status, [ctypes.c_void_p, ctypes.c_size_t,
                                               ctypes.POINTER(_Options), ctypes.POINTER(runner)]),
        "VkdRunnerDelete": (None, [runner]),
        "VkdRunnerInputCount": (ctypes.c_int32, [runner]),
        "VkdRunnerOutputCount": (ctypes.c_int32, [runner]),
        "VkdRunnerInputInfo": (status, [runner, ctypes.c_int32, ctypes.POINTER(_TensorInfo)]),
        "VkdRunnerOutputInfo": (status, [runner, ctypes.c_int32, ctypes.POINTER(_TensorInfo)]),
        "VkdRunnerResizeInput": (status, [runner, ctypes.c_int32, ctypes.POINTER(ctypes.c_int32),
                                          ctypes.c_int32]),
        "VkdRunnerAllocateTensors": (status, [runner]),
        "VkdRunnerSetInput": (status, [runner, ctypes.c_int32, ctypes.c_void_p, ctypes.c_size_t]),
        "VkdRunnerInvoke": (status, [runner]),
        "VkdRunnerGetOutput": (status, [runner, ctypes.c_int32, ctypes.c_void_p, ctypes.c_size_t]),
        "VkdRunnerNodeCount": (ctypes.c_int32, [runner]),
        "VkdRunnerNodePlacement": (status, [runner, ctypes.c_int32, ctypes.POINTER(_Placement)]),
        "VkdRunnerGpuFallbackReason": (ctypes.c_char_p, [runner]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    _lib = lib
    return lib


def version():
    return _library().VkdVersion().decode()


def _check(status):
    if status != 0:
        raise VkdError(_library().VkdLastError().decode(errors="replace"))


class Interpreter:
    """tf.lite.Interpreter's interface on vkdelegate.

    Tensor indices: inputs are 0..n_in-1, outputs n_in..n_in+n_out-1 (what
    get_input_details / get_output_details report). `options` keys:
    use_gpu (True), device ("auto": the best hardware GPU | "any": software
    Vulkan devices such as lavapipe too | an index; device_index is the same),
    precision ("fp32" | "fp16"),
    cache_dir (None: ~/.cache/vkdelegate/gpu; "": none), enable_quant (False),
    max_partitions (0), min_nodes_per_partition (1).
    """

    def __init__(self, model_path=None, model_content=None, num_threads=None, options=None):
        if (model_path is None) == (model_content is None):
            raise ValueError("give exactly one of model_path and model_content")
        lib = _library()
        opts = lib.VkdRunnerOptionsDefault()
        options = dict(options or {})
        unknown = set(options) - {"use_gpu", "device", "device_index", "precision", "cache_dir",
                                  "enable_quant", "max_partitions", "min_nodes_per_partition"}
        if unknown:
            raise ValueError("unknown vkdelegate options: " + ", ".join(sorted(unknown)))
        opts.use_gpu = int(bool(options.get("use_gpu", True)))
        device = options.get("device", options.get("device_index", "auto"))
        if device in ("auto", "any"):
            device = -1 if device == "auto" else -2
        opts.device_index = int(device)
        precision = options.get("precision", "fp32")
        if precision not in ("fp32", "fp16"):
            raise ValueError("precision must be fp32 or fp16, not %r" % (precision,))
        opts.enable_fp16 = int(precision == "fp16")
        opts.num_threads = 1 if num_threads is None else int(num_threads)
        self._cache_dir = options.get("cache_dir")
        opts.cache_dir = None if self._cache_dir is None else self._cache_dir.encode()
        opts.enable_quant = int(bool(options.get("enable_quant", False)))
        opts.max_partitions = int(options.get("max_partitions", 0))
        opts.min_nodes_per_partition = int(options.get("min_nodes_per_partition", 1))
        self._runner = ctypes.c_void_p()
        if model_path is not None:
            _check(lib.VkdRunnerCreateFromFile(os.fsencode(model_path), ctypes.byref(opts),
                                               ctypes.byref(self._runner)))
        else:
            data = bytes(model_content)
            _check(lib.VkdRunnerCreateFromBuffer(data, len(data), ctypes.byref(opts),
                                                 ctypes.byref(self._runner)))
        self._num_inputs = lib.VkdRunnerInputCount(self._runner)
        self._num_outputs = lib.VkdRunnerOutputCount(self._runner)
        self._allocated = False

    def __del__(self):
        runner = getattr(self, "_runner", None)
        if runner and _lib is not None:
            _lib.VkdRunnerDelete(runner)
            self._runner = None

    # --- tensors ---------------------------------------------------------------
    def _info(self, index):
        info = _TensorInfo()
        if 0 <= index < self._num_inputs:
            _check(_lib.VkdRunnerInputInfo(self._runner, index, ctypes.byref(info)))
        elif 0 <= index - self._num_inputs < self._num_outputs:
            _check(_lib.VkdRunnerOutputInfo(self._runner, index - self._num_inputs,
                                            ctypes.byref(info)))
        else:
            raise ValueError("tensor index %d out of range" % index)
        return info

    def _details(self, index):
        info = self._info(index)
        if info.type not in _DTYPES:
            raise VkdError("tensor '%s' has type %s, which numpy cannot hold"
                           % (info.name.decode(), info.type_name.decode()))
        shape = np.array(info.dims[:info.num_dims], dtype=np.int32)
        return {
            "name": info.name.decode(errors="replace"),
            "index": index,
            "shape": shape,
            "shape_signature": shape.copy(),
            "dtype": _DTYPES[info.type],
            "quantization": (float(info.scale), int(info.zero_point)),
            "quantization_parameters": {
                "scales": np.array([info.scale] if info.num_scales else [], dtype=np.float32),
                "zero_points": np.array([info.zero_point] if info.num_scales else [],
                                        dtype=np.int32),
                "quantized_dimension": 0,
            },
        }

    def get_input_details(self):
        return [self._details(i) for i in range(self._num_inputs)]

    def get_output_details(self):
        return [self._details(self._num_inputs + i) for i in range(self._num_outputs)]

    def resize_tensor_input(self, input_index, tensor_size, strict=False):
        del strict  # every input may be resized; the kernels check the result
        dims = [int(d) for d in tensor_size]
        arr = (ctypes.c_int32 * len(dims))(*dims)
        _check(_lib.VkdRunnerResizeInput(self._runner, int(input_index), arr, len(dims)))
        self._allocated = False

    def allocate_tensors(self):
        _check(_lib.VkdRunnerAllocateTensors(self._runner))
        self._allocated = True

    def set_tensor(self, tensor_index, value):
        if not 0 <= tensor_index < self._num_inputs:
            raise ValueError("set_tensor: %d is not an input index" % tensor_index)
        if not self._allocated:
            raise VkdError("set_tensor before allocate_tensors")
        d = self._details(tensor_index)
        value = np.asarray(value)
        if value.dtype != d["dtype"]:
            raise ValueError("input '%s' is %s, got %s" % (d["name"], np.dtype(d["dtype"]).name,
                                                           value.dtype.name))
        if tuple(value.shape) != tuple(d["shape"]):
            raise ValueError("input '%s' has shape %s, got %s (resize_tensor_input first)"
                             % (d["name"], tuple(d["shape"]), tuple(value.shape)))
        value = np.ascontiguousarray(value)
        _check(_lib.VkdRunnerSetInput(self._runner, tensor_index, value.ctypes.data,
                                      value.nbytes))

    def invoke(self):
        if not self._allocated:
            raise VkdError("invoke before allocate_tensors")
        _check(_lib.VkdRunnerInvoke(self._runner))

    def get_tensor(self, tensor_index):
        d = self._details(tensor_index)
        out = np.empty(tuple(d["shape"]), dtype=d["dtype"])
        if tensor_index < self._num_inputs:
            raise ValueError("get_tensor reads outputs (indices %d..%d)"
                             % (self._num_inputs, self._num_inputs + self._num_outputs - 1))
        _check(_lib.VkdRunnerGetOutput(self._runner, tensor_index - self._num_inputs,
                                       out.ctypes.data, out.nbytes))
        return out

    # --- vkdelegate's own ------------------------------------------------------
    def get_placement(self):
        """Per node: op, on_gpu, partition and the CPU reason (naming the fix)."""
        out = []
        for n in range(_lib.VkdRunnerNodeCount(self._runner)):
            p = _Placement()
            _check(_lib.VkdRunnerNodePlacement(self._runner, n, ctypes.byref(p)))
            out.append({"node": n, "op": p.op.decode(), "on_gpu": bool(p.on_gpu),
                        "partition": p.partition, "reason": p.reason.decode(errors="replace")})
        return out

    def gpu_fallback_reason(self):
        return _lib.VkdRunnerGpuFallbackReason(self._runner).decode(errors="replace")
