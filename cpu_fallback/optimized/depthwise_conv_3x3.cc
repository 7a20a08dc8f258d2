#include "cpu_fallback/optimized/depthwise_conv_3x3.h"

#include <algorithm>

#include "cpu_fallback/optimized/cpu_isa.h"

namespace vkd::opt {

namespace {
using RowsFn = void (*)(const ref::ConvGeometry&, const float*, const float*, const float*, float,
                        float, float*, int64_t, int64_t);

RowsFn SelectRows() {
  switch (DetectedCpuIsa()) {
    case CpuIsa::kAvx512:
      return isa_avx512::DepthwiseConv3x3Rows;
    case CpuIsa::kAvx2:
      return isa_avx2::DepthwiseConv3x3Rows;
    case CpuIsa::kPortable:
      break;
  }
  return nullptr;
}

RowsFn Rows() {
  static const RowsFn fn = SelectRows();
  return fn;
}
}  // namespace

bool DepthwiseConv3x3Supported(const ref::ConvGeometry& g) {
  return Rows() != nullptr && g.filter_height == 3 && g.filter_width == 3 &&
         g.dilation_height == 1 && g.dilation_width == 1 && g.output_depth == g.input_depth &&
         g.input_depth >= 8 && g.stride_height >= 1 && g.stride_width >= 1;
}

void DepthwiseConv3x3Float(const ref::ConvGeometry& g, const float* input, const float* filter,
                           const float* bias, float activation_min, float activation_max,
                           float* output, cpu::ThreadPool& pool) {
  const RowsFn rows = Rows();
  const int64_t total = int64_t(g.batches) * g.output_height;
  // About 16K multiply-adds per chunk before a worker is worth waking.
  const int64_t per_row = int64_t(g.output_width) * g.input_depth * 9;
  const int64_t min_rows = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, per_row));
  pool.ParallelFor(total, min_rows, [&](int64_t begin, int64_t end) {
    rows(g, input, filter, bias, activation_min, activation_max, output, begin, end);
  });
}

}  // namespace vkd::opt
