// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR as one GPU kernel (resize.glsl).
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"
#include "ops/resize.h"

namespace vkd::gpu_delegate {

using shaders::TensorDims;

StatusOr<LoweredKernel> LowerResize(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  const int in = node.inputs[0], out = node.outputs[0];
  const auto* o = std::get_if<ir::ResizeOptions>(&node.options);
  const ir::ResizeOptions opts = o ? *o : ir::ResizeOptions{};
  const bool bilinear = node.op == ir::OpType::kResizeBilinear;
  if (bilinear && opts.align_corners && opts.half_pixel_centers) {
    return InvalidArgumentError(ctx.label() + ": half_pixel_centers with align_corners");
  }
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  if (ctx.tensor(in).shape.size() != 4 || in_dims.b != out_dims.b || in_dims.c != out_dims.c) {
    return InvalidArgumentError(ctx.label() +
                                ": input and output are not 4-D NHWC of one batch "
                                "and channel count");
  }
  LoweredKernel l;
  l.spec.main = "resize";
  l.spec.out = out_dims;
  l.spec.inputs = {in_dims};
  l.spec.int_params = {{"BILINEAR", bilinear ? 1 : 0},
                       {"ALIGN_CORNERS", opts.align_corners ? 1 : 0},
                       {"HALF_PIXEL", opts.half_pixel_centers ? 1 : 0}};
  // The CPU kernel's float scales, bit for bit.
  l.spec.float_params = {{"SCALE_Y", ops::ResizeScale(in_dims.h, out_dims.h, opts.align_corners)},
                         {"SCALE_X", ops::ResizeScale(in_dims.w, out_dims.w, opts.align_corners)}};
  l.spec.invocations = out_dims.vec4_count();
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

namespace {

Verdict CheckResize(const SupportQuery& q) {
  const ir::Tensor& size = q.tensor(q.node.inputs[1]);
  if (q.input_shape(0).size() != 4 || !size.is_constant() || size.type != ir::DataType::kInt32 ||
      size.num_elements() != 2) {
    return No("needs a 4-D input and a constant INT32 [2] size");
  }
  const auto* o = std::get_if<ir::ResizeOptions>(&q.node.options);
  if (q.node.op == ir::OpType::kResizeBilinear && o && o->align_corners && o->half_pixel_centers) {
    return No("half_pixel_centers with align_corners (TFLite rejects it)");
  }
  return Yes();
}

}  // namespace

std::vector<GpuOpFamily> ResizeFamilies() {
  return {{"resize",
           {ir::OpType::kResizeBilinear, ir::OpType::kResizeNearestNeighbor},
           CheckResize,
           LowerResize}};
}

}  // namespace vkd::gpu_delegate
