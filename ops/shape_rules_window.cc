// Shape rules of the window ops (CONV_2D, DEPTHWISE_CONV_2D, the 2-D pools,
// TRANSPOSE_CONV), FULLY_CONNECTED and the 2-D resizes: TFLite 2.9's output
// sizes (ops/window.h) and the shape checks their Prepare functions make.
#include <string>

#include "ops/shape_rule_inputs.h"
#include "ops/window.h"

namespace vkd::ops {
namespace {

std::string Str(int64_t v) { return std::to_string(v); }

Status CheckNhwc(const ir::Shape& shape) {
  if (shape.size() != 4) {
    return InvalidArgumentError("input 0: shape " + ir::ShapeToString(shape) + " is not 4-D NHWC");
  }
  return Status::Ok();
}

// CONV_2D filters are [output_depth, kh, kw, input_depth], DEPTHWISE_CONV_2D
// ones [1, kh, kw, output_depth]; a depthwise filter holds a whole multiple of
// the input channels (TFLite derives the multiplier from the shapes).
template <typename Options>
Status ConvRule(const RuleInputs& in, bool depthwise, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& input = in.shape(0);
  const ir::Shape& filter = in.shape(1);
  VKD_CHECK_ARG(input.size() == 4, "input 0: must be 4-D NHWC, got " + ir::ShapeToString(input));
  VKD_CHECK_ARG(filter.size() == 4,
                "input 1 (filter): must be 4-D, got " + ir::ShapeToString(filter));
  const int output_depth = depthwise ? filter[3] : filter[0];
  if (depthwise) {
    VKD_CHECK_ARG(input[3] > 0 && output_depth % input[3] == 0,
                  "filter channels " + Str(output_depth) +
                      " are not a multiple of input channels " + Str(input[3]));
  } else {
    // Grouped when the input holds several filter depths; a partition whose
    // input is resized to other channels must fail here, not in a kernel.
    VKD_CHECK_ARG(filter[3] > 0 && input[3] % filter[3] == 0,
                  "input channels " + Str(input[3]) + " are not a multiple of filter channels " +
                      Str(filter[3]));
  }
  const auto o = in.options<Options>();
  VKD_CHECK_ARG(o.stride_h > 0 && o.stride_w > 0,
                "strides must be positive, got " + Str(o.stride_h) + "x" + Str(o.stride_w));
  VKD_CHECK_ARG(o.dilation_h > 0 && o.dilation_w > 0,
                "dilations must be positive, got " + Str(o.dilation_h) + "x" + Str(o.dilation_w));
  const int out_h = ComputeOutputSize(o.padding, input[1], filter[1], o.stride_h, o.dilation_h);
  const int out_w = ComputeOutputSize(o.padding, input[2], filter[2], o.stride_w, o.dilation_w);
  VKD_CHECK_ARG(out_h > 0 && out_w > 0, "empty output " + Str(out_h) + "x" + Str(out_w) +
                                            " (VALID window larger than the input?)");
  *out = {input[0], out_h, out_w, output_depth};
  return Status::Ok();
}

Status Conv2dRule(const RuleInputs& in, ir::Shape* out) {
  return ConvRule<ir::Conv2DOptions>(in, /*depthwise=*/false, out);
}

Status DepthwiseConv2dRule(const RuleInputs& in, ir::Shape* out) {
  return ConvRule<ir::DepthwiseConv2DOptions>(in, /*depthwise=*/true, out);
}

Status Pool2dRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  const ir::Shape& input = in.shape(0);
  VKD_RETURN_IF_ERROR(CheckNhwc(input));
  const auto o = in.options<ir::Pool2DOptions>();
  if (o.stride_h <= 0 || o.stride_w <= 0 || o.filter_h <= 0 || o.filter_w <= 0) {
    return InvalidArgumentError("stride " + Str(o.stride_h) + "x" + Str(o.stride_w) +
                                " and filter " + Str(o.filter_h) + "x" + Str(o.filter_w) +
                                " must be positive");
  }
  const int out_h = ComputeOutputSize(o.padding, input[1], o.filter_h, o.stride_h, 1);
  const int out_w = ComputeOutputSize(o.padding, input[2], o.filter_w, o.stride_w, 1);
  if (out_h <= 0 || out_w <= 0) {
    return InvalidArgumentError("filter " + Str(o.filter_h) + "x" + Str(o.filter_w) +
                                " with VALID padding exceeds input " + ir::ShapeToString(input));
  }
  *out = {input[0], out_h, out_w, input[3]};
  return Status::Ok();
}

// TRANSPOSE_CONV's inputs: output_shape (constant INT32 [4]), weights
// [O, KH, KW, I], input NHWC. The output is output_shape, which must agree
// with the input's batch and the weights' output channels.
Status TransposeConvRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 3));
  const ir::Tensor& shape = in.input(0);
  const ir::Shape& weights = in.shape(1);
  const ir::Shape& input = in.shape(2);
  if (shape.type != ir::DataType::kInt32 || shape.shape != ir::Shape{4}) {
    return InvalidArgumentError(
        "input 0 (output_shape): " + std::string(ir::DataTypeName(shape.type)) + " " +
        ir::ShapeToString(shape.shape) + " is not INT32 [4]");
  }
  if (!shape.is_constant()) return UnimplementedError("input 0 (output_shape) must be constant");
  if (input.size() != 4 || weights.size() != 4) {
    return InvalidArgumentError("input " + ir::ShapeToString(input) + " and weights " +
                                ir::ShapeToString(weights) + " must be 4-D");
  }
  if (weights[3] != input[3]) {
    return InvalidArgumentError("weights " + ir::ShapeToString(weights) + " take " +
                                Str(weights[3]) + " input channels, input " +
                                ir::ShapeToString(input) + " has " + Str(input[3]));
  }
  const int32_t* o = shape.const_data<int32_t>();
  if (o[0] != input[0] || o[3] != weights[0] || o[1] <= 0 || o[2] <= 0) {
    return InvalidArgumentError("output_shape " + ir::ShapeToString(ir::Shape(o, o + 4)) +
                                " does not fit input " + ir::ShapeToString(input) +
                                " and weights " + ir::ShapeToString(weights));
  }
  *out = ir::Shape(o, o + 4);
  return Status::Ok();
}

// FULLY_CONNECTED: [num_units, input_size] weights; the input flattens into
// batches of input_size values. With keep_num_dims the output keeps the
// input's leading dimensions (whose last must then be input_size) and ends in
// num_units; without, it is [batches, num_units].
Status FullyConnectedRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Tensor& input = in.input(0);
  const ir::Shape& weights = in.shape(1);
  VKD_CHECK_ARG(weights.size() == 2, "input 1 (weights): must be 2-D [units, input size], got " +
                                         ir::ShapeToString(weights));
  const int32_t num_units = weights[0];
  const int32_t input_size = weights[1];
  VKD_CHECK_ARG(input_size > 0, "input 1 (weights): input size 0");
  const int64_t total = input.num_elements();
  VKD_CHECK_ARG(total % input_size == 0,
                "input 0: " + ir::ShapeToString(input.shape) + " has " + Str(total) +
                    " elements, not a multiple of the weights' input size " + Str(input_size));
  if (!in.options<ir::FullyConnectedOptions>().keep_num_dims) {
    *out = {static_cast<int32_t>(total / input_size), num_units};
    return Status::Ok();
  }
  VKD_CHECK_ARG(!input.shape.empty() && input.shape.back() == input_size,
                "keep_num_dims: input's last dimension " +
                    (input.shape.empty() ? std::string("(scalar)") : Str(input.shape.back())) +
                    " != weights' input size " + Str(input_size));
  *out = input.shape;
  out->back() = num_units;
  return Status::Ok();
}

// RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: NHWC input, constant INT32 [2]
// size (height, width).
Status ResizeRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  const ir::Shape& input = in.shape(0);
  const ir::Tensor& size = in.input(1);
  VKD_RETURN_IF_ERROR(CheckNhwc(input));
  if (size.type != ir::DataType::kInt32 || size.shape != ir::Shape{2}) {
    return InvalidArgumentError("input 1 (size): " + std::string(ir::DataTypeName(size.type)) +
                                " " + ir::ShapeToString(size.shape) + " is not INT32 [2]");
  }
  if (!size.is_constant()) return UnimplementedError("input 1 (size) must be constant");
  const int32_t* hw = size.const_data<int32_t>();
  if (hw[0] <= 0 || hw[1] <= 0) {
    return InvalidArgumentError("input 1 (size): " + Str(hw[0]) + "x" + Str(hw[1]) +
                                " is not positive");
  }
  *out = {input[0], hw[0], hw[1], input[3]};
  return Status::Ok();
}

}  // namespace

ShapeRule WindowShapeRule(ir::OpType op) {
  using ir::OpType;
  switch (op) {
    case OpType::kConv2d:
      return Conv2dRule;
    case OpType::kDepthwiseConv2d:
      return DepthwiseConv2dRule;
    case OpType::kAveragePool2d:
    case OpType::kMaxPool2d:
    case OpType::kL2Pool2d:
      return Pool2dRule;
    case OpType::kTransposeConv:
      return TransposeConvRule;
    case OpType::kFullyConnected:
      return FullyConnectedRule;
    case OpType::kResizeBilinear:
    case OpType::kResizeNearestNeighbor:
      return ResizeRule;
    default:
      return nullptr;
  }
}

}  // namespace vkd::ops
