#include "cpu_fallback/reference/quantized_conv.h"

#include <cstddef>

namespace vkd::ref {

namespace {

inline size_t Offset(int d1, int d2, int d3, int i0, int i1, int i2, int i3) {
  return ((static_cast<size_t>(i0) * d1 + i1) * d2 + i2) * d3 + i3;
}

}  // namespace

template <typename T>
void ConvQuantized(const ConvGeometry& g, const QuantizedConvParams& p, const T* input,
                   const T* filter, const int32_t* bias, T* output) {
  for (int batch = 0; batch < g.batches; ++batch) {
    for (int out_y = 0; out_y < g.output_height; ++out_y) {
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        for (int out_channel = 0; out_channel < g.output_depth; ++out_channel) {
          int32_t acc = 0;
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              const int in_x = in_x_origin + g.dilation_width * filter_x;
              if (in_y < 0 || in_y >= g.input_height || in_x < 0 || in_x >= g.input_width) {
                continue;  // padding: input == zero point, contributes nothing
              }
              for (int in_channel = 0; in_channel < g.filter_input_depth; ++in_channel) {
                const int32_t input_value = input[Offset(
                    g.input_height, g.input_width, g.input_depth, batch, in_y, in_x, in_channel)];
                const int32_t filter_value =
                    filter[Offset(g.filter_height, g.filter_width, g.filter_input_depth,
                                  out_channel, filter_y, filter_x, in_channel)];
                acc += (filter_value + p.filter_offset) * (input_value + p.input_offset);
              }
            }
          }
          if (bias != nullptr) acc += bias[out_channel];
          output[Offset(g.output_height, g.output_width, g.output_depth, batch, out_y, out_x,
                        out_channel)] =
              static_cast<T>(Requantize(acc, p.output_multiplier[out_channel],
                                        p.output_shift[out_channel], p.rounding, p.output_offset,
                                        p.activation_min, p.activation_max));
        }
      }
    }
  }
}

template <typename T>
void DepthwiseConvQuantized(const ConvGeometry& g, const QuantizedConvParams& p, const T* input,
                            const T* filter, const int32_t* bias, T* output) {
  const int depth_multiplier = g.depth_multiplier();
  for (int batch = 0; batch < g.batches; ++batch) {
    for (int out_y = 0; out_y < g.output_height; ++out_y) {
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        for (int in_channel = 0; in_channel < g.input_depth; ++in_channel) {
          for (int m = 0; m < depth_multiplier; ++m) {
            const int out_channel = in_channel * depth_multiplier + m;
            int32_t acc = 0;
            for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
              const int in_y = in_y_origin + g.dilation_height * filter_y;
              for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
                const int in_x = in_x_origin + g.dilation_width * filter_x;
                if (in_y < 0 || in_y >= g.input_height || in_x < 0 || in_x >= g.input_width) {
                  continue;
                }
                const int32_t input_value = input[Offset(
                    g.input_height, g.input_width, g.input_depth, batch, in_y, in_x, in_channel)];
                const int32_t filter_value =
                    filter[Offset(g.filter_height, g.filter_width, g.output_depth, 0, filter_y,
                                  filter_x, out_channel)];
                acc += (filter_value + p.filter_offset) * (input_value + p.input_offset);
              }
            }
            if (bias != nullptr) acc += bias[out_channel];
            output[Offset(g.output_height, g.output_width, g.output_depth, batch, out_y, out_x,
                          out_channel)] =
                static_cast<T>(Requantize(acc, p.output_multiplier[out_channel],
                                          p.output_shift[out_channel], p.rounding, p.output_offset,
                                          p.activation_min, p.activation_max));
          }
        }
      }
    }
  }
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
