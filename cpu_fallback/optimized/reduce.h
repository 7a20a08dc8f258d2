// MEAN and SUM, fast form. Collapses the input to [outer, reduced, inner]
// when the reduced axes are one contiguous run (after dropping size-1
// dimensions): NHWC axes {1,2}, a last axis, a leading axis. Then each output
// element sums the same inputs in the same order as reference/reduce.h, so
// results are bit-identical, with the inner loop vectorized and outputs
// split across threads. Other axis sets run the reference loop.
#pragma once

#include "cpu_fallback/reference/reduce.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

// The [outer, reduced, inner] form of `p`, when it has one.
struct ReduceRun {
  bool ok = false;
  int64_t outer = 1, reduced = 1, inner = 1;
};
ReduceRun CollapseReduce(const ref::ReduceParams& p);

void ReduceSum(const ref::ReduceParams& p, const ReduceRun& run, const float* in, float* out,
               cpu::ThreadPool& pool);
void ReduceMean(const ref::ReduceParams& p, const ReduceRun& run, const float* in, float* out,
                cpu::ThreadPool& pool);

// int8/uint8 sums, same values as ref::ReduceSumQuantized (integer sums are
// order-independent); the collapsed form runs the inner dimension as a
// vector loop.
template <typename T>
void ReduceSumQuantized(const ref::ReduceParams& p, const ReduceRun& run, const T* in,
                        int32_t* sums);

}  // namespace vkd::opt
