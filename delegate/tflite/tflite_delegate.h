// vkdelegate as a TfLiteDelegate: the front door for TFLite hosts.
//
// Prepare reads the interpreter's graph (ContextGraph), asks the same
// CheckGpuSupport and PartitionGraph as the standalone ModelRunner which
// nodes go to the GPU, and hands them to ReplaceNodeSubsetsWithDelegateKernels.
// TFLite then creates one delegate kernel per connected subset; each kernel
// owns a GpuPartition (the same compiler and runtime as ModelRunner's) and
// re-plans it whenever TFLite re-prepares it with new input shapes.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "delegate/gpu/gpu_context.h"
#include "model/partition/partitioner.h"
#include "delegate/tflite/context_graph.h"
#include "tensorflow/lite/c/common.h"

namespace vkd::tflite_glue {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kVerbose = 3 };

struct DelegateOptions {
  gpu_delegate::GpuOptions gpu;
  partition::PartitionOptions partition;
  // Quantized models: dequantize weights at upload and run int8/uint8 ops in
  // float on the GPU (TFLite GPU delegate's ENABLE_QUANT).
  bool enable_quant = false;
  LogLevel log_level = LogLevel::kInfo;
};

class Delegate {
 public:
  explicit Delegate(const DelegateOptions& options);
  ~Delegate();
  Delegate(const Delegate&) = delete;
  Delegate& operator=(const Delegate&) = delete;

  TfLiteDelegate* tflite_delegate() { return &delegate_; }
  // The Delegate behind a TfLiteDelegate made by this class; nullptr for any
  // other delegate.
  static Delegate* FromTfLite(const TfLiteDelegate* delegate);

  const DelegateOptions& options() const { return options_; }
  // Results of the latest Prepare (-1 before the first).
  int nodes_on_gpu() const { return nodes_on_gpu_.load(); }
  int partitions() const { return partitions_.load(); }

 private:
  static TfLiteRegistration KernelRegistration();
  static TfLiteStatus PrepareThunk(TfLiteContext* context, TfLiteDelegate* delegate);
  TfLiteStatus Prepare(TfLiteContext* context);
  // The GPU context, created at the first Prepare; null (with the reason in
  // gpu_error_) when there is no usable Vulkan device.
  std::shared_ptr<gpu_delegate::GpuContext> GpuContextOrNull();
  void Log(LogLevel level, const std::string& line) const;

  DelegateOptions options_;
  TfLiteDelegate delegate_;
  std::mutex mu_;  // guards the GPU context's creation and Prepare
  std::shared_ptr<gpu_delegate::GpuContext> gpu_;
  std::string gpu_error_;
  bool gpu_tried_ = false;
  std::atomic<int> nodes_on_gpu_{-1};
  std::atomic<int> partitions_{-1};
  // Kernels created by the ReplaceNodeSubsetsWithDelegateKernels call in
  // progress (TFLite calls the kernels' init synchronously from it).
  std::shared_ptr<const ContextGraph> preparing_;
  std::shared_ptr<const ir::Graph> preparing_float_;  // enable_quant's float form
  int kernels_created_ = 0;
};

}  // namespace vkd::tflite_glue
