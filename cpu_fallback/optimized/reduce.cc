#include "cpu_fallback/optimized/reduce.h"

#include <algorithm>

namespace vkd::opt {

ReduceRun CollapseReduce(const ref::ReduceParams& p) {
  // Groups of neighbouring dimensions with the same reduced flag, size-1
  // dimensions ignored (they change no index).
  int64_t sizes[ref::kMaxReduceRank];
  bool flags[ref::kMaxReduceRank];
  int groups = 0;
  for (int d = 0; d < p.rank; ++d) {
    if (p.dims[d] == 1) continue;
    if (groups > 0 && flags[groups - 1] == p.reduced[d]) {
      sizes[groups - 1] *= p.dims[d];
    } else {
      sizes[groups] = p.dims[d];
      flags[groups] = p.reduced[d];
      ++groups;
    }
  }
  ReduceRun run;
  int reduced_groups = 0;
  for (int g = 0; g < groups; ++g) {
    if (!flags[g]) continue;
    ++reduced_groups;
    run.reduced = sizes[g];
    for (int k = 0; k < g; ++k) run.outer *= sizes[k];
    for (int k = g + 1; k < groups; ++k) run.inner *= sizes[k];
  }
  if (reduced_groups == 0) {  // nothing to reduce: a copy (or a sum of one element)
    run.outer = 1;
    for (int g = 0; g < groups; ++g) run.outer *= sizes[g];
  }
  run.ok = reduced_groups <= 1;
  return run;
}

namespace {

struct Job {
  const ReduceRun* run;
  const float* in;
  float* out;
  bool mean;
  float divisor;  // MEAN: the number of reduced elements
};

// Output elements [begin, end) of outer * inner.
void SumRange(const Job& job, int64_t begin, int64_t end) {
  const int64_t inner = job.run->inner;
  const int64_t reduced = job.run->reduced;
  while (begin < end) {
    const int64_t o = begin / inner;
    const int64_t i0 = begin % inner;
    const int64_t len = std::min(inner - i0, end - begin);
    float* out = job.out + begin;
    const float* in = job.in + o * reduced * inner + i0;
    if (inner == 1) {
      // A contiguous row: sequential adds, the order the reference uses.
      float sum = 0.0f;
      for (int64_t r = 0; r < reduced; ++r) sum += in[r];
      out[0] = sum;
    } else {
      for (int64_t i = 0; i < len; ++i) out[i] = 0.0f;
      for (int64_t r = 0; r < reduced; ++r) {
        const float* row = in + r * inner;
        for (int64_t i = 0; i < len; ++i) out[i] += row[i];
      }
    }
    if (job.mean) {
      for (int64_t i = 0; i < len; ++i) out[i] = out[i] / job.divisor;
    }
    begin += len;
  }
}

void Run(const ReduceRun& run, const float* in, float* out, bool mean, float divisor,
         cpu::ThreadPool& pool) {
  const Job job{&run, in, out, mean, divisor};
  const int64_t outputs = run.outer * run.inner;
  const int64_t min_outputs = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, run.reduced));
  pool.ParallelFor(outputs, min_outputs, [&job](int64_t b, int64_t e) { SumRange(job, b, e); });
}

}  // namespace

void ReduceSum(const ref::ReduceParams& p, const ReduceRun& run, const float* in, float* out,
               cpu::ThreadPool& pool) {
  if (!run.ok) return ref::ReduceSum(p, in, out);
  Run(run, in, out, /*mean=*/false, 1.0f, pool);
}

void ReduceMean(const ref::ReduceParams& p, const ReduceRun& run, const float* in, float* out,
                cpu::ThreadPool& pool) {
  if (!run.ok) return ref::ReduceMean(p, in, out);
  Run(run, in, out, /*mean=*/true, static_cast<float>(ref::ReducedCount(p)), pool);
}

template <typename T>
void ReduceSumQuantized(const ref::ReduceParams& p, const ReduceRun& run, const T* in,
                        int32_t* sums) {
  if (!run.ok) return ref::ReduceSumQuantized(p, in, sums);
  const int64_t inner = run.inner, reduced = run.reduced;
  for (int64_t o = 0; o < run.outer; ++o) {
    int32_t* out = sums + o * inner;
    std::fill(out, out + inner, 0);
    const T* block = in + o * reduced * inner;
    for (int64_t r = 0; r < reduced; ++r) {
      const T* row = block + r * inner;
      for (int64_t i = 0; i < inner; ++i) out[i] += row[i];
    }
  }
}

template void ReduceSumQuantized<int8_t>(const ref::ReduceParams&, const ReduceRun&, const int8_t*,
                                         int32_t*);
template void ReduceSumQuantized<uint8_t>(const ref::ReduceParams&, const ReduceRun&,
                                          const uint8_t*, int32_t*);

}  // namespace vkd::opt
