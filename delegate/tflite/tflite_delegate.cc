#include "delegate/tflite/tflite_delegate.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "delegate/gpu/gpu_placement.h"
#include "delegate/partition_runner.h"

namespace vkd::tflite_glue {
namespace {

// Identifies TfLiteDelegates made by this library (FromTfLite).
constexpr uint64_t kMagic = 0x766b64656c656761ull;  // "vkdelega"

struct DelegateData {
  uint64_t magic = kMagic;
  Delegate* self = nullptr;
};

// TfLiteIntArray without TFLite's allocator functions: the plug-in must not
// need symbols from the host's TFLite library (a host may load it privately).
// TFLite frees these with free(), as TfLiteIntArrayFree does.
TfLiteIntArray* NewIntArray(const std::vector<int>& values) {
  auto* a = static_cast<TfLiteIntArray*>(
      std::malloc(sizeof(TfLiteIntArray) + sizeof(int) * values.size()));
  if (!a) return nullptr;
  a->size = static_cast<int>(values.size());
  if (!values.empty()) std::memcpy(a->data, values.data(), sizeof(int) * values.size());
  return a;
}

bool SameDims(const TfLiteIntArray* dims, const ir::Shape& shape) {
  if (!dims || dims->size != static_cast<int>(shape.size())) return false;
  for (int d = 0; d < dims->size; ++d) {
    if (dims->data[d] != shape[d]) return false;
  }
  return true;
}

ir::Shape ShapeOf(const TfLiteTensor& t) {
  return t.dims ? ir::Shape(t.dims->data, t.dims->data + t.dims->size) : ir::Shape{};
}

}  // namespace

// One delegated partition inside TFLite: the shared PartitionRunner (with
// its CPU form, so a partition that cannot compile or whose device fails
// still runs) fed TFLite's tensors, resizing outputs and reporting errors
// through the context.
class DelegateKernel {
 public:
  DelegateKernel(std::shared_ptr<const ContextGraph> view, std::unique_ptr<PartitionRunner> runner)
      : view_(std::move(view)), runner_(std::move(runner)) {}

  // TFLite re-prepares a delegate kernel whenever its inputs were resized:
  // shapes are inferred again and the partition re-planned if they changed.
  TfLiteStatus Prepare(TfLiteContext* context) {
    const partition::Partition& p = runner_->partition();
    std::vector<ir::Shape> input_shapes, output_shapes;
    for (int t : p.inputs) input_shapes.push_back(ShapeOf(context->tensors[t]));
    const bool was_on_cpu = runner_->on_cpu();
    Status s = runner_->Prepare(input_shapes, &output_shapes);
    if (!s.ok()) return Fail(context, s.message());
    if (!was_on_cpu) WarnIfOnCpu();
    for (size_t o = 0; o < p.outputs.size(); ++o) {
      TfLiteTensor& out = context->tensors[p.outputs[o]];
      if (SameDims(out.dims, output_shapes[o])) continue;
      std::vector<int> dims(output_shapes[o].begin(), output_shapes[o].end());
      TfLiteIntArray* a = NewIntArray(dims);
      if (!a || context->ResizeTensor(context, &out, a) != kTfLiteOk) {
        return Fail(context, "could not resize output tensor " + std::to_string(p.outputs[o]) +
                                 " to " + ir::ShapeToString(output_shapes[o]));
      }
    }
    return kTfLiteOk;
  }

  // Data pointers are read on every invoke: TFLite may move tensors between
  // invokes (arena growth, a host's SetAllowBufferHandleOutput...).
  TfLiteStatus Invoke(TfLiteContext* context) {
    const partition::Partition& p = runner_->partition();
    in_.clear();
    out_.clear();
    for (int t : p.inputs) in_.push_back(context->tensors[t].data.raw_const);
    for (int t : p.outputs) out_.push_back(context->tensors[t].data.raw);
    for (const void* ptr : in_) {
      if (!ptr) return Fail(context, "an input tensor has no data");
    }
    for (void* ptr : out_) {
      if (!ptr) return Fail(context, "an output tensor has no data");
    }
    const bool was_on_cpu = runner_->on_cpu();
    Status s = runner_->Invoke(in_, out_);
    if (!was_on_cpu) WarnIfOnCpu();
    return s.ok() ? kTfLiteOk : Fail(context, s.message());
  }

 private:
  // Said once, when the partition moves to the CPU kernels.
  void WarnIfOnCpu() const {
    if (!runner_->on_cpu()) return;
    const auto& nodes = runner_->partition().nodes;
    std::fprintf(stderr,
                 "vkdelegate: warning: %zu node%s (first: node %d) now run on vkdelegate's "
                 "CPU kernels: %s\n",
                 nodes.size(), nodes.size() == 1 ? "" : "s",
                 nodes.empty() ? -1 : view_->tflite_node[nodes[0]], runner_->cpu_reason().c_str());
  }

  TfLiteStatus Fail(TfLiteContext* context, const std::string& message) const {
    const auto& nodes = runner_->partition().nodes;
    std::string where = "vkdelegate: GPU partition of nodes";
    for (size_t i = 0; i < nodes.size() && i < 8; ++i) {
      where += " " + std::to_string(view_->tflite_node[nodes[i]]);
    }
    if (nodes.size() > 8) where += " ...";
    context->ReportError(context, "%s: %s", where.c_str(), message.c_str());
    return kTfLiteError;
  }

  std::shared_ptr<const ContextGraph> view_;
  std::unique_ptr<PartitionRunner> runner_;
  std::vector<const void*> in_;
  std::vector<void*> out_;
};

// The TfLiteRegistration of vkdelegate's kernels.
TfLiteRegistration Delegate::KernelRegistration() {
  TfLiteRegistration reg{};
  reg.init = [](TfLiteContext* context, const char* buffer, size_t) -> void* {
    const auto* params = reinterpret_cast<const TfLiteDelegateParams*>(buffer);
    Delegate* self = Delegate::FromTfLite(params->delegate);
    if (!self || !self->preparing_) return nullptr;
    const ContextGraph& view = *self->preparing_;
    partition::Partition part;
    for (int i = 0; i < params->nodes_to_replace->size; ++i) {
      const int n = view.ViewNode(params->nodes_to_replace->data[i]);
      if (n < 0) return nullptr;
      part.nodes.push_back(n);
    }
    std::sort(part.nodes.begin(), part.nodes.end());
    // TFLite lists constant inputs too; the partition takes them from the
    // graph view, as ModelRunner's partitions do.
    for (int i = 0; i < params->input_tensors->size; ++i) {
      const int t = params->input_tensors->data[i];
      if (t != ir::kNoTensor && !view.graph.tensors[t].is_constant()) part.inputs.push_back(t);
    }
    part.outputs.assign(params->output_tensors->data,
                        params->output_tensors->data + params->output_tensors->size);
    // The view's graph, owned by the view: shared, so the runner keeps it.
    std::shared_ptr<const ir::Graph> host(self->preparing_, &self->preparing_->graph);
    std::shared_ptr<const ir::Graph> gpu_graph =
        self->preparing_float_ ? self->preparing_float_ : host;
    auto runner = PartitionRunner::Create(self->gpu_, host, gpu_graph, std::move(part),
                                          /*cpu_fallback=*/true);
    if (!runner.ok()) {
      context->ReportError(context, "vkdelegate: %s", runner.status().message().c_str());
      return nullptr;
    }
    ++self->kernels_created_;
    return new DelegateKernel(self->preparing_, std::move(runner).value());
  };
  reg.free = [](TfLiteContext*, void* buffer) { delete static_cast<DelegateKernel*>(buffer); };
  reg.prepare = [](TfLiteContext* context, TfLiteNode* node) -> TfLiteStatus {
    auto* kernel = static_cast<DelegateKernel*>(node->user_data);
    if (!kernel) {
      context->ReportError(context, "vkdelegate: kernel was not initialized");
      return kTfLiteError;
    }
    return kernel->Prepare(context);
  };
  reg.invoke = [](TfLiteContext* context, TfLiteNode* node) -> TfLiteStatus {
    return static_cast<DelegateKernel*>(node->user_data)->Invoke(context);
  };
  // BuiltinOperator DELEGATE (builtin_ops.h is not among the shipped headers).
  reg.builtin_code = static_cast<int32_t>(ir::OpType::kDelegate);
  reg.custom_name = "vkdelegate";
  reg.version = 1;
  return reg;
}

Delegate::Delegate(const DelegateOptions& options) : options_(options) {
  delegate_ = TfLiteDelegate{};
  delegate_.data_ = new DelegateData{kMagic, this};
  delegate_.Prepare = &Delegate::PrepareThunk;
  // Input resizes re-prepare the kernels (new shapes, new plan) instead of
  // undoing the delegation.
  delegate_.flags = kTfLiteDelegateFlagsAllowDynamicTensors;
}

Delegate::~Delegate() {
  if (gpu_) {
    Status s = gpu_->SaveCaches();
    (void)s;  // a cache that cannot be written only costs the next start time
  }
  delete static_cast<DelegateData*>(delegate_.data_);
}

Delegate* Delegate::FromTfLite(const TfLiteDelegate* delegate) {
  if (!delegate || !delegate->data_ || delegate->Prepare != &Delegate::PrepareThunk) return nullptr;
  auto* data = static_cast<const DelegateData*>(delegate->data_);
  return data->magic == kMagic ? data->self : nullptr;
}

TfLiteStatus Delegate::PrepareThunk(TfLiteContext* context, TfLiteDelegate* delegate) {
  Delegate* self = FromTfLite(delegate);
  if (!self) return kTfLiteError;
  return self->Prepare(context);
}

void Delegate::Log(LogLevel level, const std::string& line) const {
  if (static_cast<int>(level) <= static_cast<int>(options_.log_level)) {
    std::fprintf(stderr, "vkdelegate: %s\n", line.c_str());
  }
}

std::shared_ptr<gpu_delegate::GpuContext> Delegate::GpuContextOrNull() {
  if (!gpu_tried_) {
    gpu_tried_ = true;
    gpu_delegate::GpuOptions o = options_.gpu;
    o.echo_validation_errors = o.enable_validation;
    auto ctx = gpu_delegate::GpuContext::Create(o);
    if (ctx.ok()) {
      gpu_ = std::move(ctx).value();
    } else {
      gpu_error_ = ctx.status().message();
    }
  }
  return gpu_;
}

TfLiteStatus Delegate::Prepare(TfLiteContext* context) {
  std::lock_guard<std::mutex> lock(mu_);
  auto view_or = BuildContextGraph(context);
  if (!view_or.ok()) {
    context->ReportError(context, "vkdelegate: %s", view_or.status().message().c_str());
    return kTfLiteError;
  }
  std::shared_ptr<const ContextGraph> view = std::move(view_or).value();
  const int total = static_cast<int>(view->graph.nodes.size());
  if (!GpuContextOrNull()) {
    nodes_on_gpu_ = 0;
    partitions_ = 0;
    Log(LogLevel::kWarning, "warning: no usable Vulkan device (" + gpu_error_ + "); all " +
                                std::to_string(total) + " nodes stay on the host");
    return kTfLiteOk;
  }

  gpu_delegate::SupportLimits limits;
  limits.max_tensor_bytes = gpu_->device().info().max_storage_buffer_range;
  gpu_delegate::GpuPlacement placement =
      gpu_delegate::PlaceOnGpu(view->graph, limits, options_.enable_quant, &view->host_reason);
  if (!placement.quant_note.empty()) Log(LogLevel::kWarning, placement.quant_note);
  const partition::PartitionPlan plan = partition::PartitionGraph(
      placement.gpu_graph(view->graph), placement.verdicts, options_.partition);
  std::vector<int> replace;
  for (const partition::Partition& p : plan.partitions) {
    for (int n : p.nodes) replace.push_back(view->tflite_node[n]);
  }
  // Why nodes stay on the host, grouped (as vkd-bench's summary prints them),
  // at info level; every node at verbose.
  std::map<std::string, int> host_reasons;
  for (int n = 0; n < total; ++n) {
    if (plan.node_partition[n] >= 0) continue;
    ++host_reasons[std::string(ir::OpTypeName(view->graph.nodes[n].op)) + ": " +
                   plan.cpu_reason[n]];
  }
  for (const auto& [reason, count] : host_reasons) {
    Log(LogLevel::kInfo, "  host " + std::to_string(count) + " x " + reason);
  }
  if (options_.log_level >= LogLevel::kVerbose) {
    for (int n = 0; n < total; ++n) {
      const int p = plan.node_partition[n];
      Log(LogLevel::kVerbose, "  node " + std::to_string(view->tflite_node[n]) + " " +
                                  ir::OpTypeName(view->graph.nodes[n].op) + ": " +
                                  (p >= 0 ? "GPU partition " + std::to_string(p)
                                          : "host (" + plan.cpu_reason[n] + ")"));
    }
  }

  int on_gpu = 0;
  kernels_created_ = 0;
  if (!replace.empty()) {
    std::sort(replace.begin(), replace.end());
    TfLiteIntArray* nodes = NewIntArray(replace);
    preparing_ = view;
    preparing_float_ = placement.float_graph;
    const TfLiteStatus s = context->ReplaceNodeSubsetsWithDelegateKernels(
        context, KernelRegistration(), nodes, &delegate_);
    preparing_.reset();
    preparing_float_.reset();
    std::free(nodes);
    if (s != kTfLiteOk) return s;
    on_gpu = static_cast<int>(replace.size());
  }
  nodes_on_gpu_ = on_gpu;
  partitions_ = kernels_created_;
  Log(LogLevel::kInfo,
      std::to_string(on_gpu) + " of " + std::to_string(total) + " nodes on GPU in " +
          std::to_string(kernels_created_) + " partitions (" + gpu_->device().info().name + ", " +
          (gpu_->precision() == shaders::Precision::kFp16 ? "fp16" : "fp32") + ")");
  return kTfLiteOk;
}

}  // namespace vkd::tflite_glue
