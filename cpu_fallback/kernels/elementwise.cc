// ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, FLOOR_DIV,
// FLOOR_MOD, with NumPy broadcasting up to 6-D and TFLite's fused activation
// clamp:
//   float32: all; int32: all (DIV truncating, FLOOR_DIV/FLOOR_MOD flooring,
//   a zero divisor an error as in TFLite);
//   int8, uint8: ADD, SUB, MUL (requantizing, TFLite 2.9's fixed point),
//   MAXIMUM, MINIMUM (stored values compared, as TFLite does);
//   int16: ADD, SUB (general scales, or TFLite's power-of-two path), MUL,
//   MAXIMUM, MINIMUM.
#include "cpu_fallback/optimized/elementwise.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/optimized/broadcast_loop.h"
#include "cpu_fallback/optimized/quantized_elementwise.h"
#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/elementwise.h"
#include "cpu_fallback/reference/quantized_elementwise.h"

namespace vkd::cpu {
namespace {

using ir::DataType;
using ref::BinaryOp;

// How Eval computes: the float/int32 kernels of reference/elementwise.h, or
// one of the functors of reference/quantized_elementwise.h.
enum class Path {
  kFloatOrInt32,     // ref/opt::BinaryElementwise
  kQuantizedAdd,     // ADD, SUB: 8-bit, general-scale int16
  kQuantizedAddPot,  // ADD, SUB: int16 with power-of-two scales
  kQuantizedMul,
  kIntDiv,   // DIV int32
  kMaximum,  // 8/16-bit MAXIMUM
  kMinimum,  // 8/16-bit MINIMUM
  kFloorDiv,
  kFloorMod,
};

struct ElementwiseState : KernelState {
  Path path = Path::kFloatOrInt32;
  BinaryOp op = BinaryOp::kAdd;
  ref::BroadcastPlan ref_plan;  // 6-D, for the reference loops
  ref::BroadcastPlan opt_plan;  // collapsed
  float min_f = 0, max_f = 0;
  int32_t min_i = 0, max_i = 0;
  ref::QuantizedAddParams add;
  ref::QuantizedAddPotParams add_pot;
  ref::QuantizedMulParams mul;
};

// TFLite's CalculateActivationRange<int32_t>: like the float one, the full
// range for every activation but the three RELUs.
void GetActivationRangeInt32(ir::Activation activation, int32_t* min, int32_t* max) {
  *min = std::numeric_limits<int32_t>::min();
  *max = std::numeric_limits<int32_t>::max();
  switch (activation) {
    case ir::Activation::kRelu:
      *min = 0;
      return;
    case ir::Activation::kRelu6:
      *min = 0;
      *max = 6;
      return;
    case ir::Activation::kReluN1To1:
      *min = -1;
      *max = 1;
      return;
    default:
      return;
  }
}

// Ops that take ElementwiseOptions (and so a fused activation).
constexpr bool HasActivation(BinaryOp op) {
  return op == BinaryOp::kAdd || op == BinaryOp::kSub || op == BinaryOp::kMul ||
         op == BinaryOp::kDiv;
}

bool Is8Bit(DataType t) { return t == DataType::kInt8 || t == DataType::kUInt8; }

// Checks the quantization of every operand and that its zero point is a value
// of its type (TFLite checks the same; a zero point outside it would overflow
// the int16 intermediates of some paths).
Status GetOperandParams(KernelContext& ctx, QuantParams* in1, QuantParams* in2, QuantParams* out) {
  VKD_RETURN_IF_ERROR(GetQuantParams(ctx.input(0), "input 0", in1));
  VKD_RETURN_IF_ERROR(GetQuantParams(ctx.input(1), "input 1", in2));
  VKD_RETURN_IF_ERROR(GetQuantParams(ctx.output(0), "output 0", out));
  const DataType type = ctx.output(0).type;
  const QuantParams* params[3] = {in1, in2, out};
  const char* names[3] = {"input 0", "input 1", "output 0"};
  for (int i = 0; i < 3; ++i) {
    const int32_t zp = params[i]->zero_point;
    if (zp < QuantizedMin(type) || zp > QuantizedMax(type)) {
      return InvalidArgumentError(std::string(names[i]) + ": zero point " + std::to_string(zp) +
                                  " outside " + ir::DataTypeName(type));
    }
  }
  return Status::Ok();
}

// log2(scale) when the scale is a power of two (TFLite's CheckedLog2 tolerance).
bool PowerOfTwoExponent(float scale, int* exponent) {
  const double log2 = std::log2(static_cast<double>(scale));
  const double rounded = std::round(log2);
  *exponent = static_cast<int>(rounded);
  return std::abs(log2 - rounded) < 1e-3;
}

// ADD and SUB of quantized tensors. As TFLite's add.cc/sub.cc: int16 with
// pot_scale_int16 (the default) and symmetric power-of-two scales takes the
// shift-only path; every other case the general rescaling one.
Status PrepareQuantizedAdd(KernelContext& ctx, bool is_sub, ir::Activation activation,
                           ElementwiseState* s) {
  QuantParams in1, in2, out;
  VKD_RETURN_IF_ERROR(GetOperandParams(ctx, &in1, &in2, &out));
  const DataType type = ctx.output(0).type;
  int32_t act_min, act_max;
  GetQuantizedActivationRange(activation, type, out, &act_min, &act_max);
  if (type == DataType::kInt16 && ctx.options<ir::ElementwiseOptions>().pot_scale_int16) {
    int e1, e2, eo;
    const bool pot = PowerOfTwoExponent(in1.scale, &e1) && PowerOfTwoExponent(in2.scale, &e2) &&
                     PowerOfTwoExponent(out.scale, &eo) && in1.zero_point == 0 &&
                     in2.zero_point == 0 && out.zero_point == 0;
    if (pot) {
      if ((e1 != eo && e2 != eo) || e1 > eo || e2 > eo) {
        return UnimplementedError(
            "input 0: int16 power-of-two scales need one input at the output's scale and the "
            "other no larger");
      }
      s->path = Path::kQuantizedAddPot;
      s->add_pot.input1_shift = eo - e1;
      s->add_pot.input2_shift = eo - e2;
      s->add_pot.negate_input2 = is_sub;
      s->add_pot.act_min = act_min;
      s->add_pot.act_max = act_max;
      return Status::Ok();
    }
  }
  // 20 bits of headroom for 8-bit values (255 << 20 < 2^31), 15 for int16.
  const int left_shift = type == DataType::kInt16 ? 15 : 20;
  s->path = Path::kQuantizedAdd;
  s->add = ref::MakeQuantizedAddParams(in1, in2, out, left_shift, is_sub, act_min, act_max);
  if (s->add.output_shift > 0) {
    return UnimplementedError("output 0: scale " + std::to_string(out.scale) +
                              " too small for the inputs' (rescale multiplier above one)");
  }
  return Status::Ok();
}

Status PrepareQuantizedMul(KernelContext& ctx, ir::Activation activation, ElementwiseState* s) {
  QuantParams in1, in2, out;
  VKD_RETURN_IF_ERROR(GetOperandParams(ctx, &in1, &in2, &out));
  s->path = Path::kQuantizedMul;
  ref::QuantizedMulParams& p = s->mul;
  p.input1_offset = -in1.zero_point;
  p.input2_offset = -in2.zero_point;
  p.output_offset = out.zero_point;
  // In double from the float scales, as TFLite's mul.cc.
  const QuantizedMultiplier m =
      QuantizeMultiplier(static_cast<double>(in1.scale) * static_cast<double>(in2.scale) /
                         static_cast<double>(out.scale));
  p.output_multiplier = m.multiplier;
  p.output_shift = m.shift;
  GetQuantizedActivationRange(activation, ctx.output(0).type, out, &p.act_min, &p.act_max);
  return Status::Ok();
}

Status CheckIo(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 2 && ctx.has_input(0) && ctx.has_input(1),
                "expected 2 inputs, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  const ir::Tensor& a = ctx.input(0);
  const ir::Tensor& b = ctx.input(1);
  const ir::Tensor& out = ctx.output(0);
  if (b.type != a.type) {
    return InvalidArgumentError(std::string("input 1: type ") + ir::DataTypeName(b.type) +
                                " differs from input 0's " + ir::DataTypeName(a.type));
  }
  if (out.type != a.type) {
    return InvalidArgumentError(std::string("output 0: type ") + ir::DataTypeName(out.type) +
                                " differs from the inputs' " + ir::DataTypeName(a.type));
  }
  for (int i = 0; i < 2; ++i) {
    const ir::Shape& s = ctx.input(i).shape;
    if (s.size() > static_cast<size_t>(ref::kMaxBroadcastRank)) {
      return UnimplementedError("input " + std::to_string(i) + ": rank " +
                                std::to_string(s.size()) + " above the supported " +
                                std::to_string(ref::kMaxBroadcastRank));
    }
  }
  return Status::Ok();
}

// Shapes and broadcast plans; the state is handed to ctx by the caller.
Status PrepareShapes(KernelContext& ctx, ElementwiseState* state) {
  const ir::Tensor& a = ctx.input(0);
  const ir::Tensor& b = ctx.input(1);
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  const ir::Tensor& out = ctx.output(0);
  state->ref_plan = ref::MakeBroadcastPlan(a.shape, b.shape, out.shape);
  state->opt_plan = opt::CollapseBroadcastPlan(state->ref_plan);
  return Status::Ok();
}

template <BinaryOp kOp>
Status Prepare(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckIo(ctx));
  auto state = std::make_unique<ElementwiseState>();
  state->op = kOp;
  VKD_RETURN_IF_ERROR(PrepareShapes(ctx, state.get()));
  ir::Activation activation = ir::Activation::kNone;
  if constexpr (HasActivation(kOp)) {
    activation = ctx.options<ir::ElementwiseOptions>().activation;
    VKD_RETURN_IF_ERROR(CheckFusedActivation(activation));
  }
  GetActivationRange(activation, &state->min_f, &state->max_f);
  GetActivationRangeInt32(activation, &state->min_i, &state->max_i);

  const DataType type = ctx.input(0).type;
  const bool is_16 = type == DataType::kInt16;
  if (type == DataType::kFloat32) {
    state->path = Path::kFloatOrInt32;
  } else if (type == DataType::kInt32) {
    state->path = kOp == BinaryOp::kDiv ? Path::kIntDiv : Path::kFloatOrInt32;
  } else if ((Is8Bit(type) || is_16) && (kOp == BinaryOp::kAdd || kOp == BinaryOp::kSub)) {
    VKD_RETURN_IF_ERROR(PrepareQuantizedAdd(ctx, kOp == BinaryOp::kSub, activation, state.get()));
  } else if ((Is8Bit(type) || is_16) && kOp == BinaryOp::kMul) {
    VKD_RETURN_IF_ERROR(PrepareQuantizedMul(ctx, activation, state.get()));
  } else if ((Is8Bit(type) || is_16) && kOp == BinaryOp::kMaximum) {
    state->path = Path::kMaximum;
  } else if ((Is8Bit(type) || is_16) && kOp == BinaryOp::kMinimum) {
    state->path = Path::kMinimum;
  } else {
    return UnsupportedType("input 0", type);
  }
  ctx.state() = std::move(state);
  return Status::Ok();
}

// FLOOR_DIV, FLOOR_MOD: float32 and int32, no activation.
template <Path kPath>
Status PrepareFloor(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckIo(ctx));
  const DataType type = ctx.input(0).type;
  if (type != DataType::kFloat32 && type != DataType::kInt32) {
    return UnsupportedType("input 0", type);
  }
  auto state = std::make_unique<ElementwiseState>();
  state->path = kPath;
  VKD_RETURN_IF_ERROR(PrepareShapes(ctx, state.get()));
  ctx.state() = std::move(state);
  return Status::Ok();
}

// Applies `f` over the broadcast with the reference or the optimized driver.
template <typename T, typename F>
void RunFunctor(KernelContext& ctx, const ElementwiseState& s, const F& f) {
  const T* a = ctx.input_data<T>(0);
  const T* b = ctx.input_data<T>(1);
  T* out = ctx.output_data<T>(0);
  if (ctx.use_reference()) {
    ref::BroadcastBinary6D(s.ref_plan, a, b, out, f);
  } else {
    opt::BroadcastBinary(s.opt_plan, a, b, out, f, ctx.pool());
  }
}

template <typename T>
void EvalTyped(KernelContext& ctx, const ElementwiseState& s, T lo, T hi) {
  const T* a = ctx.input_data<T>(0);
  const T* b = ctx.input_data<T>(1);
  T* out = ctx.output_data<T>(0);
  if (ctx.use_reference()) {
    ref::BinaryElementwise<T>(s.op, s.ref_plan, a, b, out, lo, hi);
  } else {
    opt::BinaryElementwise<T>(s.op, s.opt_plan, a, b, out, lo, hi, ctx.pool());
  }
}

// The per-type paths of the quantized ops.
template <typename T>
Status EvalQuantized(KernelContext& ctx, const ElementwiseState& s) {
  switch (s.path) {
    case Path::kQuantizedAdd:
      if constexpr (!std::is_same_v<T, int16_t>) {
        if (!ctx.use_reference()) {
          opt::QuantizedAdd(s.opt_plan, s.add, ctx.input_data<T>(0), ctx.input_data<T>(1),
                            ctx.output_data<T>(0), ctx.pool());
          return Status::Ok();
        }
      }
      RunFunctor<T>(ctx, s, ref::QuantizedAddFn<T>{s.add});
      return Status::Ok();
    case Path::kQuantizedMul:
      RunFunctor<T>(ctx, s, ref::QuantizedMulFn<T>{s.mul});
      return Status::Ok();
    case Path::kMaximum:
      RunFunctor<T>(ctx, s, ref::MaxMinFn<T, true>{});
      return Status::Ok();
    case Path::kMinimum:
      RunFunctor<T>(ctx, s, ref::MaxMinFn<T, false>{});
      return Status::Ok();
    case Path::kQuantizedAddPot:
      if constexpr (std::is_same_v<T, int16_t>) {
        RunFunctor<T>(ctx, s, ref::QuantizedAddPotFn{s.add_pot});
        return Status::Ok();
      }
      break;
    default:
      break;
  }
  return InternalError("elementwise: path and type changed after Prepare");
}

// TFLite checks integer divisors before dividing and fails the invoke.
Status CheckNoZeroDivisor(KernelContext& ctx) {
  const int32_t* b = ctx.input_data<int32_t>(1);
  const int64_t n = ctx.input(1).num_elements();
  bool any_zero = false;
  for (int64_t i = 0; i < n; ++i) any_zero |= b[i] == 0;
  if (any_zero) return InvalidArgumentError("input 1: integer division by zero");
  return Status::Ok();
}

Status Eval(KernelContext& ctx) {
  const auto& s = *ctx.state_as<ElementwiseState>();
  const DataType type = ctx.input(0).type;
  switch (s.path) {
    case Path::kFloatOrInt32:
      if (type == DataType::kFloat32) {
        EvalTyped<float>(ctx, s, s.min_f, s.max_f);
      } else {
        EvalTyped<int32_t>(ctx, s, s.min_i, s.max_i);
      }
      return Status::Ok();
    case Path::kIntDiv:
      VKD_RETURN_IF_ERROR(CheckNoZeroDivisor(ctx));
      RunFunctor<int32_t>(ctx, s, ref::IntDivFn{s.min_i, s.max_i});
      return Status::Ok();
    case Path::kFloorDiv:
      if (type == DataType::kFloat32) {
        RunFunctor<float>(ctx, s, ref::FloorDivFn<float>{});
      } else {
        VKD_RETURN_IF_ERROR(CheckNoZeroDivisor(ctx));
        RunFunctor<int32_t>(ctx, s, ref::FloorDivFn<int32_t>{});
      }
      return Status::Ok();
    case Path::kFloorMod:
      if (type == DataType::kFloat32) {
        RunFunctor<float>(ctx, s, ref::FloorModFn<float>{});
      } else {
        VKD_RETURN_IF_ERROR(CheckNoZeroDivisor(ctx));
        RunFunctor<int32_t>(ctx, s, ref::FloorModFn<int32_t>{});
      }
      return Status::Ok();
    default:
      break;
  }
  switch (type) {
    case DataType::kInt8:
      return EvalQuantized<int8_t>(ctx, s);
    case DataType::kUInt8:
      return EvalQuantized<uint8_t>(ctx, s);
    case DataType::kInt16:
      return EvalQuantized<int16_t>(ctx, s);
    default:
      return InternalError("elementwise: input type changed after Prepare");
  }
}

}  // namespace

void RegisterElementwiseKernels(KernelTable& table) {
  table.Add(ir::OpType::kAdd, {Prepare<BinaryOp::kAdd>, Eval});
  table.Add(ir::OpType::kSub, {Prepare<BinaryOp::kSub>, Eval});
  table.Add(ir::OpType::kMul, {Prepare<BinaryOp::kMul>, Eval});
  table.Add(ir::OpType::kDiv, {Prepare<BinaryOp::kDiv>, Eval});
  table.Add(ir::OpType::kMaximum, {Prepare<BinaryOp::kMaximum>, Eval});
  table.Add(ir::OpType::kMinimum, {Prepare<BinaryOp::kMinimum>, Eval});
  table.Add(ir::OpType::kSquaredDifference, {Prepare<BinaryOp::kSquaredDifference>, Eval});
  table.Add(ir::OpType::kFloorDiv, {PrepareFloor<Path::kFloorDiv>, Eval});
  table.Add(ir::OpType::kFloorMod, {PrepareFloor<Path::kFloorMod>, Eval});
}

}  // namespace vkd::cpu
