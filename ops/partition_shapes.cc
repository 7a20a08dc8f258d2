// Partition shape inference: the nodes' shape rules in execution order.
#include "ops/partition_shapes.h"

#include <string>

#include "ops/shape_rules.h"

namespace vkd::ops {

Status InferPartitionShapes(const ir::Graph& graph, const partition::Partition& partition,
                            const std::vector<ir::Shape>& input_shapes,
                            std::vector<ir::Tensor>* tensors) {
  if (input_shapes.size() != partition.inputs.size()) {
    return InvalidArgumentError("partition has " + std::to_string(partition.inputs.size()) +
                                " inputs, given " + std::to_string(input_shapes.size()) +
                                " shapes");
  }
  *tensors = graph.tensors;
  for (size_t i = 0; i < partition.inputs.size(); ++i) {
    (*tensors)[partition.inputs[i]].shape = input_shapes[i];
  }
  std::vector<ir::Shape> shapes;
  for (int n : partition.nodes) {
    const ir::Node& node = graph.nodes[n];
    VKD_RETURN_IF_ERROR_CTX(InferOutputShapes(node, *tensors, &shapes), ir::NodeLabel(graph, n));
    for (size_t o = 0; o < node.outputs.size(); ++o) (*tensors)[node.outputs[o]].shape = shapes[o];
  }
  return Status::Ok();
}

}  // namespace vkd::ops
