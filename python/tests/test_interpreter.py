"""vkdelegate.Interpreter against the real TFLite 2.9 (its C library through
ctypes) on a model the project makes and on the shared real models.

Environment (set by ctest): VKDELEGATE_LIBRARY, VKD_TFLITE_LIB (libtensorflowlite_c.so),
VKD_MAKE_MODEL (vkd-make-model), VKD_SHARED_DIR (../shared, optional).
"""
import ctypes
import os
import subprocess
import tempfile
import unittest

import numpy as np

import vkdelegate


class TfLite:
    """The oracle: TFLite 2.9's C API, builtin kernels."""

    def __init__(self, path, input_shapes=None):
        lib = ctypes.CDLL(os.environ["VKD_TFLITE_LIB"])
        vp = ctypes.c_void_p
        for name, res, args in [
                ("TfLiteModelCreateFromFile", vp, [ctypes.c_char_p]),
                ("TfLiteInterpreterOptionsCreate", vp, []),
                ("TfLiteInterpreterCreate", vp, [vp, vp]),
                ("TfLiteInterpreterResizeInputTensor", ctypes.c_int,
                 [vp, ctypes.c_int32, ctypes.POINTER(ctypes.c_int), ctypes.c_int32]),
                ("TfLiteInterpreterAllocateTensors", ctypes.c_int, [vp]),
                ("TfLiteInterpreterGetInputTensor", vp, [vp, ctypes.c_int32]),
                ("TfLiteInterpreterGetOutputTensor", vp, [vp, ctypes.c_int32]),
                ("TfLiteInterpreterGetOutputTensorCount", ctypes.c_int32, [vp]),
                ("TfLiteTensorCopyFromBuffer", ctypes.c_int, [vp, vp, ctypes.c_size_t]),
                ("TfLiteTensorCopyToBuffer", ctypes.c_int, [vp, vp, ctypes.c_size_t]),
                ("TfLiteInterpreterInvoke", ctypes.c_int, [vp]),
                ("TfLiteInterpreterDelete", None, [vp]),
                ("TfLiteInterpreterOptionsDelete", None, [vp]),
                ("TfLiteModelDelete", None, [vp])]:
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
        self.lib = lib
        self.model = lib.TfLiteModelCreateFromFile(os.fsencode(path))
        self.options = lib.TfLiteInterpreterOptionsCreate()
        self.it = lib.TfLiteInterpreterCreate(self.model, self.options)
        assert self.it, "TFLite could not load " + path
        for i, shape in (input_shapes or {}).items():
            dims = (ctypes.c_int * len(shape))(*shape)
            assert lib.TfLiteInterpreterResizeInputTensor(self.it, i, dims, len(shape)) == 0
        assert lib.TfLiteInterpreterAllocateTensors(self.it) == 0

    def run(self, inputs, output_like):
        for i, x in enumerate(inputs):
            x = np.ascontiguousarray(x)
            t = self.lib.TfLiteInterpreterGetInputTensor(self.it, i)
            assert self.lib.TfLiteTensorCopyFromBuffer(t, x.ctypes.data, x.nbytes) == 0
        assert self.lib.TfLiteInterpreterInvoke(self.it) == 0
        outs = []
        for o, like in enumerate(output_like):
            y = np.empty_like(like)
            t = self.lib.TfLiteInterpreterGetOutputTensor(self.it, o)
            assert self.lib.TfLiteTensorCopyToBuffer(t, y.ctypes.data, y.nbytes) == 0
            outs.append(y)
        return outs

    def __del__(self):
        self.lib.TfLiteInterpreterDelete(self.it)
        self.lib.TfLiteInterpreterOptionsDelete(self.options)
        self.lib.TfLiteModelDelete(self.model)


def random_inputs(details, seed):
    rng = np.random.default_rng(seed)
    xs = []
    for d in details:
        if np.issubdtype(d["dtype"], np.floating):
            xs.append(rng.uniform(-1, 1, size=d["shape"]).astype(d["dtype"]))
        else:
            info = np.iinfo(d["dtype"])
            xs.append(rng.integers(info.min, info.max, size=d["shape"], endpoint=True)
                      .astype(d["dtype"]))
    return xs


def shared_model(name):
    d = os.environ.get("VKD_SHARED_DIR", "")
    path = os.path.join(d, "models", name + ".tflite")
    return path if d and os.path.exists(path) else None


class InterpreterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.demo = os.path.join(cls.tmp.name, "demo.tflite")
        subprocess.run([os.environ["VKD_MAKE_MODEL"], "--output=" + cls.demo], check=True,
                       stdout=subprocess.DEVNULL)
        cls.cache = os.path.join(cls.tmp.name, "cache")

    def compare(self, path, options, tolerance, resize=None, num_threads=1):
        it = vkdelegate.Interpreter(model_path=path, num_threads=num_threads, options=options)
        for i, shape in (resize or {}).items():
            it.resize_tensor_input(i, shape)
        it.allocate_tensors()
        ins = it.get_input_details()
        outs = it.get_output_details()
        xs = random_inputs(ins, seed=7)
        for d, x in zip(ins, xs):
            it.set_tensor(d["index"], x)
        it.invoke()
        ours = [it.get_tensor(d["index"]) for d in outs]
        theirs = TfLite(path, resize).run(xs, ours)
        for a, b in zip(ours, theirs):
            self.assertEqual(a.shape, b.shape)
            if tolerance == 0:
                np.testing.assert_array_equal(a, b)
            else:
                scale = max(1.0, float(np.abs(b.astype(np.float64)).max()))
                self.assertLessEqual(float(np.abs(a.astype(np.float64) - b).max()),
                                     tolerance * scale)
        return it

    def test_made_model_on_the_gpu_and_the_cpu(self):
        it = self.compare(self.demo, {"cache_dir": self.cache}, 1e-4)
        placement = it.get_placement()
        self.assertEqual(len(placement), 66)
        if not it.gpu_fallback_reason():  # a Vulkan device (lavapipe in CI)
            self.assertTrue(all(p["on_gpu"] for p in placement))
        cpu = self.compare(self.demo, {"use_gpu": False}, 1e-4, num_threads=2)
        self.assertTrue(all(not p["on_gpu"] and p["reason"] for p in cpu.get_placement()))

    def test_software_device_only_when_asked_for(self):
        saved = os.environ.pop("VKD_DEVICE", None)
        try:
            auto = vkdelegate.Interpreter(model_path=self.demo, options={"device": "auto"})
            auto.allocate_tensors()
            anyd = vkdelegate.Interpreter(model_path=self.demo, options={"device": "any"})
            anyd.allocate_tensors()
        finally:
            if saved is not None:
                os.environ["VKD_DEVICE"] = saved
        if "no hardware GPU" in auto.gpu_fallback_reason():  # lavapipe only, as in CI
            self.assertIn("device", auto.gpu_fallback_reason())
            self.assertTrue(all(not p["on_gpu"] for p in auto.get_placement()))
            self.assertEqual(anyd.gpu_fallback_reason(), "")
            self.assertTrue(all(p["on_gpu"] for p in anyd.get_placement()))
        with self.assertRaises(vkdelegate.VkdError):
            vkdelegate.Interpreter(model_path=self.demo, options={"device": -7})

    def test_details_follow_tf_lite(self):
        it = vkdelegate.Interpreter(model_path=self.demo, options={"use_gpu": False})
        it.allocate_tensors()
        d = it.get_input_details()[0]
        self.assertEqual(list(d["shape"]), [1, 96, 96, 3])  # mobilenet_v2_0.35_96
        self.assertIs(d["dtype"], np.float32)
        self.assertEqual(d["index"], 0)
        self.assertEqual(it.get_output_details()[0]["index"], 1)
        with self.assertRaises(ValueError):
            it.set_tensor(0, np.zeros((1, 2), np.float32))

    def test_model_content_and_errors(self):
        with open(self.demo, "rb") as f:
            content = f.read()
        it = vkdelegate.Interpreter(model_content=content, options={"use_gpu": False})
        it.allocate_tensors()
        with self.assertRaisesRegex(vkdelegate.VkdError, "no_such.tflite"):
            vkdelegate.Interpreter(model_path=os.path.join(self.tmp.name, "no_such.tflite"))
        with self.assertRaises(vkdelegate.VkdError):
            vkdelegate.Interpreter(model_content=content[:100])
        with self.assertRaises(ValueError):
            vkdelegate.Interpreter(model_path=self.demo, options={"precsion": "fp16"})

    def test_delegate_path_is_the_plug_in(self):
        path = vkdelegate.delegate_path()
        self.assertTrue(os.path.exists(path), path)
        lib = ctypes.CDLL(path)
        self.assertTrue(hasattr(lib, "tflite_plugin_create_delegate"))
        self.assertEqual(vkdelegate.version(), "0.1.0")

    def test_shared_float_model(self):
        path = shared_model("vww_96_float")
        if not path:
            self.skipTest("../shared/models/vww_96_float.tflite missing")
        self.compare(path, {"use_gpu": False}, 1e-5)

    def test_shared_int8_model_is_bit_exact(self):
        path = shared_model("vww_96_int8")
        if not path:
            self.skipTest("../shared/models/vww_96_int8.tflite missing")
        self.compare(path, {"use_gpu": False}, 0)

    def test_resize_to_batch_4(self):
        path = shared_model("kws_ref_model_float32")
        if not path:
            self.skipTest("../shared/models/kws_ref_model_float32.tflite missing")
        probe = vkdelegate.Interpreter(model_path=path, options={"use_gpu": False})
        shape = list(probe.get_input_details()[0]["shape"])
        self.compare(path, {"use_gpu": False}, 1e-3, resize={0: [4] + shape[1:]})


if __name__ == "__main__":
    unittest.main()
