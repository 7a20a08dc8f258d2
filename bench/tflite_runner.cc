#include "bench/tflite_runner.h"

#include <dlfcn.h>

#include <fstream>
#include <iterator>

#include "delegate/tflite/tflite_types.h"
#include "tensorflow/lite/c/c_api.h"
#include "tensorflow/lite/c/common.h"
#include "tensorflow/lite/delegates/external/external_delegate.h"

// XNNPACK's creation functions are exported by libtensorflowlite_c.so 2.9 but
// its header is not shipped in the npm package; these declarations match
// tensorflow/lite/delegates/xnnpack/xnnpack_delegate.h of 2.9.
extern "C" {
typedef struct {
  int32_t num_threads;
  uint32_t flags;
  void* weights_cache;
} TfLiteXNNPackDelegateOptions;
TfLiteXNNPackDelegateOptions TfLiteXNNPackDelegateOptionsDefault();
TfLiteDelegate* TfLiteXNNPackDelegateCreate(const TfLiteXNNPackDelegateOptions* options);
void TfLiteXNNPackDelegateDelete(TfLiteDelegate* delegate);
}

namespace vkd::tools {
namespace {

HostTensor Describe(const TfLiteTensor* t) {
  HostTensor h;
  h.type = tflite_glue::FromTfLiteType(TfLiteTensorType(t)).value_or(ir::DataType::kString);
  for (int d = 0; d < TfLiteTensorNumDims(t); ++d) h.shape.push_back(TfLiteTensorDim(t, d));
  return h;
}

}  // namespace

namespace {

using PluginCreate = TfLiteDelegate* (*)(char**, char**, size_t, void (*)(const char*));
using PluginDestroy = void (*)(TfLiteDelegate*);

// What the plug-in reported while refusing its options.
thread_local std::string plugin_errors;
void CollectPluginError(const char* message) {
  if (!plugin_errors.empty()) plugin_errors += "; ";
  plugin_errors += message != nullptr ? message : "(null)";
}

}  // namespace

// TFLite 2.9's external-delegate wrapper is made even when the plug-in cannot
// be loaded or refuses its options, and the interpreter then calls through
// the missing delegate (SIGSEGV). So the plug-in is loaded here first, through
// the same ABI and with the same options, and every failure becomes an error
// that says which: no such file, not a plug-in, or the plug-in's own message.
Status ProbeDelegatePlugin(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& options) {
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    return NotFoundError("cannot load the delegate plug-in '" + path +
                         "': " + (why != nullptr ? why : "dlopen failed"));
  }
  auto create = reinterpret_cast<PluginCreate>(dlsym(lib, "tflite_plugin_create_delegate"));
  auto destroy = reinterpret_cast<PluginDestroy>(dlsym(lib, "tflite_plugin_destroy_delegate"));
  if (create == nullptr || destroy == nullptr) {
    dlclose(lib);
    return InvalidArgumentError("'" + path +
                                "' is not a TFLite delegate plug-in (no "
                                "tflite_plugin_create_delegate / tflite_plugin_destroy_delegate)");
  }
  std::vector<std::string> keys, values;
  for (const auto& [k, v] : options) {
    keys.push_back(k);
    values.push_back(v);
  }
  std::vector<char*> key_ptrs, value_ptrs;
  for (size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].data());
    value_ptrs.push_back(values[i].data());
  }
  plugin_errors.clear();
  TfLiteDelegate* d = create(key_ptrs.data(), value_ptrs.data(), keys.size(), CollectPluginError);
  if (d == nullptr) {
    dlclose(lib);
    return InvalidArgumentError("the delegate plug-in '" + path + "' refused its options" +
                                (plugin_errors.empty() ? "" : ": " + plugin_errors));
  }
  destroy(d);
  dlclose(lib);
  return Status::Ok();
}

StatusOr<std::unique_ptr<TfLiteRunner>> TfLiteRunner::Create(std::vector<uint8_t> model_bytes,
                                                             const TfLiteRunOptions& options) {
  std::unique_ptr<TfLiteRunner> r(new TfLiteRunner());
  r->bytes_ = std::move(model_bytes);
  r->model_ = TfLiteModelCreate(r->bytes_.data(), r->bytes_.size());
  if (!r->model_) return InvalidArgumentError("TFLite could not read the model");
  r->options_ = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetNumThreads(r->options_, options.num_threads);
  if (options.use_xnnpack) {
    TfLiteXNNPackDelegateOptions xo = TfLiteXNNPackDelegateOptionsDefault();
    xo.num_threads = options.num_threads;
    // TFLITE_XNNPACK_DELEGATE_FLAG_QS8: XNNPACK 2.9 takes int8 ops only when
    // asked (the speed anchor of int8 models). Not QU8: its uint8 path fails
    // to prepare on the shared uint8 models, which then stay on the builtin
    // kernels, as ../shared/README.md says.
    if (options.xnnpack_int8) xo.flags |= 0x1u;
    r->xnnpack_ = TfLiteXNNPackDelegateCreate(&xo);
    TfLiteInterpreterOptionsAddDelegate(r->options_, r->xnnpack_);
  }
  for (TfLiteDelegate* d : options.delegates) TfLiteInterpreterOptionsAddDelegate(r->options_, d);
  if (!options.external_delegate_path.empty()) {
    VKD_RETURN_IF_ERROR(
        ProbeDelegatePlugin(options.external_delegate_path, options.external_delegate_options));
    TfLiteExternalDelegateOptions eo =
        TfLiteExternalDelegateOptionsDefault(options.external_delegate_path.c_str());
    for (const auto& [key, value] : options.external_delegate_options) {
      if (eo.insert(&eo, key.c_str(), value.c_str()) != kTfLiteOk) {
        return InvalidArgumentError("too many external delegate options");
      }
    }
    r->external_ = TfLiteExternalDelegateCreate(&eo);
    if (!r->external_) {
      return InvalidArgumentError("TFLite's external delegate could not load '" +
                                  options.external_delegate_path + "' with these options");
    }
    TfLiteInterpreterOptionsAddDelegate(r->options_, r->external_);
  }
  r->interpreter_ = TfLiteInterpreterCreate(r->model_, r->options_);
  if (!r->interpreter_ && options.use_xnnpack && options.xnnpack_int8) {
    // XNNPACK 2.9's int8 path fails to prepare on some models (movenet), and
    // TFLite then refuses the interpreter: measure XNNPACK without it.
    TfLiteRunOptions retry = options;
    retry.xnnpack_int8 = false;
    return Create(std::move(r->bytes_), retry);
  }
  if (!r->interpreter_)
    return InvalidArgumentError("TFLite could not create an interpreter for the model");
  VKD_RETURN_IF_ERROR(r->ResizeInputs(options.input_shapes));
  return r;
}

Status TfLiteRunner::ResizeInputs(const std::vector<ir::Shape>& shapes) {
  for (size_t i = 0; i < shapes.size(); ++i) {
    const ir::Shape& s = shapes[i];
    if (s.empty()) continue;
    if (TfLiteInterpreterResizeInputTensor(interpreter_, static_cast<int32_t>(i), s.data(),
                                           static_cast<int32_t>(s.size())) != kTfLiteOk) {
      return InvalidArgumentError("TFLite could not resize input " + std::to_string(i) + " to " +
                                  ir::ShapeToString(s));
    }
  }
  if (TfLiteInterpreterAllocateTensors(interpreter_) != kTfLiteOk) {
    return InvalidArgumentError("TFLite AllocateTensors failed");
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<TfLiteRunner>> TfLiteRunner::CreateFromFile(
    const std::string& path, const TfLiteRunOptions& options) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFoundError("cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return Create(std::move(bytes), options);
}

TfLiteRunner::~TfLiteRunner() {
  if (interpreter_) TfLiteInterpreterDelete(interpreter_);
  if (xnnpack_) TfLiteXNNPackDelegateDelete(xnnpack_);
  if (external_) TfLiteExternalDelegateDelete(external_);
  if (options_) TfLiteInterpreterOptionsDelete(options_);
  if (model_) TfLiteModelDelete(model_);
}

int TfLiteRunner::num_inputs() const { return TfLiteInterpreterGetInputTensorCount(interpreter_); }
int TfLiteRunner::num_outputs() const {
  return TfLiteInterpreterGetOutputTensorCount(interpreter_);
}

HostTensor TfLiteRunner::InputSpec(int i) const {
  return Describe(TfLiteInterpreterGetInputTensor(interpreter_, i));
}

std::string TfLiteRunner::InputName(int i) const {
  const TfLiteTensor* t = TfLiteInterpreterGetInputTensor(interpreter_, i);
  const char* name = t != nullptr ? TfLiteTensorName(t) : nullptr;
  return name != nullptr ? name : "";
}

Status TfLiteRunner::SetInput(int i, const HostTensor& value) {
  TfLiteTensor* t = TfLiteInterpreterGetInputTensor(interpreter_, i);
  if (!t) return InvalidArgumentError("TFLite has no input " + std::to_string(i));
  const HostTensor spec = InputSpec(i);
  if (spec.type != value.type) {
    return InvalidArgumentError("TFLite input " + std::to_string(i) + " is " +
                                ir::DataTypeName(spec.type) + ", given " +
                                ir::DataTypeName(value.type));
  }
  if (TfLiteTensorByteSize(t) != value.bytes.size()) {
    return InvalidArgumentError("TFLite input " + std::to_string(i) + " holds " +
                                std::to_string(TfLiteTensorByteSize(t)) + " bytes, given " +
                                std::to_string(value.bytes.size()));
  }
  if (TfLiteTensorCopyFromBuffer(t, value.bytes.data(), value.bytes.size()) != kTfLiteOk) {
    return InternalError("TFLite refused the input copy");
  }
  return Status::Ok();
}

Status TfLiteRunner::Invoke() {
  if (TfLiteInterpreterInvoke(interpreter_) != kTfLiteOk)
    return InternalError("TFLite Invoke failed");
  return Status::Ok();
}

HostTensor TfLiteRunner::GetOutput(int i) const {
  const TfLiteTensor* t = TfLiteInterpreterGetOutputTensor(interpreter_, i);
  HostTensor h = Describe(t);
  h.bytes.resize(TfLiteTensorByteSize(t));
  TfLiteTensorCopyToBuffer(t, h.bytes.data(), h.bytes.size());
  return h;
}

std::string TfLiteRunner::Version() { return TfLiteVersion(); }

}  // namespace vkd::tools
