// Runs a .tflite model on the real TFLite 2.9 C library (from the
// tfjs-tflite-node npm package): the oracle of the tests and the CPU speed
// anchor of the benchmarks. Builtin kernels by default; XNNPACK on request.
#pragma once

#include <memory>
#include <string>
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
  // Shapes to resize the inputs to before allocation (empty: the model's).
  std::vector<ir::Shape> input_shapes;
};

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
  Status SetInput(int i, const HostTensor& value);
  Status Invoke();
  HostTensor GetOutput(int i) const;

  static std::string Version();

 private:
  TfLiteRunner() = default;
  std::vector<uint8_t> bytes_;
  TfLiteModel* model_ = nullptr;
  TfLiteInterpreterOptions* options_ = nullptr;
  TfLiteDelegate* xnnpack_ = nullptr;
  TfLiteInterpreter* interpreter_ = nullptr;
};

}  // namespace vkd::tools
