#include "delegate/model_runner.h"

#include <cstdio>
#include <cstring>
#include <queue>

#include "common/timer.h"
#include "cpu_fallback/kernel_registry.h"
#include "delegate/gpu/gpu_placement.h"
#include "delegate/gpu/op_support.h"
#include "delegate/partition_runner.h"

namespace vkd {

namespace {

std::string PartitionNodeName(int p) { return "vkd_gpu_partition_" + std::to_string(p); }

// The interpreter's kernel for one partition node: the shared
// PartitionRunner, fed the interpreter's shapes and buffers. Without a CPU
// form: a compile or device failure is returned, and ModelRunner falls back
// as a whole.
class GpuPartitionKernel : public cpu::CustomKernel {
 public:
  explicit GpuPartitionKernel(std::unique_ptr<PartitionRunner> runner)
      : runner_(std::move(runner)) {}

  Status Prepare(cpu::KernelContext& ctx) override {
    std::vector<ir::Shape> input_shapes, output_shapes;
    for (int i = 0; i < ctx.num_inputs(); ++i) input_shapes.push_back(ctx.input(i).shape);
    VKD_RETURN_IF_ERROR(runner_->Prepare(input_shapes, &output_shapes));
    for (size_t i = 0; i < output_shapes.size(); ++i) ctx.output(i).shape = output_shapes[i];
    return Status::Ok();
  }

  Status Eval(cpu::KernelContext& ctx) override {
    std::vector<const void*> in;
    std::vector<void*> out;
    for (int i = 0; i < ctx.num_inputs(); ++i) in.push_back(ctx.input_data<uint8_t>(i));
    for (int i = 0; i < ctx.num_outputs(); ++i) out.push_back(ctx.output_data<uint8_t>(i));
    return runner_->Invoke(in, out);
  }

 private:
  std::unique_ptr<PartitionRunner> runner_;
};

}  // namespace

ir::Graph ReplacePartitionsWithNodes(const ir::Graph& graph, const partition::PartitionPlan& plan,
                                     std::vector<int>* origin) {
  ir::Graph out = graph;
  // Units: each CPU node, and each partition as one node.
  std::vector<ir::Node> units;
  std::vector<int> unit_order;  // the smallest original node index, for a stable order
  std::vector<int> unit_of_partition(plan.partitions.size(), -1);
  std::vector<int> unit_origin;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const int p = plan.node_partition[n];
    if (p < 0) {
      units.push_back(graph.nodes[n]);
      unit_order.push_back(static_cast<int>(n));
      unit_origin.push_back(static_cast<int>(n));
    } else if (unit_of_partition[p] < 0) {
      ir::Node node;
      node.op = ir::OpType::kCustom;
      node.custom_name = PartitionNodeName(p);
      node.inputs = plan.partitions[p].inputs;
      node.outputs = plan.partitions[p].outputs;
      unit_of_partition[p] = static_cast<int>(units.size());
      units.push_back(std::move(node));
      unit_order.push_back(static_cast<int>(n));
      unit_origin.push_back(-1 - p);
    }
  }
  // Kahn's algorithm, smallest original position first.
  std::vector<int> producer(graph.tensors.size(), -1);
  for (size_t u = 0; u < units.size(); ++u) {
    for (int t : units[u].outputs) producer[t] = static_cast<int>(u);
  }
  std::vector<int> pending(units.size(), 0);
  std::vector<std::vector<int>> consumers(units.size());
  for (size_t u = 0; u < units.size(); ++u) {
    std::vector<int> seen;
    for (int t : units[u].inputs) {
      if (t == ir::kNoTensor || producer[t] < 0 || producer[t] == static_cast<int>(u)) continue;
      bool dup = false;
      for (int s : seen) dup = dup || s == producer[t];
      if (dup) continue;
      seen.push_back(producer[t]);
      ++pending[u];
      consumers[producer[t]].push_back(static_cast<int>(u));
    }
  }
  using Item = std::pair<int, int>;  // (original position, unit)
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
  for (size_t u = 0; u < units.size(); ++u) {
    if (pending[u] == 0) ready.push({unit_order[u], static_cast<int>(u)});
  }
  out.nodes.clear();
  if (origin) origin->clear();
  while (!ready.empty()) {
    const int u = ready.top().second;
    ready.pop();
    out.nodes.push_back(units[u]);
    if (origin) origin->push_back(unit_origin[u]);
    for (int c : consumers[u]) {
      if (--pending[c] == 0) ready.push({unit_order[c], c});
    }
  }
  return out;
}

StatusOr<std::unique_ptr<ModelRunner>> ModelRunner::Create(ir::Graph graph,
                                                           const RunnerOptions& options) {
  std::unique_ptr<ModelRunner> r(new ModelRunner());
  r->graph_ = std::make_shared<const ir::Graph>(std::move(graph));
  r->options_ = options;
  if (options.use_gpu && options.shared_context) {
    r->context_ = options.shared_context;
  } else if (options.use_gpu) {
    const Timer t0;
    auto ctx = gpu_delegate::GpuContext::Create(options.gpu);
    r->context_ms_ = t0.ElapsedMs();
    if (ctx.ok()) {
      r->context_ = std::move(ctx).value();
    } else {
      r->FallBackToCpu("no usable Vulkan device (" + ctx.status().message() + ")");
    }
  }
  if (r->context_) {
    const Timer t0;
    gpu_delegate::SupportLimits limits;
    limits.max_tensor_bytes = r->context_->device().info().max_storage_buffer_range;
    gpu_delegate::GpuPlacement placement =
        gpu_delegate::PlaceOnGpu(*r->graph_, limits, options.enable_quant);
    r->verdicts_ = std::move(placement.verdicts);
    r->quant_note_ = placement.quant_note;
    r->gpu_graph_ = placement.float_graph ? placement.float_graph : r->graph_;
    r->plan_ = partition::PartitionGraph(*r->gpu_graph_, r->verdicts_, options.partition);
    r->partition_ms_ = t0.ElapsedMs();
  }
  VKD_RETURN_IF_ERROR(r->BuildInterpreter(r->context_ != nullptr));
  return r;
}

ModelRunner::~ModelRunner() {
  interpreter_.reset();
  partitions_.clear();
  if (context_) {
    Status s = context_->SaveCaches();
    (void)s;  // a cache that cannot be written only costs the next start time
  }
}

std::string ModelRunner::CpuReason(int n) const {
  if (!options_.use_gpu) return "GPU off (use_gpu=false)";
  const bool planned = n >= 0 && static_cast<size_t>(n) < plan_.node_partition.size();
  if (gpu_active() && planned && plan_.node_partition[n] >= 0) return "";
  // The GPU as a whole failed (no device, compilation, a lost device): that
  // is the reason for every node, also those the plan had put on the GPU.
  if (!fallback_reason_.empty()) return fallback_reason_;
  if (planned && !plan_.cpu_reason[n].empty()) return plan_.cpu_reason[n];
  return "not placed on the GPU";
}

void ModelRunner::FallBackToCpu(const std::string& reason) {
  fallback_reason_ = reason;
  if (options_.warn_on_fallback) {
    std::fprintf(stderr, "vkdelegate: warning: running on the CPU: %s\n", reason.c_str());
  }
}

Status ModelRunner::BuildInterpreter(bool with_gpu) {
  interpreter_.reset();
  partitions_.clear();
  cpu::InterpreterOptions io = options_.cpu;
  ir::Graph run_graph = *graph_;
  run_node_origin_.resize(graph_->nodes.size());
  for (size_t n = 0; n < graph_->nodes.size(); ++n) run_node_origin_[n] = static_cast<int>(n);
  if (with_gpu && !plan_.partitions.empty()) {
    for (size_t p = 0; p < plan_.partitions.size(); ++p) {
      VKD_ASSIGN_OR_RETURN(
          auto runner, PartitionRunner::Create(context_, graph_, gpu_graph_, plan_.partitions[p],
                                               /*cpu_fallback=*/false));
      partitions_.push_back(runner->gpu());
      io.custom_kernels[PartitionNodeName(static_cast<int>(p))] =
          std::make_shared<GpuPartitionKernel>(std::move(runner));
    }
    run_graph = ReplacePartitionsWithNodes(*graph_, plan_, &run_node_origin_);
  }
  VKD_ASSIGN_OR_RETURN(interpreter_, cpu::Interpreter::Create(std::move(run_graph), io));
  for (const auto& [i, shape] : resizes_) VKD_RETURN_IF_ERROR(interpreter_->ResizeInput(i, shape));
  return Status::Ok();
}

Status ModelRunner::ResizeInput(int input_index, const ir::Shape& shape) {
  VKD_RETURN_IF_ERROR(interpreter_->ResizeInput(input_index, shape));
  resizes_.emplace_back(input_index, shape);
  return Status::Ok();
}

Status ModelRunner::AllocateTensors() {
  Status s = interpreter_->AllocateTensors();
  if (s.ok() || partitions_.empty()) return s;
  // A partition that cannot be compiled (device limits, a shape the GPU
  // kernels do not take) is not the user's error: run on the CPU instead.
  FallBackToCpu("GPU compilation failed: " + s.message());
  plan_ = {};
  VKD_RETURN_IF_ERROR(BuildInterpreter(false));
  return interpreter_->AllocateTensors();
}

Status ModelRunner::Invoke() {
  Status s = interpreter_->Invoke();
  if (s.ok()) return s;
  bool device_failed = false;
  for (const auto& p : partitions_) device_failed = device_failed || p->device_failed();
  if (!device_failed) return s;
  // A GPU partition failed at run time (device lost, a fence timeout): this
  // invoke and every later one run on the CPU kernels, from the same inputs,
  // rather than return an error or a half-computed output. The device is
  // not trusted again by this runner.
  FallBackToCpu("GPU invoke failed: " + s.message());
  std::vector<std::vector<uint8_t>> inputs;
  for (int i = 0; i < interpreter_->num_inputs(); ++i) {
    const uint8_t* data = interpreter_->input_data(i);
    inputs.emplace_back(data, data + interpreter_->input_tensor(i).bytes());
  }
  plan_ = {};
  VKD_RETURN_IF_ERROR(BuildInterpreter(false));
  VKD_RETURN_IF_ERROR(interpreter_->AllocateTensors());
  for (int i = 0; i < interpreter_->num_inputs(); ++i) {
    if (interpreter_->input_tensor(i).bytes() != inputs[i].size()) {
      return InternalError("CPU fallback: input " + std::to_string(i) + " changed size");
    }
    std::memcpy(interpreter_->input_data(i), inputs[i].data(), inputs[i].size());
  }
  return interpreter_->Invoke();
}

}  // namespace vkd
