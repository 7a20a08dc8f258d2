// Output shapes of every op a partition can hold, one rule per ir::OpType.
//
// The one definition of each op's shape semantics: the CPU kernels' Prepare
// (cpu::KernelContext::ApplyShapeRule) and the re-planning of GPU partitions
// (ops/partition_shapes.h) both call InferOutputShapes, so an op needs no CPU
// kernel to have a shape, and GPU re-planning does not pay for CPU weight
// packing. A rule reads its inputs' shapes and types and, where the op's
// shape depends on them, constant inputs (RESHAPE's shape, PAD's paddings,
// reduction axes, RESIZE's size, TRANSPOSE_CONV's output_shape,
// STRIDED_SLICE's begin/end/strides, SLICE's begin/size, TILE's multiples,
// TRANSPOSE's perm, the axis of EXPAND_DIMS, ARG_MAX/ARG_MIN and SPLIT, and
// SPLIT_V's size_splits). Limits of one backend (a kernel's
// maximum rank) are that backend's checks, not the rule's.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::ops {

// Writes one shape per node output into *outputs. Errors name the input or
// option at fault (the interpreter and partition inference add the node's
// label); an op without a rule is Unimplemented.
Status InferOutputShapes(const ir::Node& node, const std::vector<ir::Tensor>& tensors,
                         std::vector<ir::Shape>* outputs);

// "input 1 (axes): INT64 unsupported": the wording of every type refusal, the
// rules' and the CPU kernels'.
std::string TypeUnsupported(const std::string& what, ir::DataType type);

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

// The axis a constant scalar input 1 names (INT32 or INT64, one element),
// normalized into [0, positions): a negative value counts from the end.
// `positions` is the input's rank for ops that pick a dimension, rank + 1
// for EXPAND_DIMS, which inserts one.
Status ReadConstantAxis(const ir::Tensor& axis, const ir::Shape& shape, int positions, int* value);

// SPLIT's and SPLIT_V's constant INT32 axis (input `input_index`), normalized
// into [0, rank).
StatusOr<int> ReadSplitAxis(const ir::Tensor& axis, int input_index, int rank);

// A constant INT32 or INT64 vector of `count` values (SLICE's begin and size,
// TILE's multiples, TRANSPOSE's perm), widened; `what` names the input in
// errors. `one_d`: the tensor must be shaped [count], not only hold count values.
StatusOr<std::vector<int64_t>> ReadConstantInts(const ir::Tensor& t, const std::string& what,
                                                int count, bool one_d);

}  // namespace vkd::ops
