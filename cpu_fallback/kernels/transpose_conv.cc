// TRANSPOSE_CONV, float32 NHWC: inputs output_shape (constant INT32 [4]),
// weights [O, KH, KW, I], input, optional bias [O] (version 3). Weights need
// not be constant (a DEQUANTIZE of fp16 weights feeds them at run time).
// Hybrid int8 weights are not implemented.
#include "cpu_fallback/reference/transpose_conv.h"

#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/kernels/conv_window.h"

namespace vkd::cpu {
namespace {

constexpr int kOutputShape = 0;
constexpr int kWeights = 1;
constexpr int kInput = 2;
constexpr int kBias = 3;

struct TransposeConvState : KernelState {
  ref::ConvGeometry geometry;
};

std::string Str(int v) { return std::to_string(v); }

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 3 || ctx.num_inputs() == 4,
                "expected 3 or 4 inputs, got " + Str(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.has_input(kOutputShape) && ctx.has_input(kWeights) && ctx.has_input(kInput),
                "output_shape, weights and input are required");
  VKD_CHECK_ARG(ctx.num_outputs() == 1, "expected 1 output, got " + Str(ctx.num_outputs()));
  const ir::Tensor& weights = ctx.input(kWeights);
  const ir::Tensor& in = ctx.input(kInput);
  if (in.type != ir::DataType::kFloat32) return UnsupportedType("input 2", in.type);
  if (weights.type != ir::DataType::kFloat32)
    return UnsupportedType("input 1 (weights)", weights.type);
  if (ctx.output(0).type != ir::DataType::kFloat32) {
    return UnimplementedError(TypeMismatch("output 0", ctx.output(0).type));
  }
  // output_shape constant INT32 [4] fitting the 4-D input and weights: the
  // shape rule's checks (ops/shape_rules.h).
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  if (ctx.has_input(kBias)) {
    const ir::Tensor& bias = ctx.input(kBias);
    if (bias.type != ir::DataType::kFloat32) return UnsupportedType("input 3 (bias)", bias.type);
    if (bias.num_elements() != weights.shape[0]) {
      return InvalidArgumentError("input 3 (bias): " + ir::ShapeToString(bias.shape) + " is not [" +
                                  Str(weights.shape[0]) + "]");
    }
  }
  const auto opts = ctx.options<ir::TransposeConvOptions>();
  if (opts.stride_h <= 0 || opts.stride_w <= 0) {
    return InvalidArgumentError("stride " + Str(opts.stride_h) + "x" + Str(opts.stride_w) +
                                " must be positive");
  }
  auto state = std::make_unique<TransposeConvState>();
  ref::ConvGeometry& g = state->geometry;
  // CONV_2D's filter layout; the shape rule made weights' input channels the
  // input's and output_shape's batch and depth the input's and weights'.
  FillConvShapes(in, weights, /*depthwise=*/false, &g);
  g.output_height = ctx.output(0).shape[1];
  g.output_width = ctx.output(0).shape[2];
  g.stride_height = opts.stride_h;
  g.stride_width = opts.stride_w;
  g.padding_top =
      ops::TransposeConvPadding(opts.padding, g.output_height, g.filter_height, g.stride_height);
  g.padding_left =
      ops::TransposeConvPadding(opts.padding, g.output_width, g.filter_width, g.stride_width);
  // opts.activation is ignored, as TFLite 2.9 does (transpose_conv.h).
  return FinishConvPrepare(ctx, std::move(state));
}

Status Eval(KernelContext& ctx) {
  const ref::ConvGeometry& g = ctx.state_as<TransposeConvState>()->geometry;
  const float* bias = ctx.has_input(kBias) ? ctx.input_data<float>(kBias) : nullptr;
  ref::TransposeConv(g, ctx.input_data<float>(kInput), ctx.input_data<float>(kWeights), bias,
                     ctx.output_data<float>(0));
  return Status::Ok();
}

}  // namespace

void RegisterTransposeConvKernels(KernelTable& table) {
  table.Add(ir::OpType::kTransposeConv, {Prepare, Eval});
}

}  // namespace vkd::cpu
