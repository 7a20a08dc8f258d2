#include "bench/runner_view.h"

namespace vkd::tools {

Status FromVkd(VkdStatus status) {
  switch (status) {
    case kVkdOk:
      return Status::Ok();
    case kVkdNotFound:
      return NotFoundError(VkdLastError());
    case kVkdUnimplemented:
      return UnimplementedError(VkdLastError());
    case kVkdResourceExhausted:
      return ResourceExhaustedError(VkdLastError());
    case kVkdUnavailable:
      return UnavailableError(VkdLastError());
    case kVkdInvalidArgument:
      return InvalidArgumentError(VkdLastError());
    default:
      return InternalError(VkdLastError());
  }
}

ir::Tensor TensorFromInfo(const VkdTensorInfo& info) {
  ir::Tensor t;
  t.name = info.name ? info.name : "";
  // The C API numbers types as TFLite's TensorType does, like the IR.
  t.type = static_cast<ir::DataType>(info.type);
  t.shape.assign(info.dims, info.dims + info.num_dims);
  return t;
}

StatusOr<ir::Tensor> InputTensor(const VkdRunner* r, int index) {
  VkdTensorInfo info;
  VKD_RETURN_IF_ERROR(FromVkd(VkdRunnerInputInfo(r, index, &info)));
  return TensorFromInfo(info);
}

StatusOr<ir::Tensor> OutputTensor(const VkdRunner* r, int index) {
  VkdTensorInfo info;
  VKD_RETURN_IF_ERROR(FromVkd(VkdRunnerOutputInfo(r, index, &info)));
  return TensorFromInfo(info);
}

std::vector<DispatchView> ReadDispatches(const VkdRunner* r) {
  std::vector<DispatchView> out;
  const int n = VkdRunnerDispatchCount(r);
  for (int i = 0; i < n; ++i) {
    VkdDispatchInfo d;
    if (VkdRunnerDispatchInfo(r, i, &d) != kVkdOk) break;
    DispatchView v;
    v.partition = d.partition;
    v.kernel = d.kernel;
    v.variant = d.variant;
    v.chosen_by = d.chosen_by;
    v.nodes.assign(d.nodes, d.nodes + d.num_nodes);
    v.flops = d.flops;
    v.first_ms = d.first_ms;
    v.avg_ms = d.avg_ms;
    v.invokes = d.invokes;
    out.push_back(std::move(v));
  }
  return out;
}

StatusOr<RunnerView> ReadRunnerView(const VkdRunner* r) {
  RunnerView v;
  ir::Graph& g = v.graph;
  const int num_tensors = VkdRunnerTensorCount(r);
  for (int t = 0; t < num_tensors; ++t) {
    VkdTensorInfo info;
    VKD_RETURN_IF_ERROR(FromVkd(VkdRunnerTensorInfo(r, t, &info)));
    g.tensors.push_back(TensorFromInfo(info));
  }
  for (int i = 0; i < VkdRunnerInputCount(r); ++i) g.inputs.push_back(VkdRunnerInputTensor(r, i));
  for (int i = 0; i < VkdRunnerOutputCount(r); ++i) {
    g.outputs.push_back(VkdRunnerOutputTensor(r, i));
  }
  const int num_nodes = VkdRunnerNodeCount(r);
  for (int n = 0; n < num_nodes; ++n) {
    VkdNodeInfo info;
    VKD_RETURN_IF_ERROR(FromVkd(VkdRunnerNodeInfo(r, n, &info)));
    ir::Node node;
    node.op = static_cast<ir::OpType>(info.builtin_code);
    node.custom_name = info.custom_name;
    node.inputs.assign(info.inputs, info.inputs + info.num_inputs);
    node.outputs.assign(info.outputs, info.outputs + info.num_outputs);
    g.nodes.push_back(std::move(node));
    VkdNodePlacement p;
    VKD_RETURN_IF_ERROR(FromVkd(VkdRunnerNodePlacement(r, n, &p)));
    v.cpu_reason.push_back(p.reason);
    v.node_partition.push_back(p.partition);
  }
  v.gpu_fallback_reason = VkdRunnerGpuFallbackReason(r);
  VKD_RETURN_IF_ERROR(FromVkd(VkdRunnerGetStats(r, &v.stats)));
  v.dispatches = ReadDispatches(r);
  return v;
}

}  // namespace vkd::tools
