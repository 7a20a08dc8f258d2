// AVERAGE_POOL_2D and MAX_POOL_2D, float32 NHWC, with TFLite's SAME/VALID
// padding and fused activation clamp. Quantized types are a later issue.
#include "cpu_fallback/optimized/pool.h"

#include <memory>
#include <string>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/reference/pool.h"

namespace vkd::cpu {
namespace {

struct PoolState : KernelState {
  ref::Pool2DParams params;
};

Status Prepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckFloatUnaryIo(ctx));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  if (in.shape.size() != 4) {
    return InvalidArgumentError("input 0: shape " + ir::ShapeToString(in.shape) +
                                " is not 4-D NHWC");
  }
  const auto opts = ctx.options<ir::Pool2DOptions>();
  if (opts.stride_h <= 0 || opts.stride_w <= 0 || opts.filter_h <= 0 || opts.filter_w <= 0) {
    return InvalidArgumentError("stride " + std::to_string(opts.stride_h) + "x" +
                                std::to_string(opts.stride_w) + " and filter " +
                                std::to_string(opts.filter_h) + "x" +
                                std::to_string(opts.filter_w) + " must be positive");
  }
  VKD_RETURN_IF_ERROR(CheckFusedActivation(opts.activation));

  ref::Pool2DParams p;
  p.batch = in.shape[0];
  p.in_h = in.shape[1];
  p.in_w = in.shape[2];
  p.channels = in.shape[3];
  p.filter_h = opts.filter_h;
  p.filter_w = opts.filter_w;
  p.stride_h = opts.stride_h;
  p.stride_w = opts.stride_w;
  p.out_h = ref::PoolOutputSize(opts.padding, p.in_h, p.filter_h, p.stride_h);
  p.out_w = ref::PoolOutputSize(opts.padding, p.in_w, p.filter_w, p.stride_w);
  if (p.out_h <= 0 || p.out_w <= 0) {
    return InvalidArgumentError("filter " + std::to_string(p.filter_h) + "x" +
                                std::to_string(p.filter_w) + " with VALID padding exceeds input " +
                                ir::ShapeToString(in.shape));
  }
  p.pad_h = ref::PoolLeadingPadding(p.in_h, p.filter_h, p.stride_h, p.out_h);
  p.pad_w = ref::PoolLeadingPadding(p.in_w, p.filter_w, p.stride_w, p.out_w);
  GetActivationRange(opts.activation, &p.act_min, &p.act_max);
  out.shape = {p.batch, p.out_h, p.out_w, p.channels};

  auto state = std::make_unique<PoolState>();
  state->params = p;
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <bool kAverage>
Status Eval(KernelContext& ctx) {
  const ref::Pool2DParams& p = ctx.state_as<PoolState>()->params;
  const float* in = ctx.input_data<float>(0);
  float* out = ctx.output_data<float>(0);
  if (ctx.use_reference()) {
    kAverage ? ref::AveragePool(p, in, out) : ref::MaxPool(p, in, out);
  } else {
    kAverage ? opt::AveragePool(p, in, out, ctx.pool()) : opt::MaxPool(p, in, out, ctx.pool());
  }
  return Status::Ok();
}

}  // namespace

void RegisterPoolKernels(KernelTable& table) {
  table.Add(ir::OpType::kAveragePool2d, {Prepare, Eval<true>});
  table.Add(ir::OpType::kMaxPool2d, {Prepare, Eval<false>});
}

}  // namespace vkd::cpu
