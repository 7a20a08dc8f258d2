// Output shapes of every op a partition can hold, one rule per ir::OpType.
//
// The one definition of each op's shape semantics: the CPU kernels' Prepare
// (cpu::KernelContext::ApplyShapeRule) and the re-planning of GPU partitions
// (ops/partition_shapes.h) both call InferOutputShapes, so an op needs no CPU
// kernel to have a shape, and GPU re-planning does not pay for CPU weight
// packing. A rule reads its inputs' shapes and types and, where the op's
// shape depends on them, constant inputs (RESHAPE's shape, PAD's paddings,
// reduction axes, RESIZE's size, TRANSPOSE_CONV's output_shape,
// STRIDED_SLICE's begin/end/strides). Limits of one backend (a kernel's
// maximum rank) are that backend's checks, not the rule's.
#pragma once

#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::ops {

// Writes one shape per node output into *outputs. Errors name the input or
// option at fault (the interpreter and partition inference add the node's
// label); an op without a rule is Unimplemented.
Status InferOutputShapes(const ir::Node& node, const std::vector<ir::Tensor>& tensors,
                         std::vector<ir::Shape>* outputs);

// True when InferOutputShapes knows `op`.
bool HasShapeRule(ir::OpType op);

// NumPy broadcasting of two shapes (right-aligned; a dimension of 1 stretches).
// "input 1: shape [4,3] not broadcastable to [2,3]" when they do not match.
StatusOr<ir::Shape> BroadcastShapes(const ir::Shape& a, const ir::Shape& b);

// PAD's constant paddings: an INT32 or INT64 [rank, 2] input, never negative.
// Fills before[d] and after[d] for each of the rank dimensions.
Status ReadPaddings(const ir::Tensor& paddings, int rank, int64_t* before, int64_t* after);

// A reduction's constant INT32 axes (negative counts from the end, repeats
// allowed) as one flag per dimension of `shape`.
Status ReadReductionAxes(const ir::Tensor& axes, const ir::Shape& shape,
                         std::vector<bool>* reduced);

}  // namespace vkd::ops
