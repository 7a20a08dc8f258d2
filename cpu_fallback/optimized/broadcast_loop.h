// The fast broadcast driver for binary elementwise functors (the ops of
// reference/quantized_elementwise.h): walks a collapsed plan
// (opt::CollapseBroadcastPlan) with a long contiguous innermost loop per
// operand layout, so GCC vectorizes the functor inline, and splits the output
// across the thread pool. Results equal ref::BroadcastBinary6D's element for
// element (same functor, same operands).
#pragma once

#include <algorithm>
#include <cstdint>

#include "cpu_fallback/reference/elementwise.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

namespace broadcast_internal {

// Three loop shapes rather than one with stride multiplies: each vectorizes
// with the broadcast operand held in a register.
template <typename T, typename TOut, typename F>
inline void InnerLoop(const T* a, int64_t a_stride, const T* b, int64_t b_stride, TOut* out,
                      int64_t n, const F& f) {
  if (a_stride == 1 && b_stride == 1) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (a_stride == 1) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
  } else if (b_stride == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
  } else {
    const TOut v = f(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  }
}

// Output elements [begin, end): whole or partial rows of the innermost
// dimension, each handed to row(a, a_stride, b, b_stride, out, n).
template <typename T, typename TOut, typename Row>
void RunRange(const ref::BroadcastPlan& p, const T* a, const T* b, TOut* out, const Row& row_fn,
              int64_t begin, int64_t end) {
  const int inner = p.rank - 1;
  const int64_t n = p.dims[inner];
  int64_t row = begin / n;
  int64_t col = begin % n;
  while (begin < end) {
    int64_t a_offset = 0, b_offset = 0;
    int64_t rest = row;
    for (int d = inner - 1; d >= 0; --d) {
      const int64_t i = rest % p.dims[d];
      rest /= p.dims[d];
      a_offset += i * p.a_strides[d];
      b_offset += i * p.b_strides[d];
    }
    const int64_t len = std::min(n - col, end - begin);
    row_fn(a + a_offset + col * p.a_strides[inner], p.a_strides[inner],
           b + b_offset + col * p.b_strides[inner], p.b_strides[inner], out + begin, len);
    begin += len;
    ++row;
    col = 0;
  }
}

}  // namespace broadcast_internal

// Applies row(a, a_stride, b, b_stride, out, n) over a collapsed plan, the
// strides (0 or 1) of the innermost dimension, split across the pool. For ops
// with a hand-vectorized row (optimized/quantized_elementwise.h). Does not
// allocate.
template <typename T, typename TOut, typename Row>
void BroadcastBinaryRows(const ref::BroadcastPlan& collapsed, const T* a, const T* b, TOut* out,
                         const Row& row_fn, cpu::ThreadPool& pool) {
  int64_t total = 1;
  for (int d = 0; d < collapsed.rank; ++d) total *= collapsed.dims[d];
  if (total == 0) return;
  // ~16K elements per chunk: below that, waking a worker costs more than it saves.
  constexpr int64_t kMinChunk = 16384;
  if (total <= kMinChunk || pool.num_threads() <= 1) {
    broadcast_internal::RunRange(collapsed, a, b, out, row_fn, 0, total);
    return;
  }
  // The closure holds one pointer, so std::function stores it without allocating.
  struct Job {
    const ref::BroadcastPlan* plan;
    const T* a;
    const T* b;
    TOut* out;
    const Row* row_fn;
  };
  const Job job{&collapsed, a, b, out, &row_fn};
  pool.ParallelFor(total, kMinChunk, [&job](int64_t begin, int64_t end) {
    broadcast_internal::RunRange(*job.plan, job.a, job.b, job.out, *job.row_fn, begin, end);
  });
}

// out[i] = f(a[...], b[...]) over a collapsed plan. Does not allocate.
template <typename T, typename TOut, typename F>
void BroadcastBinary(const ref::BroadcastPlan& collapsed, const T* a, const T* b, TOut* out,
                     const F& f, cpu::ThreadPool& pool) {
  BroadcastBinaryRows(
      collapsed, a, b, out,
      [&f](const T* ra, int64_t a_stride, const T* rb, int64_t b_stride, TOut* rout, int64_t n) {
        broadcast_internal::InnerLoop(ra, a_stride, rb, b_stride, rout, n, f);
      },
      pool);
}

}  // namespace vkd::opt
