// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR, NHWC float32, int8 and uint8.
// The size input must be constant (the shape rule, ops/shape_rules.h): the
// CPU interpreter fixes every shape in Prepare. Quantized
// resizing does not rescale: TFLite 2.9 assumes (without checking) that the
// output shares the input's scale and zero point, and so do we.
#include "cpu_fallback/reference/resize.h"

#include <memory>
#include <string>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"

namespace vkd::cpu {
namespace {

struct ResizeState : KernelState {
  ref::ResizeParams params;
};

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& in = ctx.input(0);
  if (in.type != ir::DataType::kFloat32 && !Is8BitQuantized(in.type)) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  if (ctx.output(0).type != in.type) {
    return UnimplementedError(TypeMismatch("output 0", ctx.output(0).type));
  }
  if (Is8BitQuantized(in.type)) {
    QuantParams in_q, out_q;
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input 0", &in_q));
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(ctx.output(0), "output 0", &out_q));
  }
  // NHWC input, constant positive size: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const auto opts = ctx.options<ir::ResizeOptions>();
  // As TFLite 2.9: bilinear refuses the combination, nearest neighbor takes it.
  if (ctx.node().op == ir::OpType::kResizeBilinear && opts.align_corners &&
      opts.half_pixel_centers) {
    return InvalidArgumentError("half_pixel_centers requires align_corners to be false");
  }
  auto state = std::make_unique<ResizeState>();
  ref::ResizeParams& p = state->params;
  p.batch = in.shape[0];
  p.in_h = in.shape[1];
  p.in_w = in.shape[2];
  p.channels = in.shape[3];
  p.out_h = ctx.output(0).shape[1];
  p.out_w = ctx.output(0).shape[2];
  p.align_corners = opts.align_corners;
  p.half_pixel_centers = opts.half_pixel_centers;
  ctx.state() = std::move(state);
  return Status::Ok();
}

// One form serves as both reference and optimized: these ops are a small
// part of any model's time.
template <bool kBilinear>
Status Eval(KernelContext& ctx) {
  const ref::ResizeParams& p = ctx.state_as<ResizeState>()->params;
  const ir::DataType type = ctx.input(0).type;
  if (type != ir::DataType::kFloat32) {
    if (!kBilinear) {
      // TFLite 2.9's uint8 kernel takes fixed-point source indices when
      // neither flag is set; every other case is the float rule.
      const bool fixed_point =
          type == ir::DataType::kUInt8 && !p.align_corners && !p.half_pixel_centers;
      ref::ResizeNearestNeighborBytes(p, ir::DataTypeSize(type), fixed_point,
                                      ctx.input_data<uint8_t>(0), ctx.output_data<uint8_t>(0));
    } else if (type == ir::DataType::kUInt8) {
      ref::ResizeBilinearUint8(p, ctx.input_data<uint8_t>(0), ctx.output_data<uint8_t>(0));
    } else {
      ref::ResizeBilinearInt8(p, ctx.input_data<int8_t>(0), ctx.output_data<int8_t>(0));
    }
    return Status::Ok();
  }
  if (kBilinear) {
    ref::ResizeBilinear(p, ctx.input_data<float>(0), ctx.output_data<float>(0));
  } else {
    ref::ResizeNearestNeighbor(p, ctx.input_data<float>(0), ctx.output_data<float>(0));
  }
  return Status::Ok();
}

}  // namespace

void RegisterResizeKernels(KernelTable& table) {
  table.Add(ir::OpType::kResizeBilinear, {Prepare, Eval<true>});
  table.Add(ir::OpType::kResizeNearestNeighbor, {Prepare, Eval<false>});
}

}  // namespace vkd::cpu
