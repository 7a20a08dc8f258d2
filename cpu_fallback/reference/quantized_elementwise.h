// Binary elementwise ops beyond reference/elementwise.h: quantized ADD, SUB,
// MUL (int8, uint8, int16) and the integer/float ops TFLite implements with
// its generic "binary function" helpers (FLOOR_DIV, FLOOR_MOD, int32 DIV,
// MAXIMUM/MINIMUM of 8-bit tensors), spelled out as TFLite 2.9 computes them.
//
// Each op is a scalar functor (a small struct with operator()) holding the
// per-node constants Prepare computed; one broadcast driver here (6-D, spec
// readable) and one in optimized/broadcast_loop.h (collapsed, vectorizing)
// apply it, so both forms round identically by construction.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/elementwise.h"

namespace vkd::ref {

// --- quantized ADD / SUB ---------------------------------------------------------------------
//
// TFLite's 8-bit ADD: each input, offset by its zero point, is shifted left by
// `left_shift` (20 for 8-bit, 15 for int16) for headroom, then scaled by
// s_i / (2 * max(s1, s2)) (a multiplier below one); the sum is scaled by
// 2 * max(s1, s2) / (2^left_shift * s_out). SUB is the same with input 2's
// multiplier negated (TFLite's sub.cc reuses its ADD kernels that way, so the
// rounding of the negative product is the ADD one, not a negated ADD result).
struct QuantizedAddParams {
  int32_t input1_offset = 0;  // -zero_point of input 1
  int32_t input2_offset = 0;  // -zero_point of input 2
  int32_t output_offset = 0;  // +zero_point of the output
  int left_shift = 20;
  int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
  int input1_shift = 0, input2_shift = 0, output_shift = 0;  // all <= 0
  int32_t act_min = 0, act_max = 0;                          // fused activation, quantized
};

// `negate_input2`: SUB.
QuantizedAddParams MakeQuantizedAddParams(const cpu::QuantParams& in1, const cpu::QuantParams& in2,
                                          const cpu::QuantParams& out, int left_shift,
                                          bool negate_input2, int32_t act_min, int32_t act_max);

template <typename T>
struct QuantizedAddFn {
  QuantizedAddParams p;
  T operator()(T a, T b) const {
    const int32_t shifted1 = (p.input1_offset + static_cast<int32_t>(a)) * (1 << p.left_shift);
    const int32_t shifted2 = (p.input2_offset + static_cast<int32_t>(b)) * (1 << p.left_shift);
    const int32_t scaled1 = cpu::MultiplyByQuantizedMultiplierSmallerThanOneExp(
        shifted1, p.input1_multiplier, p.input1_shift);
    const int32_t scaled2 = cpu::MultiplyByQuantizedMultiplierSmallerThanOneExp(
        shifted2, p.input2_multiplier, p.input2_shift);
    const int32_t raw = cpu::MultiplyByQuantizedMultiplierSmallerThanOneExp(
                            scaled1 + scaled2, p.output_multiplier, p.output_shift) +
                        p.output_offset;
    return static_cast<T>(ClampToRange(raw, p.act_min, p.act_max));
  }
};

// int16 ADD/SUB with pot_scale_int16 (TFLite's LSTM-oriented path): zero
// points 0 and power-of-two scales, so each input is only rounded right by
// its scale's exponent difference to the output's, then added with int16
// saturation.
struct QuantizedAddPotParams {
  int input1_shift = 0, input2_shift = 0;  // right shifts, >= 0
  bool negate_input2 = false;              // SUB
  int32_t act_min = 0, act_max = 0;
};

struct QuantizedAddPotFn {
  QuantizedAddPotParams p;
  int16_t operator()(int16_t a, int16_t b) const {
    const int32_t x = cpu::RoundingDivideByPOT(a, p.input1_shift);
    int32_t y = cpu::RoundingDivideByPOT(b, p.input2_shift);
    if (p.negate_input2) y = -y;
    const int32_t sum = ClampToRange<int32_t>(x + y, -32768, 32767);  // gemmlowp SaturatingAdd
    return static_cast<int16_t>(ClampToRange(sum, p.act_min, p.act_max));
  }
};

// --- quantized MUL ---------------------------------------------------------------------------
//
// out = zp_out + (a - zp1) * (b - zp2) * (s1 * s2 / s_out), the product exact in
// int32 and the real multiplier applied once.
struct QuantizedMulParams {
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int32_t output_multiplier = 0;
  int output_shift = 0;
  int32_t act_min = 0, act_max = 0;
};

template <typename T>
struct QuantizedMulFn {
  QuantizedMulParams p;
  T operator()(T a, T b) const {
    const int32_t product =
        (p.input1_offset + static_cast<int32_t>(a)) * (p.input2_offset + static_cast<int32_t>(b));
    const int32_t raw = p.output_offset + cpu::MultiplyByQuantizedMultiplier(
                                              product, p.output_multiplier, p.output_shift);
    return static_cast<T>(ClampToRange(raw, p.act_min, p.act_max));
  }
};

// --- integer and float "binary function" ops -------------------------------------------------

// FLOOR_DIV. TFLite computes floor(double(a) / double(b)) for every type. For
// float that is not floor(a / b) in float (a quotient just below an integer
// can round up to it in float), so the double form is kept. For int32 it
// equals integer floor division exactly (both operands fit a double's
// mantissa), which avoids the conversions. int32 divisors are checked nonzero
// before (TFLite errors out).
template <typename T>
struct FloorDivFn {
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      return static_cast<T>(std::floor(static_cast<double>(a) / static_cast<double>(b)));
    } else {
      // INT32_MIN / -1 overflows; TFLite's double form gives 2^31, which its
      // cast to int32 turns into INT32_MIN on x86. Same here.
      if (b == -1) return static_cast<T>(0u - static_cast<uint32_t>(a));
      const T q = a / b;
      return (a % b != 0 && ((a < 0) != (b < 0))) ? static_cast<T>(q - 1) : q;
    }
  }
};

// FLOOR_MOD: the remainder with the divisor's sign (TFLite: truncated
// remainder, plus the divisor when the signs differ).
template <typename T>
struct FloorModFn {
  T operator()(T a, T b) const {
    T trunc_mod;
    if constexpr (std::is_floating_point_v<T>) {
      trunc_mod = std::fmod(a, b);
    } else {
      trunc_mod = b == -1 ? T{0} : static_cast<T>(a % b);  // INT32_MIN % -1 traps on x86
    }
    return (trunc_mod != 0 && ((b < 0) != (trunc_mod < 0))) ? static_cast<T>(trunc_mod + b)
                                                            : trunc_mod;
  }
};

// int32 DIV: C++ division (truncating toward zero), then the fused activation.
struct IntDivFn {
  int32_t act_min, act_max;
  int32_t operator()(int32_t a, int32_t b) const {
    // INT32_MIN / -1: the only overflow; wrap like two's complement.
    const int32_t q = b == -1 ? static_cast<int32_t>(0u - static_cast<uint32_t>(a)) : a / b;
    return ClampToRange(q, act_min, act_max);
  }
};

// MAXIMUM / MINIMUM of any type: TFLite compares stored values, without
// requantizing (its op requires equal input and output parameters in spirit;
// it does not check them).
template <typename T, bool kMax>
struct MaxMinFn {
  T operator()(T a, T b) const {
    if constexpr (kMax) {
      return a > b ? a : b;
    } else {
      return a < b ? a : b;
    }
  }
};

}  // namespace vkd::ref
