// Standalone activations of int8/uint8 tensors, as TFLite 2.9's builtin
// kernels (kGenericOptimized) compute them:
//  - LOGISTIC, TANH: a 256-entry table built in float at Prepare
//    (dequantize, apply the function, requantize with std::round), so the
//    result is whatever that float pipeline gives, not TFLite's fixed-point
//    reference kernels (which differ by an LSB here and there).
//  - RELU, RELU6, RELU_N1_TO_1: requantize by in_scale / out_scale, then clamp.
//  - LEAKY_RELU: requantize by in_scale / out_scale or alpha * in_scale / out_scale.
//  - HARD_SWISH: TFLite's 16-bit fixed-point formula (reference_ops::HardSwish).
#pragma once

#include <cstdint>

#include "cpu_fallback/quantization.h"

namespace vkd::ref {

// --- lookup tables (LOGISTIC, TANH) ----------------------------------------------------------

// table[uint8(q)] = the output for input q, for every q of T (int8_t or uint8_t).
template <typename T>
void PopulateLookupTable(const cpu::QuantParams& in, const cpu::QuantParams& out,
                         float (*fn)(float), uint8_t table[256]);

// out[i] = table[uint8(in[i])], T int8_t or uint8_t.
template <typename T>
inline void LookupTable(const uint8_t table[256], const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    out[i] = static_cast<T>(table[static_cast<uint8_t>(in[i])]);
  }
}

// --- RELU, RELU6, RELU_N1_TO_1 ---------------------------------------------------------------

struct QuantizedReluParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t multiplier = 0;  // in_scale / out_scale
  int shift = 0;
  int32_t act_min = 0, act_max = 0;  // the clamp bounds on the output scale
};

template <typename T>
inline void QuantizedRelu(const QuantizedReluParams& p, const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = p.output_zero_point +
                      cpu::MultiplyByQuantizedMultiplier(
                          static_cast<int32_t>(in[i]) - p.input_zero_point, p.multiplier, p.shift);
    out[i] = static_cast<T>(v < p.act_min ? p.act_min : (v > p.act_max ? p.act_max : v));
  }
}

// --- LEAKY_RELU ------------------------------------------------------------------------------

struct QuantizedLeakyReluParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int32_t identity_multiplier = 0, alpha_multiplier = 0;
  int identity_shift = 0, alpha_shift = 0;
  int32_t q_min = 0, q_max = 0;  // the output type's range
};

template <typename T>
inline void QuantizedLeakyRelu(const QuantizedLeakyReluParams& p, const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(in[i]) - p.input_zero_point;
    const bool positive = x >= 0;
    const int32_t v =
        p.output_zero_point +
        cpu::MultiplyByQuantizedMultiplier(x, positive ? p.identity_multiplier : p.alpha_multiplier,
                                           positive ? p.identity_shift : p.alpha_shift);
    out[i] = static_cast<T>(v < p.q_min ? p.q_min : (v > p.q_max ? p.q_max : v));
  }
}

// --- HARD_SWISH ------------------------------------------------------------------------------

// x * relu6(x + 3) / 6 in 16-bit fixed point: the input is moved to a
// "high-resolution" scale in_scale / 128 (int16, x << 7); the output factor
// and the [-3, 3] -> [-1, 1] "reluish" factor are int16 Q15 multipliers with
// power-of-two exponents.
struct QuantizedHardSwishParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int16_t output_multiplier = 0;   // Q15, hires_in_scale / out_scale
  int output_exponent = 0;         // <= 0
  int16_t reluish_multiplier = 0;  // Q15, hires_in_scale / (3 / 32768)
  int reluish_exponent = 0;
};

// Prepare's part; an error when the output scale is too small for the
// formula (TFLite requires the output exponent <= 0, too).
Status MakeQuantizedHardSwishParams(const cpu::QuantParams& in, const cpu::QuantParams& out,
                                    QuantizedHardSwishParams* p);

// T int8_t or uint8_t.
template <typename T>
void QuantizedHardSwish(const QuantizedHardSwishParams& p, const T* in, T* out, int64_t n);

}  // namespace vkd::ref
