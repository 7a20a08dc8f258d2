// Shape rules of the data-movement and reduction ops: RESHAPE, SQUEEZE, PAD,
// PADV2, CONCATENATION, STRIDED_SLICE, MEAN and SUM, with the shape checks of
// TFLite 2.9's Prepare functions. Shape-defining inputs must be constant:
// shapes are fixed before any activation data exists.
#include <string>
#include <vector>

#include "ops/shape_rule_inputs.h"
#include "ops/shape_rules.h"
#include "ops/strided_slice.h"

namespace vkd::ops {
namespace {

template <typename I>
Status ReadPaddingsAs(const ir::Tensor& paddings, int rank, int64_t* before, int64_t* after) {
  const I* v = paddings.const_data<I>();
  for (int d = 0; d < rank; ++d) {
    const I b = v[2 * d], a = v[2 * d + 1];
    if (b < 0 || a < 0) {
      return InvalidArgumentError("input 1: negative padding (" + std::to_string(b) + ", " +
                                  std::to_string(a) + ") for dimension " + std::to_string(d));
    }
    before[d] = static_cast<int64_t>(b);
    after[d] = static_cast<int64_t>(a);
  }
  return Status::Ok();
}

}  // namespace

Status ReadPaddings(const ir::Tensor& paddings, int rank, int64_t* before, int64_t* after) {
  if (paddings.type != ir::DataType::kInt32 && paddings.type != ir::DataType::kInt64) {
    return UnimplementedError(TypeUnsupported("input 1 (paddings)", paddings.type));
  }
  if (paddings.shape != ir::Shape{rank, 2}) {
    return InvalidArgumentError("input 1 (paddings): shape " + ir::ShapeToString(paddings.shape) +
                                " is not [" + std::to_string(rank) + ",2]");
  }
  if (!paddings.is_constant()) return UnimplementedError("input 1 (paddings) must be constant");
  return paddings.type == ir::DataType::kInt32
             ? ReadPaddingsAs<int32_t>(paddings, rank, before, after)
             : ReadPaddingsAs<int64_t>(paddings, rank, before, after);
}

Status ReadReductionAxes(const ir::Tensor& axes, const ir::Shape& shape,
                         std::vector<bool>* reduced) {
  if (axes.type != ir::DataType::kInt32) {
    return UnimplementedError(TypeUnsupported("input 1", axes.type));
  }
  if (!axes.is_constant()) return UnimplementedError("input 1 (axes) must be constant");
  const int rank = static_cast<int>(shape.size());
  reduced->assign(rank, false);
  const int32_t* data = axes.const_data<int32_t>();
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    const int32_t axis = data[i];
    if (axis < -rank || axis >= rank) {
      return InvalidArgumentError("input 1: axis " + std::to_string(axis) + " out of range for " +
                                  ir::ShapeToString(shape));
    }
    (*reduced)[axis < 0 ? axis + rank : axis] = true;
  }
  return Status::Ok();
}

namespace {

// TFLite's rule: the 2nd input is the shape when it is a 1-D int32 tensor;
// otherwise the shape comes from the options.
StatusOr<ir::Shape> ReshapeTarget(const RuleInputs& in) {
  if (in.has_input(1)) {
    const ir::Tensor& shape = in.input(1);
    if (shape.shape.size() == 1 && shape.type == ir::DataType::kInt32) {
      if (!shape.is_constant()) return UnimplementedError("input 1 (shape) must be constant");
      const int32_t* v = shape.const_data<int32_t>();
      return ir::Shape(v, v + shape.num_elements());
    }
  }
  const auto opts = in.options<ir::ReshapeOptions>();
  if (!opts.has_new_shape && !in.has_input(1)) {
    return InvalidArgumentError("no target shape: neither a shape input nor new_shape option");
  }
  if (!opts.has_new_shape) {
    return InvalidArgumentError(
        "input 1 (shape): " + std::string(ir::DataTypeName(in.input(1).type)) + " " +
        ir::ShapeToString(in.shape(1)) +
        " is not a 1-D INT32 tensor, and there is no new_shape option");
  }
  // Legacy converters wrote [0] for a scalar.
  if (opts.new_shape.size() == 1 && opts.new_shape[0] == 0) return ir::Shape{};
  return ir::Shape(opts.new_shape);
}

// The target shape with its -1 (at most one) inferred from the input's size.
Status ReshapeRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  VKD_ASSIGN_OR_RETURN(ir::Shape shape, ReshapeTarget(in));
  const int64_t in_count = in.input(0).num_elements();
  int64_t known = 1;
  int stretch = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (stretch != -1) {
        return InvalidArgumentError("target shape " + ir::ShapeToString(shape) +
                                    " has more than one -1");
      }
      stretch = static_cast<int>(i);
    } else if (shape[i] < 0) {
      return InvalidArgumentError("target shape " + ir::ShapeToString(shape) +
                                  " has a negative dimension");
    } else {
      known *= shape[i];
    }
  }
  if (stretch != -1) {
    if (known == 0 || in_count % known != 0) {
      return InvalidArgumentError("cannot infer the -1 of " + ir::ShapeToString(shape) +
                                  " from input " + ir::ShapeToString(in.shape(0)));
    }
    shape[stretch] = static_cast<int32_t>(in_count / known);
    known *= shape[stretch];
  }
  if (known != in_count) {
    return InvalidArgumentError("target shape " + ir::ShapeToString(shape) + " holds " +
                                std::to_string(known) + " elements, input " +
                                ir::ShapeToString(in.shape(0)) + " holds " +
                                std::to_string(in_count));
  }
  *out = shape;
  return Status::Ok();
}

// squeeze_dims names size-1 dimensions to drop; none drops every size-1 one.
Status SqueezeRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  const auto opts = in.options<ir::SqueezeOptions>();
  std::vector<bool> squeeze(rank, false);
  if (opts.squeeze_dims.empty()) {
    for (int d = 0; d < rank; ++d) squeeze[d] = shape[d] == 1;
  } else {
    for (int32_t dim : opts.squeeze_dims) {
      const int d = dim < 0 ? dim + rank : dim;
      if (d < 0 || d >= rank || shape[d] != 1) {
        return InvalidArgumentError("squeeze_dims " + std::to_string(dim) +
                                    " is not a size-1 dimension of " + ir::ShapeToString(shape));
      }
      squeeze[d] = true;
    }
  }
  out->clear();
  for (int d = 0; d < rank; ++d) {
    if (!squeeze[d]) out->push_back(shape[d]);
  }
  return Status::Ok();
}

// PAD and PADV2: each dimension grows by its constant paddings.
Status PadRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  std::vector<int64_t> before(rank), after(rank);
  VKD_RETURN_IF_ERROR(ReadPaddings(in.input(1), rank, before.data(), after.data()));
  out->resize(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t size = before[d] + shape[d] + after[d];
    if (size > INT32_MAX)
      return InvalidArgumentError("padded dimension " + std::to_string(d) + " exceeds INT32_MAX");
    (*out)[d] = static_cast<int32_t>(size);
  }
  return Status::Ok();
}

// CONCATENATION: inputs agree outside the axis; the output's axis is their sum.
Status ConcatRule(const RuleInputs& in, ir::Shape* out) {
  VKD_CHECK_ARG(in.num_inputs() >= 1, "expected at least 1 input");
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  const ir::Shape& s0 = in.shape(0);
  const int opt_axis = in.options<ir::ConcatenationOptions>().axis;
  const int rank = static_cast<int>(s0.size());
  const int axis = opt_axis < 0 ? opt_axis + rank : opt_axis;
  if (axis < 0 || axis >= rank) {
    return InvalidArgumentError("axis " + std::to_string(opt_axis) + " out of range for rank " +
                                std::to_string(rank));
  }
  *out = s0;
  (*out)[axis] = 0;
  for (int i = 0; i < in.num_inputs(); ++i) {
    if (!in.has_input(i)) return InvalidArgumentError("input " + std::to_string(i) + " missing");
    const ir::Shape& s = in.shape(i);
    bool match = s.size() == s0.size();
    for (int d = 0; match && d < rank; ++d) match = d == axis || s[d] == s0[d];
    if (!match) {
      return InvalidArgumentError("input " + std::to_string(i) + ": shape " + ir::ShapeToString(s) +
                                  " does not match input 0's " + ir::ShapeToString(s0) +
                                  " outside axis " + std::to_string(axis));
    }
    (*out)[axis] += s[axis];
  }
  return Status::Ok();
}

Status CheckIndexInput(const RuleInputs& in, int i, const char* name, int rank) {
  const ir::Tensor& t = in.input(i);
  if (t.type != ir::DataType::kInt32 || t.shape != ir::Shape{rank}) {
    return InvalidArgumentError(
        "input " + std::to_string(i) + " (" + name + "): " + ir::DataTypeName(t.type) + " " +
        ir::ShapeToString(t.shape) + " is not INT32 [" + std::to_string(rank) + "]");
  }
  if (!t.is_constant()) {
    return UnimplementedError("input " + std::to_string(i) + " (" + name + ") must be constant");
  }
  return Status::Ok();
}

// STRIDED_SLICE: constant begin/end/strides resolved as TFLite 2.9
// (ops/strided_slice.h); shrunk axes leave the output.
Status StridedSliceRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  const ir::Shape& shape = in.shape(0);
  const int rank = static_cast<int>(shape.size());
  VKD_RETURN_IF_ERROR(CheckSliceRank(rank));
  VKD_RETURN_IF_ERROR(CheckIndexInput(in, 1, "begin", rank));
  VKD_RETURN_IF_ERROR(CheckIndexInput(in, 2, "end", rank));
  VKD_RETURN_IF_ERROR(CheckIndexInput(in, 3, "strides", rank));
  const auto opts = in.options<ir::StridedSliceOptions>();
  if (opts.ellipsis_mask != 0 || opts.new_axis_mask != 0) {
    return UnimplementedError("ellipsis_mask and new_axis_mask are not implemented");
  }
  const int32_t* strides = in.input(3).const_data<int32_t>();
  for (int d = 0; d < rank; ++d) {
    if (strides[d] == 0) {
      return InvalidArgumentError("input 3 (strides): stride of axis " + std::to_string(d) +
                                  " is 0");
    }
  }
  StridedSliceParams p;
  ResolveStridedSlice(rank, shape.data(), in.input(1).const_data<int32_t>(),
                      in.input(2).const_data<int32_t>(), strides, opts.begin_mask, opts.end_mask,
                      opts.shrink_axis_mask, &p);
  out->clear();
  for (int d = 0; d < rank; ++d) {
    if (!((opts.shrink_axis_mask >> d) & 1)) out->push_back(p.out_dims[d]);
  }
  return Status::Ok();
}

// MEAN, SUM: reduced dimensions leave the output, or stay as 1 with keep_dims.
Status ReduceRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& shape = in.shape(0);
  std::vector<bool> reduced;
  VKD_RETURN_IF_ERROR(ReadReductionAxes(in.input(1), shape, &reduced));
  const bool keep_dims = in.options<ir::ReducerOptions>().keep_dims;
  out->clear();
  for (size_t d = 0; d < shape.size(); ++d) {
    if (!reduced[d]) {
      out->push_back(shape[d]);
    } else if (keep_dims) {
      out->push_back(1);
    }
  }
  return Status::Ok();
}

}  // namespace

ShapeRule MovementShapeRule(ir::OpType op) {
  using ir::OpType;
  switch (op) {
    case OpType::kReshape:
      return ReshapeRule;
    case OpType::kSqueeze:
      return SqueezeRule;
    case OpType::kPad:
    case OpType::kPadv2:
      return PadRule;
    case OpType::kConcatenation:
      return ConcatRule;
    case OpType::kStridedSlice:
      return StridedSliceRule;
    case OpType::kMean:
    case OpType::kSum:
      return ReduceRule;
    default:
      return nullptr;
  }
}

}  // namespace vkd::ops
