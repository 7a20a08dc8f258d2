// Optimized QUANTIZE: float -> int8/uint8/int16 (ref::AffineQuantize, bit-exact
// with it on x86) and requantizing between int8/uint8/int16 (ref::Requantize,
// bit-exact), 16 lanes at a time with AVX-512. Other builds run the reference.
#pragma once

#include <cstdint>

#include "cpu_fallback/reference/quantize.h"

namespace vkd::opt {

// T int8_t, uint8_t or int16_t.
template <typename T>
void AffineQuantize(const float* in, T* out, int64_t n, float scale, int32_t zero_point);

// TIn and TOut int8_t, uint8_t or int16_t.
template <typename TIn, typename TOut>
void Requantize(const ref::RequantizeParams& p, const TIn* in, TOut* out, int64_t n);

}  // namespace vkd::opt
