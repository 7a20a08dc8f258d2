// DEQUANTIZE: int8, uint8, int16 (per tensor or per channel) and float16 to
// float32, constant or activation input.
// QUANTIZE: float32 -> int8, uint8, int16 (per tensor); requantizing
// int8 -> int8/uint8, uint8 -> uint8/int8, int16 -> int8/int16/int32.
// CAST between float32, int32, int64, int16, int8, uint8 and bool.
#include "cpu_fallback/reference/quantize.h"

#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/optimized/quantize.h"
#include "cpu_fallback/quantization.h"
#include "model/ir/dequantize.h"

namespace vkd::cpu {
namespace {

Status Prepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  if (out.type != ir::DataType::kFloat32)
    return UnimplementedError(TypeMismatch("output 0", out.type));
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  if (in.type != ir::DataType::kFloat16 && in.type != ir::DataType::kInt8 &&
      in.type != ir::DataType::kUInt8 && in.type != ir::DataType::kInt16) {
    return UnimplementedError(TypeMismatch("input 0", in.type));
  }
  VKD_RETURN_IF_ERROR_CTX(ir::CheckDequantize(in.type, in.shape, in.quant), "input 0");
  return Status::Ok();
}

// The one dequantizer (model/ir/dequantize.h): memory-bound, TFLite's
// arithmetic.
Status Eval(KernelContext& ctx) {
  const ir::Tensor& in = ctx.input(0);
  return ir::DequantizeInto(in.type, in.shape, in.quant, ctx.input_data<uint8_t>(0), in.bytes(),
                            ctx.output_data<float>(0));
}

// --- QUANTIZE --------------------------------------------------------------------------------

struct QuantizeState : KernelState {
  QuantParams out;                // float input
  ref::RequantizeParams requant;  // integer input
};

// The requantizations TFLite 2.9's quantize.cc accepts.
bool RequantizeSupported(ir::DataType in, ir::DataType out) {
  using ir::DataType;
  switch (in) {
    case DataType::kInt8:
    case DataType::kUInt8:
      return out == DataType::kInt8 || out == DataType::kUInt8;
    case DataType::kInt16:
      return out == DataType::kInt8 || out == DataType::kInt16 || out == DataType::kInt32;
    default:
      return false;
  }
}

Status PrepareQuantize(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  auto state = std::make_unique<QuantizeState>();
  if (out.quant.per_channel()) {
    return UnimplementedError("output 0: per-channel QUANTIZE not implemented");
  }
  VKD_RETURN_IF_ERROR(GetQuantParams(out, "output 0", &state->out));
  if (in.type == ir::DataType::kFloat32) {
    if (!IsQuantizedType(out.type)) return UnimplementedError(TypeMismatch("output 0", out.type));
  } else {
    if (!RequantizeSupported(in.type, out.type)) {
      return UnimplementedError(std::string("output 0: requantizing ") + ir::DataTypeName(in.type) +
                                " to " + ir::DataTypeName(out.type) + " unsupported");
    }
    QuantParams qin;
    VKD_RETURN_IF_ERROR(GetQuantParams(in, "input 0", &qin));
    ref::RequantizeParams& p = state->requant;
    p.input_zero_point = qin.zero_point;
    p.output_zero_point = state->out.zero_point;
    // In double from the float scales, as TFLite's quantize.cc.
    const QuantizedMultiplier m =
        QuantizeMultiplier(static_cast<double>(qin.scale) / static_cast<double>(state->out.scale));
    p.multiplier = m.multiplier;
    p.shift = m.shift;
  }
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  ctx.state() = std::move(state);
  return Status::Ok();
}

template <typename TIn>
Status EvalRequantize(KernelContext& ctx, const ref::RequantizeParams& p) {
  const TIn* in = ctx.input_data<TIn>(0);
  const int64_t n = ctx.input(0).num_elements();
  const bool optimized = !ctx.use_reference();
  switch (ctx.output(0).type) {
    case ir::DataType::kInt8:
      (optimized ? opt::Requantize<TIn, int8_t>
                 : ref::Requantize<TIn, int8_t>)(p, in, ctx.output_data<int8_t>(0), n);
      return Status::Ok();
    case ir::DataType::kUInt8:
      (optimized ? opt::Requantize<TIn, uint8_t>
                 : ref::Requantize<TIn, uint8_t>)(p, in, ctx.output_data<uint8_t>(0), n);
      return Status::Ok();
    case ir::DataType::kInt16:
      (optimized ? opt::Requantize<TIn, int16_t>
                 : ref::Requantize<TIn, int16_t>)(p, in, ctx.output_data<int16_t>(0), n);
      return Status::Ok();
    case ir::DataType::kInt32:
      ref::Requantize(p, in, ctx.output_data<int32_t>(0), n);
      return Status::Ok();
    default:
      return InternalError("QUANTIZE: output type changed after Prepare");
  }
}

// std::round does not vectorize; the optimized form rounds the same way.
template <typename T>
void AffineQuantize(KernelContext& ctx, const float* in, T* out, int64_t n, const QuantParams& q) {
  if (ctx.use_reference()) {
    ref::AffineQuantize(in, out, n, q.scale, q.zero_point);
  } else {
    opt::AffineQuantize(in, out, n, q.scale, q.zero_point);
  }
}

Status EvalQuantize(KernelContext& ctx) {
  const auto& s = *ctx.state_as<QuantizeState>();
  const int64_t n = ctx.input(0).num_elements();
  switch (ctx.input(0).type) {
    case ir::DataType::kFloat32: {
      const float* in = ctx.input_data<float>(0);
      switch (ctx.output(0).type) {
        case ir::DataType::kInt8:
          AffineQuantize(ctx, in, ctx.output_data<int8_t>(0), n, s.out);
          return Status::Ok();
        case ir::DataType::kUInt8:
          AffineQuantize(ctx, in, ctx.output_data<uint8_t>(0), n, s.out);
          return Status::Ok();
        case ir::DataType::kInt16:
          AffineQuantize(ctx, in, ctx.output_data<int16_t>(0), n, s.out);
          return Status::Ok();
        default:
          break;
      }
      break;
    }
    case ir::DataType::kInt8:
      return EvalRequantize<int8_t>(ctx, s.requant);
    case ir::DataType::kUInt8:
      return EvalRequantize<uint8_t>(ctx, s.requant);
    case ir::DataType::kInt16:
      return EvalRequantize<int16_t>(ctx, s.requant);
    default:
      break;
  }
  return InternalError("QUANTIZE: types changed after Prepare");
}

// --- CAST ------------------------------------------------------------------------------------

bool CastType(ir::DataType t) {
  using ir::DataType;
  return t == DataType::kFloat32 || t == DataType::kInt32 || t == DataType::kInt64 ||
         t == DataType::kInt16 || t == DataType::kInt8 || t == DataType::kUInt8 ||
         t == DataType::kBool;
}

Status PrepareCast(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  const ir::Tensor& in = ctx.input(0);
  ir::Tensor& out = ctx.output(0);
  if (!CastType(in.type)) return UnimplementedError(TypeMismatch("input 0", in.type));
  if (!CastType(out.type)) return UnimplementedError(TypeMismatch("output 0", out.type));
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  return Status::Ok();
}

// Calls fn(T{}) with T the one of T0, Ts... whose ir::DataType is `type`.
template <typename T0, typename... Ts, typename F>
Status WithType(ir::DataType type, F&& fn) {
  if (type == ir::DataTypeOf<T0>::value) return fn(T0{});
  if constexpr (sizeof...(Ts) > 0) {
    return WithType<Ts...>(type, fn);
  } else {
    return InternalError("CAST: type changed after Prepare");
  }
}

// Calls fn(T{}) with T the C++ type of `type` (one of CastType's).
template <typename F>
Status WithCastType(ir::DataType type, F&& fn) {
  return WithType<float, int32_t, int64_t, int16_t, int8_t, uint8_t, bool>(type, fn);
}

Status EvalCast(KernelContext& ctx) {
  const int64_t n = ctx.input(0).num_elements();
  return WithCastType(ctx.input(0).type, [&](auto in_tag) {
    using TIn = decltype(in_tag);
    return WithCastType(ctx.output(0).type, [&](auto out_tag) {
      using TOut = decltype(out_tag);
      ref::Cast(ctx.input_data<TIn>(0), ctx.output_data<TOut>(0), n);
      return Status::Ok();
    });
  });
}

}  // namespace

void RegisterQuantizeKernels(KernelTable& table) {
  table.Add(ir::OpType::kDequantize, {Prepare, Eval});
  table.Add(ir::OpType::kQuantize, {PrepareQuantize, EvalQuantize});
  table.Add(ir::OpType::kCast, {PrepareCast, EvalCast});
}

}  // namespace vkd::cpu
