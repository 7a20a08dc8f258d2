#include "delegate/tflite/tflite_delegate.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "delegate/gpu/gpu_partition.h"
#include "delegate/gpu/gpu_placement.h"
#include "delegate/gpu/partition_edges.h"
#include "delegate/partition/shape_inference.h"

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

// A partition's nodes on vkdelegate's CPU kernels: the graph of just these
// nodes, in the view's own types (quantized ops stay exact), sized for
// `input_shapes`. What a delegate kernel runs when its GPU kernels cannot be
// compiled, or when its device fails at run time: TFLite itself cannot take
// the nodes back once they were delegated.
StatusOr<std::unique_ptr<cpu::Interpreter>> CpuFallback(
    const ir::Graph& g, const partition::Partition& p, const std::vector<ir::Shape>& input_shapes) {
  ir::Graph sub;
  std::vector<int> map(g.tensors.size(), -1);
  auto use = [&](int t) {
    if (t == ir::kNoTensor) return t;
    if (map[t] < 0) {
      map[t] = static_cast<int>(sub.tensors.size());
      sub.tensors.push_back(g.tensors[t]);
    }
    return map[t];
  };
  for (int t : p.inputs) sub.inputs.push_back(use(t));
  for (int n : p.nodes) {
    ir::Node node = g.nodes[n];
    for (int32_t& t : node.inputs) t = use(t);
    for (int32_t& t : node.outputs) t = use(t);
    for (int32_t& t : node.intermediates) t = use(t);
    sub.nodes.push_back(std::move(node));
  }
  for (int t : p.outputs) sub.outputs.push_back(use(t));
  sub.keep_alive = g.keep_alive;
  VKD_ASSIGN_OR_RETURN(auto interpreter, cpu::Interpreter::Create(std::move(sub), {}));
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    VKD_RETURN_IF_ERROR(interpreter->ResizeInput(static_cast<int>(i), input_shapes[i]));
  }
  VKD_RETURN_IF_ERROR(interpreter->AllocateTensors());
  return interpreter;
}

}  // namespace

// One delegated subset of nodes: a TFLite node whose init/prepare/invoke
// drive a GpuPartition.
class DelegateKernel {
 public:
  // `gpu_graph`: the graph the partition is compiled from — the view's, or
  // its float form with enable_quant (kept alive by `float_graph`).
  DelegateKernel(std::shared_ptr<gpu_delegate::GpuContext> gpu,
                 std::shared_ptr<const ContextGraph> view,
                 std::shared_ptr<const ir::Graph> float_graph, partition::Partition part,
                 gpu_delegate::PartitionEdges edges)
      : view_(std::move(view)),
        float_graph_(std::move(float_graph)),
        gpu_graph_(float_graph_ ? *float_graph_ : view_->graph),
        gpu_(std::make_unique<gpu_delegate::GpuPartition>(std::move(gpu), gpu_graph_,
                                                          std::move(part))),
        edges_(std::move(edges)) {}

  // TFLite re-prepares a delegate kernel whenever its inputs were resized:
  // shapes are inferred again and the partition re-planned if they changed.
  TfLiteStatus Prepare(TfLiteContext* context) {
    const partition::Partition& p = gpu_->partition();
    std::vector<ir::Shape> input_shapes;
    std::vector<int64_t> in_counts, out_counts;
    for (int t : p.inputs) {
      input_shapes.push_back(ShapeOf(context->tensors[t]));
      in_counts.push_back(ir::NumElements(input_shapes.back()));
    }
    std::vector<ir::Tensor> tensors;
    Status s = partition::InferPartitionShapes(gpu_graph_, p, input_shapes, &tensors);
    if (!s.ok()) return Fail(context, s.message());
    for (int t : p.outputs) {
      TfLiteTensor& out = context->tensors[t];
      out_counts.push_back(ir::NumElements(tensors[t].shape));
      if (SameDims(out.dims, tensors[t].shape)) continue;
      std::vector<int> dims(tensors[t].shape.begin(), tensors[t].shape.end());
      TfLiteIntArray* a = NewIntArray(dims);
      if (!a || context->ResizeTensor(context, &out, a) != kTfLiteOk) {
        return Fail(context, "could not resize output tensor " + std::to_string(t) + " to " +
                                 ir::ShapeToString(tensors[t].shape));
      }
    }
    edges_.Resize(in_counts, out_counts);
    input_shapes_ = input_shapes;
    if (cpu_ || gpu_->device_failed()) return StartCpuFallback(context, "");
    s = gpu_->Prepare(tensors);
    // A partition that cannot be compiled (device limits, out of memory, a
    // driver error) runs on the CPU kernels, as the standalone runner does:
    // the model still loads.
    if (!s.ok()) return StartCpuFallback(context, "GPU compilation failed: " + s.message());
    return kTfLiteOk;
  }

  // Data pointers are read on every invoke: TFLite may move tensors between
  // invokes (arena growth, a host's SetAllowBufferHandleOutput...).
  TfLiteStatus Invoke(TfLiteContext* context) {
    const partition::Partition& p = gpu_->partition();
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
    if (cpu_) return InvokeOnCpu(context);
    Status s = gpu_->Invoke(edges_.Inputs(in_), edges_.Outputs(out_));
    if (!s.ok() && gpu_->device_failed()) {
      // The device failed under this invoke (lost, hung): answer it, and
      // every later one, on the CPU kernels from the same inputs.
      if (StartCpuFallback(context, "GPU invoke failed: " + s.message()) != kTfLiteOk) {
        return kTfLiteError;
      }
      return InvokeOnCpu(context);
    }
    if (!s.ok()) return Fail(context, s.message());
    edges_.StoreOutputs(out_);
    return kTfLiteOk;
  }

 private:
  // (Re)builds the CPU form of the partition for the current input shapes;
  // `why` non-empty is said once on stderr.
  TfLiteStatus StartCpuFallback(TfLiteContext* context, const std::string& why) {
    if (!why.empty()) {
      const auto& nodes = gpu_->partition().nodes;
      std::fprintf(stderr,
                   "vkdelegate: warning: %zu node%s (first: node %d) now run on vkdelegate's "
                   "CPU kernels: %s\n",
                   nodes.size(), nodes.size() == 1 ? "" : "s",
                   nodes.empty() ? -1 : view_->tflite_node[nodes[0]], why.c_str());
    }
    auto cpu = CpuFallback(view_->graph, gpu_->partition(), input_shapes_);
    if (!cpu.ok()) return Fail(context, "CPU fallback: " + cpu.status().message());
    cpu_ = std::move(cpu).value();
    return kTfLiteOk;
  }

  TfLiteStatus InvokeOnCpu(TfLiteContext* context) {
    for (size_t i = 0; i < in_.size(); ++i) {
      const size_t bytes = cpu_->input_tensor(static_cast<int>(i)).bytes();
      if (context->tensors[gpu_->partition().inputs[i]].bytes != bytes) {
        return Fail(context, "CPU fallback: input " + std::to_string(i) + " size mismatch");
      }
      std::memcpy(cpu_->input_data(static_cast<int>(i)), in_[i], bytes);
    }
    Status s = cpu_->Invoke();
    if (!s.ok()) return Fail(context, s.message());
    for (size_t o = 0; o < out_.size(); ++o) {
      const size_t bytes = cpu_->output_tensor(static_cast<int>(o)).bytes();
      if (context->tensors[gpu_->partition().outputs[o]].bytes != bytes) {
        return Fail(context, "CPU fallback: output " + std::to_string(o) + " size mismatch");
      }
      std::memcpy(out_[o], cpu_->output_data(static_cast<int>(o)), bytes);
    }
    return kTfLiteOk;
  }

  TfLiteStatus Fail(TfLiteContext* context, const std::string& message) const {
    const auto& nodes = gpu_->partition().nodes;
    std::string where = "vkdelegate: GPU partition of nodes";
    for (size_t i = 0; i < nodes.size() && i < 8; ++i) {
      where += " " + std::to_string(view_->tflite_node[nodes[i]]);
    }
    if (nodes.size() > 8) where += " ...";
    context->ReportError(context, "%s: %s", where.c_str(), message.c_str());
    return kTfLiteError;
  }

  std::shared_ptr<const ContextGraph> view_;
  std::shared_ptr<const ir::Graph> float_graph_;
  const ir::Graph& gpu_graph_;
  std::unique_ptr<gpu_delegate::GpuPartition> gpu_;
  gpu_delegate::PartitionEdges edges_;
  std::vector<const void*> in_;
  std::vector<void*> out_;
  std::vector<ir::Shape> input_shapes_;    // of the last Prepare
  std::unique_ptr<cpu::Interpreter> cpu_;  // set once the partition runs on the CPU
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
    std::vector<ir::Tensor> in, out;
    for (int t : part.inputs) in.push_back(view.graph.tensors[t]);
    for (int t : part.outputs) out.push_back(view.graph.tensors[t]);
    auto edges = gpu_delegate::PartitionEdges::Create(in, out);
    if (!edges.ok()) {
      context->ReportError(context, "vkdelegate: %s", edges.status().message().c_str());
      return nullptr;
    }
    ++self->kernels_created_;
    return new DelegateKernel(self->gpu_, self->preparing_, self->preparing_float_, std::move(part),
                              std::move(edges).value());
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
  Log(LogLevel::kInfo, std::to_string(on_gpu) + " of " + std::to_string(total) +
                           " nodes on GPU in " + std::to_string(kernels_created_) +
                           " partitions (" + gpu_->device().info().name + ", " +
                           (gpu_->precision() == shaders::Precision::kFp16 ? "fp16" : "fp32") +
                           ")");
  return kTfLiteOk;
}

}  // namespace vkd::tflite_glue
