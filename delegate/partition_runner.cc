#include "delegate/partition_runner.h"

#include <cstring>

#include "ops/partition_shapes.h"

namespace vkd {
namespace {

// The partition's nodes as a graph of their own, on the CPU interpreter, in
// the host's types.
StatusOr<std::unique_ptr<cpu::Interpreter>> CpuForm(const ir::Graph& g,
                                                    const partition::Partition& p,
                                                    const std::vector<ir::Shape>& input_shapes) {
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

StatusOr<std::unique_ptr<PartitionRunner>> PartitionRunner::Create(
    std::shared_ptr<gpu_delegate::GpuContext> gpu, std::shared_ptr<const ir::Graph> host_graph,
    std::shared_ptr<const ir::Graph> gpu_graph, partition::Partition partition, bool cpu_fallback) {
  std::unique_ptr<PartitionRunner> r(new PartitionRunner());
  std::vector<ir::Tensor> in, out;
  for (int t : partition.inputs) in.push_back(host_graph->tensors[t]);
  for (int t : partition.outputs) out.push_back(host_graph->tensors[t]);
  VKD_ASSIGN_OR_RETURN(r->edges_, gpu_delegate::PartitionEdges::Create(in, out));
  r->host_graph_ = std::move(host_graph);
  r->gpu_graph_ = std::move(gpu_graph);
  r->gpu_ = std::make_shared<gpu_delegate::GpuPartition>(std::move(gpu), r->gpu_graph_,
                                                         std::move(partition));
  r->cpu_fallback_ = cpu_fallback;
  return r;
}

Status PartitionRunner::Prepare(const std::vector<ir::Shape>& input_shapes,
                                std::vector<ir::Shape>* output_shapes) {
  const partition::Partition& p = partition();
  std::vector<int64_t> in_counts, out_counts;
  for (const ir::Shape& s : input_shapes) in_counts.push_back(ir::NumElements(s));
  std::vector<ir::Tensor> tensors;
  VKD_RETURN_IF_ERROR(ops::InferPartitionShapes(*gpu_graph_, p, input_shapes, &tensors));
  output_shapes->clear();
  for (int t : p.outputs) {
    output_shapes->push_back(tensors[t].shape);
    out_counts.push_back(ir::NumElements(tensors[t].shape));
  }
  edges_.Resize(in_counts, out_counts);
  input_shapes_ = input_shapes;
  if (cpu_fallback_ && (cpu_ || gpu_->device_failed())) {
    return StartCpu(cpu_ ? cpu_reason_ : "the GPU device failed earlier");
  }
  Status s = gpu_->Prepare(tensors);
  // A partition that cannot be compiled (device limits, out of memory, a
  // driver error) is not the model's fault: with a CPU form it still runs.
  if (!s.ok() && cpu_fallback_) return StartCpu("GPU compilation failed: " + s.message());
  return s;
}

Status PartitionRunner::Invoke(const std::vector<const void*>& in, const std::vector<void*>& out) {
  if (cpu_) return InvokeOnCpu(in, out);
  Status s = gpu_->Invoke(edges_.Inputs(in), edges_.Outputs(out));
  if (!s.ok() && gpu_->device_failed() && cpu_fallback_) {
    // The device failed under this invoke (lost, hung): answer it, and
    // every later one, on the CPU kernels from the same inputs.
    VKD_RETURN_IF_ERROR(StartCpu("GPU invoke failed: " + s.message()));
    return InvokeOnCpu(in, out);
  }
  VKD_RETURN_IF_ERROR(s);
  edges_.StoreOutputs(out);
  return Status::Ok();
}

Status PartitionRunner::StartCpu(const std::string& why) {
  cpu_reason_ = why;
  VKD_ASSIGN_OR_RETURN(cpu_, CpuForm(*host_graph_, partition(), input_shapes_));
  return Status::Ok();
}

Status PartitionRunner::InvokeOnCpu(const std::vector<const void*>& in,
                                    const std::vector<void*>& out) {
  for (size_t i = 0; i < in.size(); ++i) {
    std::memcpy(cpu_->input_data(static_cast<int>(i)), in[i],
                cpu_->input_tensor(static_cast<int>(i)).bytes());
  }
  VKD_RETURN_IF_ERROR(cpu_->Invoke());
  for (size_t o = 0; o < out.size(); ++o) {
    std::memcpy(out[o], cpu_->output_data(static_cast<int>(o)),
                cpu_->output_tensor(static_cast<int>(o)).bytes());
  }
  return Status::Ok();
}

}  // namespace vkd
