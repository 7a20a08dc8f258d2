// AVERAGE_POOL_2D and MAX_POOL_2D, float and int8/uint8, over output rows
// split across the thread pool; the window clipping is reference/pool.h's.
#include "cpu_fallback/optimized/pool.h"

#include <algorithm>
#include <limits>

#include "cpu_fallback/activation.h"

namespace vkd::opt {
namespace {

// Splits the batch * out_h output rows of a pool over the thread pool and
// calls rows(begin, end) on each chunk. A chunk should carry ~32K
// multiply-adds before it is worth a worker.
template <typename Rows>
void ParallelRows(const ref::Pool2DParams& p, cpu::ThreadPool& pool, Rows rows) {
  const int64_t num_rows = static_cast<int64_t>(p.batch) * p.out_h;
  const int64_t work_per_row =
      std::max<int64_t>(1, static_cast<int64_t>(p.out_w) * p.channels * p.filter_h * p.filter_w);
  const int64_t min_rows = std::max<int64_t>(1, 32768 / work_per_row);
  pool.ParallelFor(num_rows, min_rows, rows);
}

template <typename T>
struct Job {
  const ref::Pool2DParams* p;
  const T* in;
  T* out;
};

// Calls pixel(b, out_pixel, y0, y1, x0, x1) for every output pixel of rows
// [begin, end) of batch * out_h: its batch, its index in the output (in
// pixels) and the input rows [y0, y1) and columns [x0, x1) of its window.
// The float and quantized row kernels both walk their rows with it; `pixel`
// is inlined.
template <typename Pixel>
inline void ForEachPixel(const ref::Pool2DParams& p, int64_t begin, int64_t end, Pixel pixel) {
  for (int64_t row = begin; row < end; ++row) {
    const int b = static_cast<int>(row / p.out_h);
    const int out_y = static_cast<int>(row % p.out_h);
    const auto [y0, y1] = ref::ClippedPoolSpan(out_y, p.stride_h, p.pad_h, p.filter_h, p.in_h);
    for (int out_x = 0; out_x < p.out_w; ++out_x) {
      const auto [x0, x1] = ref::ClippedPoolSpan(out_x, p.stride_w, p.pad_w, p.filter_w, p.in_w);
      pixel(b, row * p.out_w + out_x, y0, y1, x0, x1);
    }
  }
}

// Output rows [begin, end) of batch * out_h; the output pixel doubles as the
// accumulator, so nothing is allocated.
template <bool kAverage>
void PoolRows(const Job<float>& job, int64_t begin, int64_t end) {
  const ref::Pool2DParams& p = *job.p;
  const int c_count = p.channels;
  ForEachPixel(p, begin, end, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    float* acc = job.out + out_pixel * c_count;
    const float init = kAverage ? 0.0f : std::numeric_limits<float>::lowest();
    std::fill(acc, acc + c_count, init);
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        const float* tap = job.in + ((static_cast<int64_t>(b) * p.in_h + y) * p.in_w + x) * c_count;
        if (kAverage) {
          for (int c = 0; c < c_count; ++c) acc[c] += tap[c];
        } else {
          for (int c = 0; c < c_count; ++c) acc[c] = std::max(acc[c], tap[c]);
        }
      }
    }
    const float lo = p.act_min, hi = p.act_max;
    if (kAverage) {
      const int count = (y1 - y0) * (x1 - x0);
      const float divisor = static_cast<float>(count > 0 ? count : 1);
      for (int c = 0; c < c_count; ++c) acc[c] = cpu::ClampActivation(acc[c] / divisor, lo, hi);
    } else {
      for (int c = 0; c < c_count; ++c) acc[c] = cpu::ClampActivation(acc[c], lo, hi);
    }
  });
}

template <bool kAverage>
void Run(const ref::Pool2DParams& p, const float* in, float* out, cpu::ThreadPool& pool) {
  const Job<float> job{&p, in, out};
  ParallelRows(p, pool, [&job](int64_t b, int64_t e) { PoolRows<kAverage>(job, b, e); });
}

}  // namespace

void AveragePool(const ref::Pool2DParams& p, const float* in, float* out, cpu::ThreadPool& pool) {
  Run<true>(p, in, out, pool);
}

void MaxPool(const ref::Pool2DParams& p, const float* in, float* out, cpu::ThreadPool& pool) {
  Run<false>(p, in, out, pool);
}

}  // namespace vkd::opt

namespace vkd::opt {
namespace {

// Channels per accumulator tranche: 1 KiB of int32 on the stack.
constexpr int kTranche = 256;

template <bool kAverage, typename T>
void PoolRowsQuantized(const Job<T>& job, int64_t begin, int64_t end) {
  const ref::Pool2DParams& p = *job.p;
  const int c_count = p.channels;
  const int32_t lo = p.q_act_min, hi = p.q_act_max;
  int32_t acc[kTranche];
  ForEachPixel(p, begin, end, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    const int32_t count = (y1 - y0) * (x1 - x0);
    T* out = job.out + out_pixel * c_count;
    for (int c0 = 0; c0 < c_count; c0 += kTranche) {
      const int n = std::min(kTranche, c_count - c0);
      const int32_t init = kAverage ? 0 : std::numeric_limits<T>::lowest();
      for (int c = 0; c < n; ++c) acc[c] = init;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const T* tap =
              job.in + ((static_cast<int64_t>(b) * p.in_h + y) * p.in_w + x) * c_count + c0;
          if (kAverage) {
            for (int c = 0; c < n; ++c) acc[c] += tap[c];
          } else {
            for (int c = 0; c < n; ++c) acc[c] = std::max<int32_t>(acc[c], tap[c]);
          }
        }
      }
      if (kAverage) {
        for (int c = 0; c < n; ++c) {
          const int32_t v = count > 0 ? ref::RoundedAverage(acc[c], count) : 0;
          out[c0 + c] = static_cast<T>(std::min(std::max(v, lo), hi));
        }
      } else {
        for (int c = 0; c < n; ++c)
          out[c0 + c] = static_cast<T>(std::min(std::max(acc[c], lo), hi));
      }
    }
  });
}

template <bool kAverage, typename T>
void RunQuantized(const ref::Pool2DParams& p, const T* in, T* out, cpu::ThreadPool& pool) {
  const Job<T> job{&p, in, out};
  ParallelRows(p, pool,
               [&job](int64_t b, int64_t e) { PoolRowsQuantized<kAverage, T>(job, b, e); });
}

}  // namespace

template <typename T>
void AveragePoolQuantized(const ref::Pool2DParams& p, const T* in, T* out, cpu::ThreadPool& pool) {
  RunQuantized<true>(p, in, out, pool);
}

template <typename T>
void MaxPoolQuantized(const ref::Pool2DParams& p, const T* in, T* out, cpu::ThreadPool& pool) {
  RunQuantized<false>(p, in, out, pool);
}

template void AveragePoolQuantized<int8_t>(const ref::Pool2DParams&, const int8_t*, int8_t*,
                                           cpu::ThreadPool&);
template void AveragePoolQuantized<uint8_t>(const ref::Pool2DParams&, const uint8_t*, uint8_t*,
                                            cpu::ThreadPool&);
template void MaxPoolQuantized<int8_t>(const ref::Pool2DParams&, const int8_t*, int8_t*,
                                       cpu::ThreadPool&);
template void MaxPoolQuantized<uint8_t>(const ref::Pool2DParams&, const uint8_t*, uint8_t*,
                                        cpu::ThreadPool&);

}  // namespace vkd::opt
