// AVERAGE_POOL_2D, MAX_POOL_2D and spatial MEAN as GPU kernels.
#include "delegate/gpu/lowering.h"

namespace vkd::gpu_delegate {

using shaders::TensorDims;

StatusOr<LoweredKernel> LowerPool2d(LoweringContext& ctx) {
  const auto& o = std::get<ir::Pool2DOptions>(ctx.node().options);
  const int in = ctx.Input(0), out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  LoweredKernel l;
  l.spec.main = "pool2d";
  l.spec.out = out_dims;
  l.spec.inputs = {in_dims};
  l.spec.int_params = {
      {"IS_MAX", ctx.node().op == ir::OpType::kMaxPool2d ? 1 : 0},
      {"KH", o.filter_h},
      {"KW", o.filter_w},
      {"STRIDE_X", o.stride_w},
      {"STRIDE_Y", o.stride_h},
      {"PAD_TOP", ops::LeadingPadding(o.padding, in_dims.h, o.filter_h, o.stride_h, 1, out_dims.h)},
      {"PAD_LEFT", ops::LeadingPadding(o.padding, in_dims.w, o.filter_w, o.stride_w, 1, out_dims.w)}};
  l.spec.invocations = out_dims.vec4_count();
  VKD_RETURN_IF_ERROR(AppendActivation(o.activation, l.spec.post_ops));
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

StatusOr<LoweredKernel> LowerMean(LoweringContext& ctx) {
  const int in = ctx.Input(0), out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  LoweredKernel l;
  l.spec.main = "mean_spatial";
  // (B, 1, 1, C) has the bytes of every keep_dims variant of the result.
  l.spec.out = TensorDims{in_dims.b, 1, 1, in_dims.c};
  l.spec.inputs = {in_dims};
  l.spec.invocations = int64_t{in_dims.b} * in_dims.c4();
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

}  // namespace vkd::gpu_delegate
