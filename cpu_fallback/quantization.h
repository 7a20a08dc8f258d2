// The integer arithmetic of TFLite 2.9's quantized kernels, shared by every
// int8/uint8/int16 kernel so that they round exactly as TFLite does.
//
// A real multiplier M (say in_scale * filter_scale / out_scale) is stored as a
// Q31 fixed-point `multiplier` in [2^30, 2^31) and a power-of-two `shift`:
//   M ~= multiplier * 2^(shift - 31).
// Applying it is a saturating, rounding doubling high multiply followed by a
// rounding right shift (gemmlowp's SaturatingRoundingDoublingHighMul and
// RoundingDivideByPOT). TFLite 2.9 is built without TFLITE_SINGLE_ROUNDING, so
// the double-rounding form below is the one to match, bit for bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "common/status.h"
#include "ops/saturating_cast.h"
#include "model/ir/graph.h"
#include "model/ir/op_options.h"

namespace vkd::cpu {

// --- fixed-point primitives (gemmlowp) -------------------------------------------------------

// round(a * b / 2^31), saturating the one overflowing case (INT32_MIN^2).
inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  // Division, not a shift: gemmlowp rounds toward zero here on purpose.
  const int32_t high = static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

// x / 2^exponent, rounding half away from zero. exponent in [0, 31].
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * M for a multiplier of any magnitude (TFLite's MultiplyByQuantizedMultiplier).
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return RoundingDivideByPOT(
      SaturatingRoundingDoublingHighMul(
          static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift), multiplier),
      right_shift);
}

// x * M for M < 1 (shift <= 0), as the uint8 kernels call it.
inline int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier,
                                                              int shift) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

// x * M for M >= 1 (shift >= 0).
inline int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier,
                                                           int shift) {
  return SaturatingRoundingDoublingHighMul(static_cast<int32_t>(static_cast<uint32_t>(x) << shift),
                                           multiplier);
}

// The int64 form the int16 kernels use (TFLite's MultiplyByQuantizedMultiplier
// for int64_t input): the Q31 multiplier rounded to Q15 (saturating at
// 0x7FFF), then one rounding shift. x must lie in [-2^47, 2^47).
inline int32_t MultiplyByQuantizedMultiplier64(int64_t x, int32_t multiplier, int shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - shift;
  x = x * static_cast<int64_t>(reduced) + (int64_t{1} << (total_shift - 1));
  return static_cast<int32_t>(x >> total_shift);
}

// --- multipliers -----------------------------------------------------------------------------

struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
  int32_t Apply(int32_t x) const { return MultiplyByQuantizedMultiplier(x, multiplier, shift); }
};

// TFLite's QuantizeMultiplier: frexp, then the mantissa rounded to Q31.
inline QuantizedMultiplier QuantizeMultiplier(double real_multiplier) {
  QuantizedMultiplier q;
  if (real_multiplier == 0.0) return q;
  if (!std::isfinite(real_multiplier)) {  // see the saturation below
    q.shift = 30;
    q.multiplier = static_cast<int32_t>((1LL << 31) - 1);
    return q;
  }
  const double mantissa = std::frexp(real_multiplier, &q.shift);
  int64_t fixed = static_cast<int64_t>(std::round(mantissa * static_cast<double>(1LL << 31)));
  if (fixed == (1LL << 31)) {
    fixed /= 2;
    ++q.shift;
  }
  if (q.shift < -31) {  // too small to represent: TFLite flushes it to zero
    q.shift = 0;
    fixed = 0;
  }
  // Too large to represent (a hostile model's scale ratio of 2^60, or NaN /
  // inf): saturate as newer TFLite does, rather than shift an int32 by 65
  // later (found by fuzz_model under UBSan). No valid model comes near.
  if (q.shift > 30) {
    q.shift = 30;
    fixed = (1LL << 31) - 1;
  }
  q.multiplier = static_cast<int32_t>(fixed);
  return q;
}

// --- tensor parameters -----------------------------------------------------------------------

// The representable range of a quantized storage type.
inline int32_t QuantizedMin(ir::DataType t) {
  switch (t) {
    case ir::DataType::kUInt8:
      return 0;
    case ir::DataType::kInt8:
      return -128;
    case ir::DataType::kInt16:
      return -32768;
    default:
      return std::numeric_limits<int32_t>::min();
  }
}
inline int32_t QuantizedMax(ir::DataType t) {
  switch (t) {
    case ir::DataType::kUInt8:
      return 255;
    case ir::DataType::kInt8:
      return 127;
    case ir::DataType::kInt16:
      return 32767;
    default:
      return std::numeric_limits<int32_t>::max();
  }
}

// A per-tensor scale and zero point, as TFLite's TfLiteQuantizationParams.
struct QuantParams {
  float scale = 0;
  int32_t zero_point = 0;
};

// The per-tensor parameters of `t`; an error naming `what` when it has none
// (a quantized activation without parameters is a malformed model).
inline Status GetQuantParams(const ir::Tensor& t, const char* what, QuantParams* out) {
  if (t.quant.empty() || t.quant.zero_point.empty()) {
    return InvalidArgumentError(std::string(what) + ": " + ir::DataTypeName(t.type) +
                                " without quantization parameters");
  }
  if (!(t.quant.scale[0] > 0) || !std::isfinite(t.quant.scale[0])) {
    return InvalidArgumentError(std::string(what) + ": quantization scale " +
                                std::to_string(t.quant.scale[0]) + " is not positive");
  }
  out->scale = t.quant.scale[0];
  out->zero_point = static_cast<int32_t>(t.quant.zero_point[0]);
  return Status::Ok();
}

// TFLite's CalculateActivationRangeQuantized: the fused activation as clamp
// bounds in the output's quantized domain. Like TFLite, TANH and SIGN_BIT
// give the full range (no activation).
inline void GetQuantizedActivationRange(ir::Activation activation, ir::DataType type,
                                        const QuantParams& out, int32_t* act_min,
                                        int32_t* act_max) {
  const int32_t qmin = QuantizedMin(type);
  const int32_t qmax = QuantizedMax(type);
  auto quantize = [&](float f) {
    return out.zero_point + ops::SaturatingInt32(std::round(f / out.scale));
  };
  *act_min = qmin;
  *act_max = qmax;
  switch (activation) {
    case ir::Activation::kRelu:
      *act_min = std::max(qmin, quantize(0.0f));
      break;
    case ir::Activation::kRelu6:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = std::min(qmax, quantize(6.0f));
      break;
    case ir::Activation::kReluN1To1:
      *act_min = std::max(qmin, quantize(-1.0f));
      *act_max = std::min(qmax, quantize(1.0f));
      break;
    default:
      break;
  }
}

}  // namespace vkd::cpu
