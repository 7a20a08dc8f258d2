// Shape rules of the indexing and rearranging ops: EXPAND_DIMS, ARG_MAX and
// ARG_MIN, GATHER, GATHER_ND, SLICE, TILE, TRANSPOSE and PACK, with the shape
// checks of TFLite 2.9's Prepare functions, and the constant-input readers
// they share with the CPU kernels (ReadConstantAxis, ReadConstantInts).
// Axis, begin/size, multiples and perm inputs must be constant: shapes are
// fixed before any activation data exists.
#include <string>
#include <vector>

#include "ops/shape_rule_inputs.h"
#include "ops/shape_rules.h"
#include "ops/strided_slice.h"

namespace vkd::ops {

Status ReadConstantAxis(const ir::Tensor& axis, const ir::Shape& shape, int positions, int* value) {
  if ((axis.type != ir::DataType::kInt32 && axis.type != ir::DataType::kInt64) ||
      axis.num_elements() != 1) {
    return InvalidArgumentError("input 1 (axis): " + std::string(ir::DataTypeName(axis.type)) +
                                " " + ir::ShapeToString(axis.shape) +
                                " is not a single INT32 or INT64 value");
  }
  if (!axis.is_constant()) return UnimplementedError("input 1 (axis) must be constant");
  const int64_t a = axis.type == ir::DataType::kInt32 ? axis.const_data<int32_t>()[0]
                                                      : axis.const_data<int64_t>()[0];
  if (a < -positions || a >= positions) {
    return InvalidArgumentError("input 1 (axis): " + std::to_string(a) + " out of range for " +
                                ir::ShapeToString(shape));
  }
  *value = static_cast<int>(a < 0 ? a + positions : a);
  return Status::Ok();
}

namespace {

template <typename I>
std::vector<int64_t> WidenInts(const ir::Tensor& t) {
  const I* v = t.const_data<I>();
  return std::vector<int64_t>(v, v + t.num_elements());
}

}  // namespace

StatusOr<std::vector<int64_t>> ReadConstantInts(const ir::Tensor& t, const std::string& what,
                                                int count, bool one_d) {
  const bool sized = one_d ? t.shape == ir::Shape{count} : t.num_elements() == count;
  if ((t.type != ir::DataType::kInt32 && t.type != ir::DataType::kInt64) || !sized) {
    return InvalidArgumentError(what + ": " + ir::DataTypeName(t.type) + " " +
                                ir::ShapeToString(t.shape) + " is not INT32/INT64 [" +
                                std::to_string(count) + "]");
  }
  if (!t.is_constant()) return UnimplementedError(what + " must be constant");
  return t.type == ir::DataType::kInt32 ? WidenInts<int32_t>(t) : WidenInts<int64_t>(t);
}

namespace {

// EXPAND_DIMS: a 1 inserted at the constant axis (rank + 1 places).
Status ExpandDimsRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& shape = in.shape(0);
  int a = 0;
  VKD_RETURN_IF_ERROR(ReadConstantAxis(in.input(1), shape, static_cast<int>(shape.size()) + 1, &a));
  *out = shape;
  out->insert(out->begin() + a, 1);
  return Status::Ok();
}

// ARG_MAX, ARG_MIN: the constant axis leaves the output.
Status ArgRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& shape = in.shape(0);
  int a = 0;
  VKD_RETURN_IF_ERROR(ReadConstantAxis(in.input(1), shape, static_cast<int>(shape.size()), &a));
  *out = shape;
  out->erase(out->begin() + a);
  return Status::Ok();
}

// GATHER (TFLite's bounds: 0 <= batch_dims <= axis, batch_dims <=
// rank(indices), batch dimensions equal): params[:axis] +
// indices[batch_dims:] + params[axis + 1:].
Status GatherRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& params = in.shape(0);
  const ir::Shape& indices = in.shape(1);
  const auto o = in.options<ir::GatherOptions>();
  const int params_rank = static_cast<int>(params.size());
  const int indices_rank = static_cast<int>(indices.size());
  const int axis = o.axis < 0 ? o.axis + params_rank : o.axis;
  const int batch_dims = o.batch_dims < 0 ? o.batch_dims + indices_rank : o.batch_dims;
  if (axis < 0 || axis >= params_rank) {
    return InvalidArgumentError("axis " + std::to_string(o.axis) + " outside params " +
                                ir::ShapeToString(params));
  }
  if (batch_dims < 0 || batch_dims > axis || batch_dims > indices_rank) {
    return InvalidArgumentError("batch_dims " + std::to_string(o.batch_dims) + " with axis " +
                                std::to_string(o.axis) + ", indices " + ir::ShapeToString(indices));
  }
  for (int d = 0; d < batch_dims; ++d) {
    if (params[d] != indices[d]) {
      return InvalidArgumentError("input 1 (indices): batch dimension " + std::to_string(d) +
                                  " of " + ir::ShapeToString(indices) + " differs from params " +
                                  ir::ShapeToString(params));
    }
  }
  out->assign(params.begin(), params.begin() + axis);
  out->insert(out->end(), indices.begin() + batch_dims, indices.end());
  out->insert(out->end(), params.begin() + axis + 1, params.end());
  return Status::Ok();
}

// GATHER_ND: indices[:-1] + params[indices[-1]:].
Status GatherNdRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& params = in.shape(0);
  const ir::Shape& indices = in.shape(1);
  if (params.empty() || indices.empty()) {
    return InvalidArgumentError("params " + ir::ShapeToString(params) + " and indices " +
                                ir::ShapeToString(indices) + " must have rank >= 1");
  }
  const int nd = indices.back();
  if (nd > static_cast<int>(params.size())) {
    return InvalidArgumentError("input 1 (indices): last dimension " + std::to_string(nd) +
                                " exceeds the rank of params " + ir::ShapeToString(params));
  }
  out->assign(indices.begin(), indices.end() - 1);
  out->insert(out->end(), params.begin() + nd, params.end());
  return Status::Ok();
}

// SLICE: constant begin and size (-1: to the end), one per dimension.
Status SliceRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  VKD_RETURN_IF_ERROR(CheckSliceRank(rank));
  VKD_ASSIGN_OR_RETURN(const std::vector<int64_t> begin,
                       ReadConstantInts(in.input(1), "input 1 (begin)", rank, /*one_d=*/true));
  VKD_ASSIGN_OR_RETURN(const std::vector<int64_t> size,
                       ReadConstantInts(in.input(2), "input 2 (size)", rank, /*one_d=*/true));
  out->resize(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t n = size[d] == -1 ? shape[d] - begin[d] : size[d];
    if (begin[d] < 0 || n < 0 || begin[d] + n > shape[d]) {
      return InvalidArgumentError("begin " + std::to_string(begin[d]) + " size " +
                                  std::to_string(size[d]) + " out of range for dimension " +
                                  std::to_string(d) + " of " + ir::ShapeToString(shape));
    }
    (*out)[d] = static_cast<int32_t>(n);
  }
  return Status::Ok();
}

// TILE: each dimension times its constant, non-negative multiple.
Status TileRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  VKD_ASSIGN_OR_RETURN(const std::vector<int64_t> multiples,
                       ReadConstantInts(in.input(1), "input 1 (multiples)", rank, /*one_d=*/false));
  out->resize(rank);
  for (int d = 0; d < rank; ++d) {
    if (multiples[d] < 0) {
      return InvalidArgumentError("input 1 (multiples): negative multiple " +
                                  std::to_string(multiples[d]));
    }
    (*out)[d] = static_cast<int32_t>(shape[d] * multiples[d]);
  }
  return Status::Ok();
}

// TRANSPOSE: output dimension d is input dimension perm[d] (negative entries
// count from the end, as TFLite accepts them).
Status TransposeRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  VKD_ASSIGN_OR_RETURN(const std::vector<int64_t> perm,
                       ReadConstantInts(in.input(1), "input 1 (perm)", rank, /*one_d=*/false));
  std::vector<bool> seen(rank, false);
  out->resize(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t p = perm[d] < 0 ? perm[d] + rank : perm[d];
    if (p < 0 || p >= rank || seen[p]) {
      return InvalidArgumentError("input 1 (perm): " + std::to_string(perm[d]) +
                                  " is not a permutation entry for rank " + std::to_string(rank));
    }
    seen[p] = true;
    (*out)[d] = shape[p];
  }
  return Status::Ok();
}

// PACK: N equal-shaped inputs stacked along a new axis.
Status PackRule(const RuleInputs& in, ir::Shape* out) {
  VKD_CHECK_ARG(in.num_inputs() >= 1, "expected at least 1 input");
  const auto opts = in.options<ir::PackOptions>();
  if (opts.values_count != 0 && opts.values_count != in.num_inputs()) {
    return InvalidArgumentError("values_count " + std::to_string(opts.values_count) +
                                " differs from the " + std::to_string(in.num_inputs()) + " inputs");
  }
  const ir::Shape& s0 = in.shape(0);
  for (int i = 0; i < in.num_inputs(); ++i) {
    const std::string what = "input " + std::to_string(i);
    if (!in.has_input(i)) return InvalidArgumentError(what + " missing");
    if (in.shape(i) != s0) {
      return InvalidArgumentError(what + ": shape " + ir::ShapeToString(in.shape(i)) +
                                  " differs from input 0's " + ir::ShapeToString(s0));
    }
  }
  const int rank = static_cast<int>(s0.size());
  int axis = opts.axis;
  if (axis < -(rank + 1) || axis > rank) {
    return InvalidArgumentError("axis " + std::to_string(opts.axis) + " out of range for rank " +
                                std::to_string(rank + 1) + " output");
  }
  if (axis < 0) axis += rank + 1;
  *out = s0;
  out->insert(out->begin() + axis, in.num_inputs());
  return Status::Ok();
}

}  // namespace

ShapeRule IndexingShapeRule(ir::OpType op) {
  using ir::OpType;
  switch (op) {
    case OpType::kExpandDims:
      return ExpandDimsRule;
    case OpType::kArgMax:
    case OpType::kArgMin:
      return ArgRule;
    case OpType::kGather:
      return GatherRule;
    case OpType::kGatherNd:
      return GatherNdRule;
    case OpType::kSlice:
      return SliceRule;
    case OpType::kTile:
      return TileRule;
    case OpType::kTranspose:
      return TransposeRule;
    case OpType::kPack:
      return PackRule;
    default:
      return nullptr;
  }
}

}  // namespace vkd::ops
