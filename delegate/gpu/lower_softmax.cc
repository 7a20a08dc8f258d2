// SOFTMAX over the channel axis as a GPU kernel.
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"

namespace vkd::gpu_delegate {

StatusOr<LoweredKernel> LowerSoftmax(LoweringContext& ctx) {
  const auto& o = std::get<ir::SoftmaxOptions>(ctx.node().options);
  const int in = ctx.Input(0), out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(shaders::TensorDims in_dims, ctx.Dims(in));
  LoweredKernel l;
  l.spec.out = in_dims;
  l.spec.inputs = {in_dims};
  l.spec.float_params = {{"BETA", o.beta}};
  // softmax_pixel: one invocation walks a pixel's channels (short rows, CPU
  // devices); softmax_wg: 64 invocations share a pixel (long rows on GPUs:
  // a 1001-class head took 46 us as one invocation on an H200).
  const int64_t pixels = int64_t{in_dims.b} * in_dims.h * in_dims.w;
  l.variants = {{"softmax_pixel", "softmax", pixels, 64, {}},
                {"softmax_wg", "softmax_wg", pixels * 64, 64, {}}};
  l.variant = !ctx.cpu_device() && in_dims.c4() >= 16 ? 1 : 0;
  l.spec = WithVariant(l.spec, l.variants[l.variant]);
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

std::vector<GpuOpFamily> SoftmaxFamilies() {
  return {
      {"softmax", {ir::OpType::kSoftmax}, [](const SupportQuery&) { return Yes(); }, LowerSoftmax}};
}

}  // namespace vkd::gpu_delegate
