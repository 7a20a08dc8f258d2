// SOFTMAX over the channel axis as a GPU kernel.
#include "delegate/gpu/lowering.h"

namespace vkd::gpu_delegate {

StatusOr<LoweredKernel> LowerSoftmax(LoweringContext& ctx) {
  const auto& o = std::get<ir::SoftmaxOptions>(ctx.node().options);
  const int in = ctx.Input(0), out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(shaders::TensorDims in_dims, ctx.Dims(in));
  LoweredKernel l;
  l.spec.main = "softmax";
  l.spec.out = in_dims;
  l.spec.inputs = {in_dims};
  l.spec.float_params = {{"BETA", o.beta}};
  l.spec.invocations = int64_t{in_dims.b} * in_dims.h * in_dims.w;
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

}  // namespace vkd::gpu_delegate
