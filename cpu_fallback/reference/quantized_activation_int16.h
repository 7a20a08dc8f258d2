// int16 LOGISTIC and TANH (symmetric, zero point 0; output scale 2^-15), as
// TFLite 2.9's builtin kernels compute them. Prepare picks one of two forms:
//  - power-of-two input scale 2^-12 (TANH also 2^-11): gemmlowp's fixed-point
//    logistic/tanh on the raw value read as Q3.12 (optimized_ops' int16 path);
//  - any other scale: reference_integer_ops' interpolated 256-entry sigmoid
//    table, the input first rescaled to 1 / (3 * 4096) by an integer
//    multiplier and a right shift (TANH uses tanh(x) = 2 sigmoid(2x) - 1).
#pragma once

#include <cstdint>

#include "cpu_fallback/quantization.h"

namespace vkd::ref {

struct Int16ActivationParams {
  // 0: the power-of-two form; otherwise the table form's multiplier.
  int32_t input_multiplier = 0;
  // POT form: 0, or 1 for TANH at scale 2^-11 (a saturating doubling first).
  // Table form: the right shift applied after the multiplier.
  int input_left_shift = 0;
};

// Prepare's part, TFLite's Sigmoid/TanhPrepare: an error (naming the tensor)
// for a non-zero zero point or an output scale other than 2^-15.
Status MakeInt16ActivationParams(bool tanh, const cpu::QuantParams& in, const cpu::QuantParams& out,
                                 Int16ActivationParams* p);

void LogisticInt16(const Int16ActivationParams& p, const int16_t* in, int16_t* out, int64_t n);
void TanhInt16(const Int16ActivationParams& p, const int16_t* in, int16_t* out, int64_t n);

}  // namespace vkd::ref
