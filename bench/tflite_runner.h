// Runs a .tflite model on the real TFLite 2.9 C library (from the
// tfjs-tflite-node npm package): the oracle of the tests and the CPU speed
// anchor of the benchmarks. Builtin kernels by default; XNNPACK on request.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/host_tensor.h"
#include "common/status.h"

struct TfLiteModel;
struct TfLiteInterpreter;
struct TfLiteInterpreterOptions;
struct TfLiteDelegate;

namespace vkd::tools {

struct TfLiteRunOptions {
  int num_threads = 1;
  bool use_xnnpack = false;
  // With use_xnnpack: let XNNPACK take int8 ops too (its QS8 flag). When its
  // int8 path fails to prepare, the runner retries without it.
  bool xnnpack_int8 = true;
  // Shapes to resize the inputs to before allocation (empty: the model's).
  std::vector<ir::Shape> input_shapes;
  // Delegates added with TfLiteInterpreterOptionsAddDelegate, in order. Not
  // owned: they must outlive the runner.
  std::vector<TfLiteDelegate*> delegates;
  // A delegate plug-in loaded through TFLite's external delegate
  // (libexternal_delegate_obj, as benchmark_model --external_delegate_path),
  // with its key/value options; owned by the runner.
  std::string external_delegate_path;
  std::vector<std::pair<std::string, std::string>> external_delegate_options;
};

// Loads a TFLite delegate plug-in (tflite_plugin_create_delegate ABI), creates
// and destroys one delegate with `options`: NotFound when the file cannot be
// loaded, InvalidArgument when it is not a plug-in or refuses the options
// (with the plug-in's own message). TfLiteRunner calls it before handing the
// path to TFLite, whose wrapper would crash on either.
Status ProbeDelegatePlugin(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& options);

class TfLiteRunner {
 public:
  // `model_bytes` is kept alive by the runner (TFLite reads it in place).
  static StatusOr<std::unique_ptr<TfLiteRunner>> Create(std::vector<uint8_t> model_bytes,
                                                        const TfLiteRunOptions& options);
  static StatusOr<std::unique_ptr<TfLiteRunner>> CreateFromFile(const std::string& path,
                                                                const TfLiteRunOptions& options);
  ~TfLiteRunner();

  int num_inputs() const;
  int num_outputs() const;
  // The type and shape TFLite gives input i (after resizing).
  HostTensor InputSpec(int i) const;
  std::string InputName(int i) const;
  Status SetInput(int i, const HostTensor& value);
  // Resizes the inputs (empty shape: keep) and reallocates, as a host does
  // between invokes.
  Status ResizeInputs(const std::vector<ir::Shape>& shapes);
  Status Invoke();
  HostTensor GetOutput(int i) const;

  static std::string Version();

 private:
  TfLiteRunner() = default;
  std::vector<uint8_t> bytes_;
  TfLiteModel* model_ = nullptr;
  TfLiteInterpreterOptions* options_ = nullptr;
  TfLiteDelegate* xnnpack_ = nullptr;
  TfLiteDelegate* external_ = nullptr;
  TfLiteInterpreter* interpreter_ = nullptr;
};

}  // namespace vkd::tools
