#include "cpu_fallback/optimized/fully_connected.h"

#include <algorithm>
#include <limits>

#include "cpu_fallback/activation.h"

namespace vkd::opt {

namespace {

template <typename T>
PackedWeights PackWeightsImpl(const T* weights, int n, int k) {
  PackedWeights packed;
  packed.n = n;
  packed.k = k;
  packed.data.assign(static_cast<size_t>(packed.num_panels()) * k * kPanelWidth, 0.0f);
  for (int col = 0; col < n; ++col) {
    float* panel = packed.data.data() + static_cast<size_t>(col / kPanelWidth) * k * kPanelWidth;
    const int lane = col % kPanelWidth;
    for (int i = 0; i < k; ++i) {
      panel[static_cast<size_t>(i) * kPanelWidth + lane] =
          static_cast<float>(weights[static_cast<size_t>(col) * k + i]);
    }
  }
  return packed;
}

// acc[r][:] += sum over segments and k of a_r[k] * panel[k][:]. MR is a
// compile-time constant so GCC unrolls the row loop and keeps acc in vector
// registers.
template <int MR>
void MicroKernel(const float* const* a, int segments, int segment_length,
                 const float* __restrict panel, float (&acc)[kTileRows][kPanelWidth]) {
  float block[MR][kPanelWidth];
  for (int r = 0; r < MR; ++r) {
    for (int c = 0; c < kPanelWidth; ++c) block[r][c] = acc[r][c];
  }
  for (int s = 0; s < segments; ++s) {
    const float* __restrict rows[MR];
    for (int r = 0; r < MR; ++r) rows[r] = a[s * kTileRows + r];
    const float* __restrict w = panel + static_cast<size_t>(s) * segment_length * kPanelWidth;
    int k = 0;
    if constexpr (MR <= 2) {
      // Few rows (batch-1 FC, GEMV): one accumulator row per output row
      // would chain every FMA on the previous one (4-cycle latency), so
      // split k over four independent accumulators and add them at the end.
      float part[3][MR][kPanelWidth] = {};
      for (; k + 4 <= segment_length; k += 4) {
        for (int r = 0; r < MR; ++r) {
          const float* x = rows[r] + k;
          for (int c = 0; c < kPanelWidth; ++c) {
            block[r][c] += x[0] * w[c];
            part[0][r][c] += x[1] * w[kPanelWidth + c];
            part[1][r][c] += x[2] * w[2 * kPanelWidth + c];
            part[2][r][c] += x[3] * w[3 * kPanelWidth + c];
          }
        }
        w += 4 * kPanelWidth;
      }
      for (int r = 0; r < MR; ++r) {
        for (int c = 0; c < kPanelWidth; ++c)
          block[r][c] += (part[0][r][c] + part[1][r][c]) + part[2][r][c];
      }
    }
    for (; k < segment_length; ++k) {
      for (int r = 0; r < MR; ++r) {
        const float x = rows[r][k];
        for (int c = 0; c < kPanelWidth; ++c) block[r][c] += x * w[c];
      }
      w += kPanelWidth;
    }
  }
  for (int r = 0; r < MR; ++r) {
    for (int c = 0; c < kPanelWidth; ++c) acc[r][c] = block[r][c];
  }
}

void RunMicroKernel(int rows, const float* const* a, int segments, int segment_length,
                    const float* panel, float (&acc)[kTileRows][kPanelWidth]) {
  switch (rows) {
    case 1:
      return MicroKernel<1>(a, segments, segment_length, panel, acc);
    case 2:
      return MicroKernel<2>(a, segments, segment_length, panel, acc);
    case 3:
      return MicroKernel<3>(a, segments, segment_length, panel, acc);
    case 4:
      return MicroKernel<4>(a, segments, segment_length, panel, acc);
    case 5:
      return MicroKernel<5>(a, segments, segment_length, panel, acc);
    default:
      return MicroKernel<6>(a, segments, segment_length, panel, acc);
  }
}

}  // namespace

PackedWeights PackWeights(const float* weights, int n, int k) {
  return PackWeightsImpl(weights, n, k);
}

PackedWeights PackWeights(const int8_t* weights, int n, int k) {
  return PackWeightsImpl(weights, n, k);
}

void GemmTile(const float* const* a, int rows, int segments, int segment_length,
              const PackedWeights& w, int panel_begin, int panel_end, const GemmEpilogue& e,
              const float* row_scales, float* const* c_rows) {
  for (int p = panel_begin; p < panel_end; ++p) {
    float acc[kTileRows][kPanelWidth] = {};
    RunMicroKernel(rows, a, segments, segment_length, w.panel(p), acc);
    const int col_begin = p * kPanelWidth;
    const int cols = std::min(kPanelWidth, w.n - col_begin);
    for (int r = 0; r < rows; ++r) {
      float* out = c_rows[r] + col_begin;
      const float row_scale = row_scales != nullptr ? row_scales[r] : 1.0f;
      for (int c = 0; c < cols; ++c) {
        float v = acc[r][c];
        if (e.column_scales != nullptr) v *= e.column_scales[col_begin + c] * row_scale;
        if (e.bias != nullptr) v += e.bias[col_begin + c];
        v = cpu::ClampActivation(v, e.activation_min, e.activation_max);
        if (e.activation != ir::Activation::kNone) v = cpu::ApplyFusedActivation(e.activation, v);
        out[c] = v;
      }
    }
  }
}

void Gemm(const float* a, int m, const PackedWeights& w, const GemmEpilogue& epilogue,
          const float* row_scales, float* c, cpu::ThreadPool& pool) {
  const int row_tiles = (m + kTileRows - 1) / kTileRows;
  const int panels = w.num_panels();
  // Work items are (row tile, panel) pairs so that a single-row FC still
  // spreads its panels over the threads.
  const int64_t items = static_cast<int64_t>(row_tiles) * panels;
  const int64_t min_chunk = std::max<int64_t>(1, (1 << 16) / (std::max(1, w.k) * kPanelWidth));
  pool.ParallelFor(items, min_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end;) {
      const int tile = static_cast<int>(item / panels);
      const int panel_begin = static_cast<int>(item % panels);
      const int panel_end = static_cast<int>(std::min<int64_t>(panels, panel_begin + (end - item)));
      const int row_begin = tile * kTileRows;
      const int rows = std::min(kTileRows, m - row_begin);
      const float* a_rows[kTileRows];
      float* c_rows[kTileRows];
      for (int r = 0; r < kTileRows; ++r) {
        const int row = row_begin + std::min(r, rows - 1);
        a_rows[r] = a + static_cast<size_t>(row) * w.k;
        c_rows[r] = c + static_cast<size_t>(row) * w.n;
      }
      GemmTile(a_rows, rows, 1, w.k, w, panel_begin, panel_end, epilogue,
               row_scales != nullptr ? row_scales + row_begin : nullptr, c_rows);
      item += panel_end - panel_begin;
    }
  });
}

void FullyConnectedFloat(const ref::FullyConnectedShape& shape, const PackedWeights& weights,
                         const float* input, const float* bias, float activation_min,
                         float activation_max, float* output, cpu::ThreadPool& pool) {
  GemmEpilogue epilogue;
  epilogue.bias = bias;
  epilogue.activation_min = activation_min;
  epilogue.activation_max = activation_max;
  Gemm(input, shape.batches, weights, epilogue, nullptr, output, pool);
}

void DequantizeRows(const int8_t* q, int rows, int row_size, const int32_t* zero_points,
                    float* out) {
  for (int row = 0; row < rows; ++row) {
    const float zero_point = zero_points != nullptr ? static_cast<float>(zero_points[row]) : 0.0f;
    const int8_t* __restrict src = q + static_cast<size_t>(row) * row_size;
    float* __restrict dst = out + static_cast<size_t>(row) * row_size;
    for (int i = 0; i < row_size; ++i) dst[i] = static_cast<float>(src[i]) - zero_point;
  }
}

void FullyConnectedHybrid(const ref::FullyConnectedShape& shape, const int8_t* input,
                          const float* input_scales, const int32_t* input_zero_points,
                          const PackedWeights& weights, const float* weight_scales,
                          const float* bias, ir::Activation activation, float* dequantized,
                          float* output, cpu::ThreadPool& pool) {
  DequantizeRows(input, shape.batches, shape.input_size, input_zero_points, dequantized);
  GemmEpilogue epilogue;
  epilogue.bias = bias;
  epilogue.column_scales = weight_scales;
  epilogue.activation_min = std::numeric_limits<float>::lowest();
  epilogue.activation_max = std::numeric_limits<float>::max();
  epilogue.activation = activation;
  Gemm(dequantized, shape.batches, weights, epilogue, input_scales, output, pool);
}

}  // namespace vkd::opt
