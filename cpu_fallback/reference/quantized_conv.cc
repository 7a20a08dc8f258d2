// Quantized CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED reference kernels
// (int8 and uint8). The two window ops are one accumulate-and-requantize
// policy over reference/conv_window_walk.h's walk, with their filter layouts.
#include "cpu_fallback/reference/quantized_conv.h"

#include <cstddef>

#include "cpu_fallback/reference/conv_window_walk.h"

namespace vkd::ref {

namespace {

template <ConvKind kKind, typename T>
void WindowConvQuantized(const ConvGeometry& g, const QuantizedConvParams& p, const T* input,
                         const T* filter, const int32_t* bias, T* output) {
  // Padding taps are skipped: they stand for the input's zero point, which
  // input_offset cancels, so they contribute nothing.
  WalkConvWindows<kKind, int32_t>(
      g,
      [&](int, size_t input_index, size_t filter_index, int32_t* acc) {
        const int32_t input_value = input[input_index];
        const int32_t filter_value = filter[filter_index];
        *acc += (filter_value + p.filter_offset) * (input_value + p.input_offset);
      },
      [&](int, int out_channel, size_t output_index, int32_t acc) {
        if (bias != nullptr) acc += bias[out_channel];
        output[output_index] = static_cast<T>(
            Requantize(acc, p.output_multiplier[out_channel], p.output_shift[out_channel],
                       p.rounding, p.output_offset, p.activation_min, p.activation_max));
      });
}

}  // namespace

template <typename T>
void ConvQuantized(const ConvGeometry& g, const QuantizedConvParams& p, const T* input,
                   const T* filter, const int32_t* bias, T* output) {
  WindowConvQuantized<ConvKind::kConv>(g, p, input, filter, bias, output);
}

template <typename T>
void DepthwiseConvQuantized(const ConvGeometry& g, const QuantizedConvParams& p, const T* input,
                            const T* filter, const int32_t* bias, T* output) {
  WindowConvQuantized<ConvKind::kDepthwise>(g, p, input, filter, bias, output);
}

template <typename T>
void FullyConnectedQuantized(const FullyConnectedShape& shape, const QuantizedConvParams& p,
                             const T* input, const T* weights, const int32_t* bias, T* output) {
  for (int b = 0; b < shape.batches; ++b) {
    for (int unit = 0; unit < shape.num_units; ++unit) {
      int32_t acc = 0;
      for (int i = 0; i < shape.input_size; ++i) {
        const int32_t input_value = input[static_cast<size_t>(b) * shape.input_size + i];
        const int32_t weight_value = weights[static_cast<size_t>(unit) * shape.input_size + i];
        acc += (weight_value + p.filter_offset) * (input_value + p.input_offset);
      }
      if (bias != nullptr) acc += bias[unit];
      output[static_cast<size_t>(b) * shape.num_units + unit] = static_cast<T>(
          Requantize(acc, p.output_multiplier[unit], p.output_shift[unit], p.rounding,
                     p.output_offset, p.activation_min, p.activation_max));
    }
  }
}

template void ConvQuantized<int8_t>(const ConvGeometry&, const QuantizedConvParams&, const int8_t*,
                                    const int8_t*, const int32_t*, int8_t*);
template void ConvQuantized<uint8_t>(const ConvGeometry&, const QuantizedConvParams&,
                                     const uint8_t*, const uint8_t*, const int32_t*, uint8_t*);
template void DepthwiseConvQuantized<int8_t>(const ConvGeometry&, const QuantizedConvParams&,
                                             const int8_t*, const int8_t*, const int32_t*, int8_t*);
template void DepthwiseConvQuantized<uint8_t>(const ConvGeometry&, const QuantizedConvParams&,
                                              const uint8_t*, const uint8_t*, const int32_t*,
                                              uint8_t*);
template void FullyConnectedQuantized<int8_t>(const FullyConnectedShape&,
                                              const QuantizedConvParams&, const int8_t*,
                                              const int8_t*, const int32_t*, int8_t*);
template void FullyConnectedQuantized<uint8_t>(const FullyConnectedShape&,
                                               const QuantizedConvParams&, const uint8_t*,
                                               const uint8_t*, const int32_t*, uint8_t*);

}  // namespace vkd::ref
