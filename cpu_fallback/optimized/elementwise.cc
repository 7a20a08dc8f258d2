#include "cpu_fallback/optimized/elementwise.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

namespace vkd::opt {

using ref::BinaryOp;
using ref::BroadcastPlan;

BroadcastPlan CollapseBroadcastPlan(const BroadcastPlan& plan) {
  BroadcastPlan out;
  for (int d = 0; d < plan.rank; ++d) {
    if (plan.dims[d] == 1) continue;  // index 0 only: contributes no offset
    const bool a_bcast = plan.a_strides[d] == 0;
    const bool b_bcast = plan.b_strides[d] == 0;
    if (out.rank > 0 && (out.a_strides[out.rank - 1] == 0) == a_bcast &&
        (out.b_strides[out.rank - 1] == 0) == b_bcast) {
      // Row-major inputs: the outer dimension's stride is the inner one's
      // times its size, so the pair walks like one dimension with the inner stride.
      const int m = out.rank - 1;
      out.dims[m] *= plan.dims[d];
      out.a_strides[m] = plan.a_strides[d];
      out.b_strides[m] = plan.b_strides[d];
      continue;
    }
    out.dims[out.rank] = plan.dims[d];
    out.a_strides[out.rank] = plan.a_strides[d];
    out.b_strides[out.rank] = plan.b_strides[d];
    ++out.rank;
  }
  if (out.rank == 0) {  // a single element
    out.rank = 1;
    out.dims[0] = 1;
  }
  return out;
}

namespace {

// The three shapes of the innermost loop. Separate loops (rather than one
// with stride multiplies) let GCC vectorize each with a broadcast register.
template <BinaryOp kOp, typename T>
void InnerLoop(const T* a, int64_t a_stride, const T* b, int64_t b_stride, T* out, int64_t n, T lo,
               T hi) {
  if (a_stride == 1 && b_stride == 1) {
    for (int64_t i = 0; i < n; ++i) {
      out[i] = ref::ClampToRange(ref::ApplyBinaryOp<kOp>(a[i], b[i]), lo, hi);
    }
  } else if (a_stride == 1) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; ++i) {
      out[i] = ref::ClampToRange(ref::ApplyBinaryOp<kOp>(a[i], bv), lo, hi);
    }
  } else if (b_stride == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; ++i) {
      out[i] = ref::ClampToRange(ref::ApplyBinaryOp<kOp>(av, b[i]), lo, hi);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      out[i] = ref::ClampToRange(ref::ApplyBinaryOp<kOp>(a[0], b[0]), lo, hi);
    }
  }
}

template <typename T>
struct Job {
  const BroadcastPlan* plan;
  const T* a;
  const T* b;
  T* out;
  T lo, hi;
};

// Output elements [begin, end): whole or partial rows of the innermost dimension.
template <BinaryOp kOp, typename T>
void RunRange(const Job<T>& job, int64_t begin, int64_t end) {
  const BroadcastPlan& p = *job.plan;
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
    InnerLoop<kOp>(job.a + a_offset + col * p.a_strides[inner], p.a_strides[inner],
                   job.b + b_offset + col * p.b_strides[inner], p.b_strides[inner], job.out + begin,
                   len, job.lo, job.hi);
    begin += len;
    ++row;
    col = 0;
  }
}

template <BinaryOp kOp, typename T>
void Run(const Job<T>& job, cpu::ThreadPool& pool) {
  int64_t total = 1;
  for (int d = 0; d < job.plan->rank; ++d) total *= job.plan->dims[d];
  if (total == 0) return;
  // ~16K elements per chunk: below that, waking a worker costs more than it saves.
  constexpr int64_t kMinChunk = 16384;
  if (total <= kMinChunk || pool.num_threads() <= 1) {
    RunRange<kOp>(job, 0, total);
    return;
  }
  // The closure holds one reference, so std::function stores it without allocating.
  pool.ParallelFor(total, kMinChunk, [&job](int64_t b, int64_t e) { RunRange<kOp>(job, b, e); });
}

}  // namespace

template <typename T>
void BinaryElementwise(BinaryOp op, const BroadcastPlan& collapsed, const T* a, const T* b, T* out,
                       T act_min, T act_max, cpu::ThreadPool& pool) {
  const Job<T> job{&collapsed, a, b, out, act_min, act_max};
  switch (op) {
    case BinaryOp::kAdd:
      return Run<BinaryOp::kAdd>(job, pool);
    case BinaryOp::kSub:
      return Run<BinaryOp::kSub>(job, pool);
    case BinaryOp::kMul:
      return Run<BinaryOp::kMul>(job, pool);
    case BinaryOp::kMaximum:
      return Run<BinaryOp::kMaximum>(job, pool);
    case BinaryOp::kMinimum:
      return Run<BinaryOp::kMinimum>(job, pool);
    case BinaryOp::kSquaredDifference:
      return Run<BinaryOp::kSquaredDifference>(job, pool);
    case BinaryOp::kDiv:
    case BinaryOp::kPrelu:
      if constexpr (std::is_floating_point_v<T>) {
        if (op == BinaryOp::kDiv) return Run<BinaryOp::kDiv>(job, pool);
        return Run<BinaryOp::kPrelu>(job, pool);
      }
      assert(false && "DIV and PRELU are float only");
      return;
  }
}

template void BinaryElementwise<float>(BinaryOp, const BroadcastPlan&, const float*, const float*,
                                       float*, float, float, cpu::ThreadPool&);
template void BinaryElementwise<int32_t>(BinaryOp, const BroadcastPlan&, const int32_t*,
                                         const int32_t*, int32_t*, int32_t, int32_t,
                                         cpu::ThreadPool&);

}  // namespace vkd::opt
