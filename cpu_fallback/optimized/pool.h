// AVERAGE_POOL_2D and MAX_POOL_2D, fast form: same results as
// reference/pool.h (same tap order, same division), with the channel loop
// innermost so it vectorizes, and output rows split across the thread pool.
#pragma once

#include "cpu_fallback/reference/pool.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

void AveragePool(const ref::Pool2DParams& p, const float* in, float* out, cpu::ThreadPool& pool);
void MaxPool(const ref::Pool2DParams& p, const float* in, float* out, cpu::ThreadPool& pool);

// int8/uint8: same results as ref::AveragePoolQuantized / MaxPoolQuantized.
// Channels are walked in tranches with a stack accumulator, so Eval needs no
// scratch.
template <typename T>
void AveragePoolQuantized(const ref::Pool2DParams& p, const T* in, T* out, cpu::ThreadPool& pool);
template <typename T>
void MaxPoolQuantized(const ref::Pool2DParams& p, const T* in, T* out, cpu::ThreadPool& pool);

}  // namespace vkd::opt
