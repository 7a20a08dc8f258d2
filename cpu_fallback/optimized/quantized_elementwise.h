// Optimized 8-bit ADD and SUB: the ref::QuantizedAddFn arithmetic on 16 lanes
// at a time (AVX-512), bit-exact with it; a broadcast operand is scaled once
// per row. Builds without AVX-512 apply the scalar functor (same numbers).
#pragma once

#include <cstdint>

#include "cpu_fallback/reference/elementwise.h"
#include "cpu_fallback/reference/quantized_elementwise.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

// `collapsed` as for opt::BroadcastBinary. T = int8_t or uint8_t.
template <typename T>
void QuantizedAdd(const ref::BroadcastPlan& collapsed, const ref::QuantizedAddParams& params,
                  const T* a, const T* b, T* out, cpu::ThreadPool& pool);

}  // namespace vkd::opt
