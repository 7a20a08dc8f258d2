// FULLY_CONNECTED reference kernels, float and hybrid side by side, plus the
// run-time input quantization that every hybrid kernel (conv, depthwise, FC)
// shares. Written to be read: the loops state TFLite 2.9's semantics
// (kernels/fully_connected.cc, internal/reference/fully_connected.h,
// reference/portable_tensor_utils.cc); optimized/fully_connected.h is the fast form.
#pragma once

#include <cstdint>

#include "model/ir/op_options.h"

namespace vkd::ref {

// TFLite's tensor_utils::SymmetricQuantizeFloats: scale = max|x| / 127,
// q = clamp(round(x * (127 / max|x|)), -127, 127) with round-half-away
// rounding in float. An all-zero input gets scale 1 and zeros.
void SymmetricQuantizeFloats(const float* values, int size, int8_t* quantized, float* scale);

// TFLite's tensor_utils::AsymmetricQuantizeFloats: the range [min(x,0),
// max(x,0)] maps onto [-128, 127] with a nudged zero point, computed in double
// as TFLite does; q = clamp(round(zero_point + x * (1 / scale)), -128, 127).
// A constant-zero input gets scale 1, zero point 0.
void AsymmetricQuantizeFloats(const float* values, int size, int8_t* quantized, float* scale,
                              int32_t* zero_point);

// Quantizes `rows` rows of `row_size` values each independently (TFLite's
// BatchQuantizeFloats). `zero_points` is written only when `asymmetric`.
void QuantizeRows(const float* values, int rows, int row_size, bool asymmetric, int8_t* quantized,
                  float* scales, int32_t* zero_points);

struct FullyConnectedShape {
  int batches = 0;     // rows of the input flattened to [batches, input_size]
  int input_size = 0;  // weights' second dimension
  int num_units = 0;   // weights' first dimension (output channels)
};

// output[b][u] = clamp(sum_i input[b][i] * weights[u][i] + bias[u]).
// `bias` may be null.
void FullyConnectedFloat(const FullyConnectedShape& shape, const float* input, const float* weights,
                         const float* bias, float activation_min, float activation_max,
                         float* output);

// The hybrid form: `input` was quantized per row by QuantizeRows.
// output[b][u] = act(bias[u] + (sum_i w[u][i] * (q[b][i] - zp[b])) * (w_scale[u] * in_scale[b]))
// in int32 then float, as TFLite's EvalHybrid. `input_zero_points` is null for
// symmetric inputs; `weight_scales` holds one scale per unit. The activation
// is applied with ApplyFusedActivation (TFLite applies TANH and SIGN_BIT here).
void FullyConnectedHybrid(const FullyConnectedShape& shape, const int8_t* input,
                          const float* input_scales, const int32_t* input_zero_points,
                          const int8_t* weights, const float* weight_scales, const float* bias,
                          ir::Activation activation, float* output);

}  // namespace vkd::ref
