// The shapes of a partition's tensors for the shapes its inputs have now.
//
// Both front doors need them before a GPU partition can be (re)planned: the
// standalone ModelRunner when the caller resizes an input, and the TFLite
// delegate kernel when the host does. The rules are the ops' shape rules
// (ops/shape_rules.h), which the CPU kernels' Prepare applies too: one
// definition of every op's shape semantics, and no CPU kernel (nor its weight
// packing) is needed to re-plan a GPU partition.
#pragma once

#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"
#include "model/partition/partitioner.h"

namespace vkd::ops {

// Copies graph.tensors into *tensors, gives the partition's inputs
// `input_shapes` (one per partition.inputs entry) and applies the shape rule
// of every partition node in order. Errors name the node; a node whose op has
// no shape rule is Unimplemented.
Status InferPartitionShapes(const ir::Graph& graph, const partition::Partition& partition,
                            const std::vector<ir::Shape>& input_shapes,
                            std::vector<ir::Tensor>* tensors);

}  // namespace vkd::ops
