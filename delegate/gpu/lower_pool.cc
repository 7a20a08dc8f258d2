// AVERAGE_POOL_2D, MAX_POOL_2D and spatial MEAN as GPU kernels.
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"

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
      {"PAD_LEFT",
       ops::LeadingPadding(o.padding, in_dims.w, o.filter_w, o.stride_w, 1, out_dims.w)}};
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

namespace {

Verdict CheckPool2d(const SupportQuery& q) {
  if (!std::get_if<ir::Pool2DOptions>(&q.node.options)) return No("missing pool options");
  if (q.input_shape(0).size() != 4) return No("pool input is not 4-D");
  return Yes();
}

Verdict CheckMean(const SupportQuery& q) {
  const ir::Tensor& axes = q.tensor(q.node.inputs[1]);
  if (!axes.is_constant() || q.input_shape(0).size() != 4 || axes.type != ir::DataType::kInt32) {
    return No("MEAN needs constant int32 axes on a 4-D input");
  }
  bool h = false, w = false;
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    int a = axes.const_data<int32_t>()[i];
    if (a < 0) a += 4;
    if (a == 1) {
      h = true;
    } else if (a == 2) {
      w = true;
    } else {
      return No("MEAN over axis " + std::to_string(a) + " (only spatial means on the GPU)");
    }
  }
  if (!h || !w) return No("MEAN over only one spatial axis");
  return Yes();
}

}  // namespace

std::vector<GpuOpFamily> PoolFamilies() {
  return {
      {"pool2d", {ir::OpType::kAveragePool2d, ir::OpType::kMaxPool2d}, CheckPool2d, LowerPool2d},
      {"mean", {ir::OpType::kMean}, CheckMean, LowerMean}};
}

}  // namespace vkd::gpu_delegate
