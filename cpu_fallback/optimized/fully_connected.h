// FULLY_CONNECTED optimized kernels, and the packed GEMM that CONV_2D's
// optimized kernels share.
//
// Float inner loops can only vectorize without -ffast-math when they run over
// independent outputs, not along a reduction. So weights are packed once (in
// Prepare) into panels of kPanelWidth output channels laid out [k][kPanelWidth],
// and a register-blocked micro-kernel keeps a kTileRows x kPanelWidth block of
// accumulators while it walks k: one weight vector load feeds kTileRows FMAs.
//
// Hybrid kernels reuse the float GEMM on integer-valued floats: the quantized
// inputs minus their zero point and the int8 weights, both exact in float. Their
// products and sums stay exact integers while |acc| < 2^24 (always true up to
// ~1000 multiply-adds of extreme values, typically far more); past that the
// relative error is at most 2^-24, far inside the 1e-3 that hybrid results are
// held to, and FMA throughput beats int8 emulation without VNNI.
#pragma once

#include <cstdint>
#include <vector>

#include "cpu_fallback/reference/fully_connected.h"
#include "cpu_fallback/thread_pool.h"
#include "model/ir/op_options.h"

namespace vkd::opt {

inline constexpr int kPanelWidth = 16;  // output channels per packed panel
inline constexpr int kTileRows = 6;     // GEMM rows (pixels, batch rows) per micro-tile

// GEMM weights B[k][n], packed from a row-major [n][k] matrix (the TFLite
// layout of FC weights and of each CONV_2D filter group). Panel p holds
// columns [p * kPanelWidth, (p + 1) * kPanelWidth) as [k][kPanelWidth], the
// last one zero-padded.
struct PackedWeights {
  int n = 0;
  int k = 0;
  std::vector<float> data;

  int num_panels() const { return (n + kPanelWidth - 1) / kPanelWidth; }
  const float* panel(int p) const { return data.data() + static_cast<size_t>(p) * k * kPanelWidth; }
};

PackedWeights PackWeights(const float* weights, int n, int k);
// int8 weights become integer-valued floats (see the file comment).
PackedWeights PackWeights(const int8_t* weights, int n, int k);

// What happens to an accumulator on its way out:
//   out = activation(clamp(acc * (column_scales[c] * row_scale[r]) + bias[c], min, max))
// Null scales count as 1, a null bias as 0; `activation` is applied with
// ApplyFusedActivation only when not kNone (hybrid FC applies TANH this way).
struct GemmEpilogue {
  const float* bias = nullptr;
  const float* column_scales = nullptr;
  float activation_min = 0;
  float activation_max = 0;
  ir::Activation activation = ir::Activation::kNone;
};

// The rows of one tile: row r's A vector is the concatenation of `segments`
// runs of `segment_length` floats starting at a[s * kTileRows + r] (for a
// convolution, one run per filter tap). Computes panels [panel_begin,
// panel_end) of rows [0, rows) into c_rows[r][0 .. w.n). `row_scales` is
// null or holds `rows` scales.
void GemmTile(const float* const* a, int rows, int segments, int segment_length,
              const PackedWeights& w, int panel_begin, int panel_end, const GemmEpilogue& epilogue,
              const float* row_scales, float* const* c_rows);

// C[m][n] = epilogue(A[m][k] x W) for a contiguous A, threaded over row tiles
// and panels. `row_scales` is null or holds m scales.
void Gemm(const float* a, int m, const PackedWeights& w, const GemmEpilogue& epilogue,
          const float* row_scales, float* c, cpu::ThreadPool& pool);

// Float FC over weights packed by PackWeights(weights, num_units, input_size).
void FullyConnectedFloat(const ref::FullyConnectedShape& shape, const PackedWeights& weights,
                         const float* input, const float* bias, float activation_min,
                         float activation_max, float* output, cpu::ThreadPool& pool);

// Hybrid FC. `input` was quantized by ref::QuantizeRows; `dequantized` is
// scratch of batches * input_size floats. Same contract as
// ref::FullyConnectedHybrid otherwise.
void FullyConnectedHybrid(const ref::FullyConnectedShape& shape, const int8_t* input,
                          const float* input_scales, const int32_t* input_zero_points,
                          const PackedWeights& weights, const float* weight_scales,
                          const float* bias, ir::Activation activation, float* dequantized,
                          float* output, cpu::ThreadPool& pool);

// (q - zero_point) as floats, `rows` rows of `row_size`; zero_points may be null.
void DequantizeRows(const int8_t* q, int rows, int row_size, const int32_t* zero_points,
                    float* out);

}  // namespace vkd::opt
