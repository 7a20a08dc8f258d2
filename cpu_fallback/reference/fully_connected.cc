#include "cpu_fallback/reference/fully_connected.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cpu_fallback/activation.h"

namespace vkd::ref {

void SymmetricQuantizeFloats(const float* values, int size, int8_t* quantized, float* scale) {
  constexpr int32_t kScale = 127;
  const auto minmax = std::minmax_element(values, values + size);
  const float range = std::max(std::abs(*minmax.first), std::abs(*minmax.second));
  if (range == 0) {
    std::memset(quantized, 0, size);
    *scale = 1;
    return;
  }
  *scale = range / kScale;
  // TFLite multiplies by this float inverse rather than dividing; the two can
  // round differently, so keep it.
  const float scale_inv = kScale / range;
  for (int i = 0; i < size; ++i) {
    // Clamped in float before the conversion: NaN or inf inputs (range inf,
    // scale_inv 0, inf * 0 = NaN) would make the float -> int32 cast
    // undefined. Finite values round and clamp exactly as TFLite does.
    const float q =
        std::min<float>(kScale, std::max<float>(-kScale, std::round(values[i] * scale_inv)));
    quantized[i] = static_cast<int8_t>(q);
  }
}

void AsymmetricQuantizeFloats(const float* values, int size, int8_t* quantized, float* scale,
                              int32_t* zero_point) {
  constexpr int32_t kMinScale = -128;
  constexpr int32_t kMaxScale = 127;
  constexpr double kQMin = kMinScale;
  constexpr double kQMax = kMaxScale;
  const auto minmax = std::minmax_element(values, values + size);
  const double rmin = std::fmin(0, *minmax.first);
  const double rmax = std::fmax(0, *minmax.second);
  if (rmin == rmax) {
    std::memset(quantized, 0, size);
    *scale = 1;
    *zero_point = 0;
    return;
  }
  const double real_scale = (rmax - rmin) / (kQMax - kQMin);
  // Of the two zero points implied by (rmin, qmin) and (rmax, qmax), take the
  // one computed from smaller terms (less rounding error), then nudge it to an
  // integer in range.
  const double zero_point_from_min = kQMin - rmin / real_scale;
  const double zero_point_from_max = kQMax - rmax / real_scale;
  const double zero_point_from_min_error = std::abs(kQMin) + std::abs(rmin / real_scale);
  const double zero_point_from_max_error = std::abs(kQMax) + std::abs(rmax / real_scale);
  const double zero_point_double = zero_point_from_min_error < zero_point_from_max_error
                                       ? zero_point_from_min
                                       : zero_point_from_max;
  int32_t nudged_zero_point;
  if (zero_point_double <= kQMin) {
    nudged_zero_point = kMinScale;
  } else if (zero_point_double >= kQMax) {
    nudged_zero_point = kMaxScale;
  } else {
    nudged_zero_point = static_cast<int32_t>(std::round(zero_point_double));
  }
  *scale = static_cast<float>(real_scale);
  *zero_point = nudged_zero_point;
  // As TFLite: the inverse of the float-rounded scale, and the sum in float.
  const float scale_inv = static_cast<float>(1.0 / *scale);
  for (int i = 0; i < size; ++i) {
    const int32_t q = static_cast<int32_t>(
        std::round(static_cast<float>(nudged_zero_point) + values[i] * scale_inv));
    quantized[i] = static_cast<int8_t>(std::min(kMaxScale, std::max(kMinScale, q)));
  }
}

void QuantizeRows(const float* values, int rows, int row_size, bool asymmetric, int8_t* quantized,
                  float* scales, int32_t* zero_points) {
  for (int row = 0; row < rows; ++row) {
    const size_t offset = static_cast<size_t>(row) * row_size;
    if (asymmetric) {
      AsymmetricQuantizeFloats(values + offset, row_size, quantized + offset, &scales[row],
                               &zero_points[row]);
    } else {
      SymmetricQuantizeFloats(values + offset, row_size, quantized + offset, &scales[row]);
    }
  }
}

void FullyConnectedFloat(const FullyConnectedShape& shape, const float* input, const float* weights,
                         const float* bias, float activation_min, float activation_max,
                         float* output) {
  for (int batch = 0; batch < shape.batches; ++batch) {
    const float* input_row = input + static_cast<size_t>(batch) * shape.input_size;
    for (int unit = 0; unit < shape.num_units; ++unit) {
      const float* weights_row = weights + static_cast<size_t>(unit) * shape.input_size;
      float total = 0.0f;
      for (int i = 0; i < shape.input_size; ++i) total += input_row[i] * weights_row[i];
      const float bias_value = bias != nullptr ? bias[unit] : 0.0f;
      output[static_cast<size_t>(batch) * shape.num_units + unit] =
          cpu::ClampActivation(total + bias_value, activation_min, activation_max);
    }
  }
}

void FullyConnectedHybrid(const FullyConnectedShape& shape, const int8_t* input,
                          const float* input_scales, const int32_t* input_zero_points,
                          const int8_t* weights, const float* weight_scales, const float* bias,
                          ir::Activation activation, float* output) {
  for (int batch = 0; batch < shape.batches; ++batch) {
    const int8_t* input_row = input + static_cast<size_t>(batch) * shape.input_size;
    const int32_t input_zero_point = input_zero_points != nullptr ? input_zero_points[batch] : 0;
    for (int unit = 0; unit < shape.num_units; ++unit) {
      const int8_t* weights_row = weights + static_cast<size_t>(unit) * shape.input_size;
      int32_t acc = 0;
      for (int i = 0; i < shape.input_size; ++i) {
        acc += static_cast<int32_t>(weights_row[i]) * (input_row[i] - input_zero_point);
      }
      const float scale = weight_scales[unit] * input_scales[batch];
      const float bias_value = bias != nullptr ? bias[unit] : 0.0f;
      output[static_cast<size_t>(batch) * shape.num_units + unit] =
          cpu::ApplyFusedActivation(activation, bias_value + acc * scale);
    }
  }
}

}  // namespace vkd::ref
