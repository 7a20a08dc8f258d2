// AVERAGE_POOL_2D and MAX_POOL_2D, NHWC float32, int8 and uint8, with
// TFLite's SAME/VALID padding and fused activation clamp. Quantized pooling
// does not rescale: like TFLite 2.9 (which only DCHECKs that input and output
// share scale and zero point) the output's parameters serve only for the
// activation clamp.
#include "cpu_fallback/optimized/pool.h"

#include <memory>
#include <string>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/qshape_util.h"
#include "cpu_fallback/reference/pool.h"

namespace vkd::cpu {
namespace {

struct PoolState : KernelState {
  ref::Pool2DParams params;
};

// One input and one output of the same type: float32, int8 or uint8.
Status CheckPoolIo(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  const ir::Tensor& in = ctx.input(0);
  if (in.type != ir::DataType::kFloat32 && !Is8BitQuantized(in.type)) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  if (ctx.output(0).type != in.type) {
    return InvalidArgumentError(std::string("output 0: type ") +
                                ir::DataTypeName(ctx.output(0).type) + " differs from input 0's " +
                                ir::DataTypeName(in.type));
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckPoolIo(ctx));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  // NHWC input, positive window, non-empty output: the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const auto opts = ctx.options<ir::Pool2DOptions>();
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
  p.out_h = out.shape[1];
  p.out_w = out.shape[2];
  p.pad_h = ref::PoolLeadingPadding(p.in_h, p.filter_h, p.stride_h, p.out_h);
  p.pad_w = ref::PoolLeadingPadding(p.in_w, p.filter_w, p.stride_w, p.out_w);
  GetActivationRange(opts.activation, &p.act_min, &p.act_max);
  if (Is8BitQuantized(in.type)) {
    QuantParams in_q, out_q;
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(in, "input 0", &in_q));
    VKD_RETURN_IF_ERROR(GetCheckedQuantParams(out, "output 0", &out_q));
    GetQuantizedActivationRange(opts.activation, out.type, out_q, &p.q_act_min, &p.q_act_max);
  }
  auto state = std::make_unique<PoolState>();
  state->params = p;
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <bool kAverage, typename T>
void EvalQuantized(KernelContext& ctx, const ref::Pool2DParams& p) {
  const T* in = ctx.input_data<T>(0);
  T* out = ctx.output_data<T>(0);
  if (ctx.use_reference()) {
    kAverage ? ref::AveragePoolQuantized(p, in, out) : ref::MaxPoolQuantized(p, in, out);
  } else if (kAverage) {
    opt::AveragePoolQuantized(p, in, out, ctx.pool());
  } else {
    opt::MaxPoolQuantized(p, in, out, ctx.pool());
  }
}

template <bool kAverage>
Status Eval(KernelContext& ctx) {
  const ref::Pool2DParams& p = ctx.state_as<PoolState>()->params;
  switch (ctx.input(0).type) {
    case ir::DataType::kInt8:
      EvalQuantized<kAverage, int8_t>(ctx, p);
      return Status::Ok();
    case ir::DataType::kUInt8:
      EvalQuantized<kAverage, uint8_t>(ctx, p);
      return Status::Ok();
    default:
      break;
  }
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
