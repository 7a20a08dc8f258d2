#include "delegate/partition/shape_inference.h"

#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"

namespace vkd::partition {

Status InferPartitionShapes(const ir::Graph& graph, const Partition& partition,
                            const std::vector<ir::Shape>& input_shapes,
                            std::vector<ir::Tensor>* tensors) {
  if (input_shapes.size() != partition.inputs.size()) {
    return InvalidArgumentError("partition has " + std::to_string(partition.inputs.size()) +
                                " inputs, given " + std::to_string(input_shapes.size()) +
                                " shapes");
  }
  *tensors = graph.tensors;
  // Shape rules may read constant inputs (RESHAPE's shape, PAD's paddings).
  std::vector<uint8_t*> data(tensors->size(), nullptr);
  for (size_t t = 0; t < tensors->size(); ++t) {
    if ((*tensors)[t].is_constant()) data[t] = const_cast<uint8_t*>((*tensors)[t].data);
  }
  for (size_t i = 0; i < partition.inputs.size(); ++i) {
    (*tensors)[partition.inputs[i]].shape = input_shapes[i];
  }
  cpu::ThreadPool pool(1);
  for (int n : partition.nodes) {
    const cpu::KernelRegistration* reg = cpu::FindKernel(graph.nodes[n].op);
    if (!reg) return UnimplementedError(ir::NodeLabel(graph, n) + ": no shape rule");
    std::unique_ptr<cpu::KernelState> state;
    cpu::KernelContext ctx(graph.nodes[n], *tensors, data, pool, state, /*use_reference=*/true);
    Status s = reg->prepare(ctx);
    if (!s.ok()) return s.WithContext(ir::NodeLabel(graph, n));
  }
  return Status::Ok();
}

}  // namespace vkd::partition
