// Shape rules of the ops with several outputs, one shape per output: UNPACK,
// SPLIT and SPLIT_V, with the shape checks of TFLite 2.9's Prepare functions.
// The axis and SPLIT_V's size_splits must be constant.
#include <string>
#include <vector>

#include "ops/shape_rule_inputs.h"
#include "ops/shape_rules.h"

namespace vkd::ops {

StatusOr<int> ReadSplitAxis(const ir::Tensor& axis, int input_index, int rank) {
  const std::string what = "input " + std::to_string(input_index) + " (axis)";
  if (axis.type != ir::DataType::kInt32 || axis.num_elements() != 1) {
    return InvalidArgumentError(what + ": " + ir::DataTypeName(axis.type) + " " +
                                ir::ShapeToString(axis.shape) + " is not a single INT32 value");
  }
  if (!axis.is_constant()) return UnimplementedError(what + " must be constant");
  const int a = axis.const_data<int32_t>()[0];
  if (a < -rank || a >= rank) {
    return InvalidArgumentError(what + ": " + std::to_string(a) + " out of range for rank " +
                                std::to_string(rank));
  }
  return a < 0 ? a + rank : a;
}

namespace {

// UNPACK: one output per slice of the axis, which leaves the outputs.
Status UnpackRule(const RuleInputs& in, std::vector<ir::Shape>* outs) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  const int n = static_cast<int>(outs->size());
  const auto opts = in.options<ir::UnpackOptions>();
  int axis = opts.axis;
  if (rank < 1 || axis < -rank || axis >= rank) {
    return InvalidArgumentError("axis " + std::to_string(opts.axis) + " out of range for " +
                                ir::ShapeToString(shape));
  }
  if (axis < 0) axis += rank;
  if (shape[axis] != n || (opts.num != 0 && opts.num != n)) {
    return InvalidArgumentError("axis " + std::to_string(axis) + " of " + ir::ShapeToString(shape) +
                                " does not split into num " + std::to_string(opts.num) + " / " +
                                std::to_string(n) + " outputs");
  }
  ir::Shape out = shape;
  out.erase(out.begin() + axis);
  outs->assign(n, out);
  return Status::Ok();
}

// The input's shape with the axis cut into `sizes`, one per output.
void CutAxis(const ir::Shape& shape, int axis, const std::vector<int64_t>& sizes,
             std::vector<ir::Shape>* outs) {
  for (size_t i = 0; i < outs->size(); ++i) {
    (*outs)[i] = shape;
    (*outs)[i][axis] = static_cast<int32_t>(sizes[i]);
  }
}

// SPLIT (axis, input): num_splits equal parts.
Status SplitRule(const RuleInputs& in, std::vector<ir::Shape>* outs) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  VKD_CHECK_ARG(!outs->empty(), "expected at least 1 output");
  const ir::Shape& shape = in.shape(1);
  VKD_ASSIGN_OR_RETURN(const int axis,
                       ReadSplitAxis(in.input(0), 0, static_cast<int>(shape.size())));
  const int n = static_cast<int>(outs->size());
  const auto opts = in.options<ir::SplitOptions>();
  if ((opts.num_splits != 0 && opts.num_splits != n) || shape[axis] % n != 0) {
    return InvalidArgumentError("input 1: axis " + std::to_string(axis) + " of " +
                                ir::ShapeToString(shape) + " does not split into " +
                                std::to_string(n) + " outputs (num_splits " +
                                std::to_string(opts.num_splits) + ")");
  }
  CutAxis(shape, axis, std::vector<int64_t>(n, shape[axis] / n), outs);
  return Status::Ok();
}

// SPLIT_V (input, size_splits, axis): constant sizes, at most one -1, which
// takes what the others leave (TFLite's rule).
Status SplitVRule(const RuleInputs& in, std::vector<ir::Shape>* outs) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 3));
  VKD_CHECK_ARG(!outs->empty(), "expected at least 1 output");
  const ir::Shape& shape = in.shape(0);
  VKD_ASSIGN_OR_RETURN(const int axis,
                       ReadSplitAxis(in.input(2), 2, static_cast<int>(shape.size())));
  VKD_ASSIGN_OR_RETURN(std::vector<int64_t> sizes,
                       ReadConstantInts(in.input(1), "input 1 (size_splits)",
                                        static_cast<int>(outs->size()), /*one_d=*/true));
  int64_t known = 0;
  int unknown = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1 && unknown == -1) {
      unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return InvalidArgumentError("input 1 (size_splits): invalid size " +
                                  std::to_string(sizes[i]));
    } else {
      known += sizes[i];
    }
  }
  if (unknown != -1) sizes[unknown] = shape[axis] - known;
  if ((unknown == -1 && known != shape[axis]) || (unknown != -1 && sizes[unknown] < 0)) {
    return InvalidArgumentError("input 1 (size_splits): sizes do not add up to axis " +
                                std::to_string(axis) + " of " + ir::ShapeToString(shape));
  }
  CutAxis(shape, axis, sizes, outs);
  return Status::Ok();
}

}  // namespace

MultiShapeRule SplitShapeRule(ir::OpType op) {
  switch (op) {
    case ir::OpType::kUnpack:
      return UnpackRule;
    case ir::OpType::kSplit:
      return SplitRule;
    case ir::OpType::kSplitV:
      return SplitVRule;
    default:
      return nullptr;
  }
}

}  // namespace vkd::ops
