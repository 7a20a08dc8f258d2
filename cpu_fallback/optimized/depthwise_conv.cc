#include "cpu_fallback/optimized/depthwise_conv.h"

#include <algorithm>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/optimized/fully_connected.h"

namespace vkd::opt {

namespace {

constexpr int kChannelBlock = 64;

// `channel_scales` and `batch_scales` are null for float; with them,
// out = clamp(acc * (channel_scales[c] * batch_scales[b]) + bias[c]).
void DepthwiseImpl(const ref::ConvGeometry& g, const float* input, const float* filter,
                   const float* bias, const float* channel_scales, const float* batch_scales,
                   float activation_min, float activation_max, float* output,
                   cpu::ThreadPool& pool) {
  const int depth_multiplier = g.depth_multiplier();
  const int channels = g.output_depth;
  const int rows = g.batches * g.output_height;
  const int64_t work_per_row =
      static_cast<int64_t>(g.output_width) * channels * g.filter_height * g.filter_width;
  const int64_t min_chunk = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, work_per_row));
  pool.ParallelFor(rows, min_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int batch = static_cast<int>(row / g.output_height);
      const int out_y = static_cast<int>(row % g.output_height);
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      const float batch_scale = batch_scales != nullptr ? batch_scales[batch] : 1.0f;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        float* out_pixel =
            output +
            ((static_cast<size_t>(batch) * g.output_height + out_y) * g.output_width + out_x) *
                channels;
        for (int c0 = 0; c0 < channels; c0 += kChannelBlock) {
          const int block = std::min(kChannelBlock, channels - c0);
          float acc[kChannelBlock] = {};
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            if (in_y < 0 || in_y >= g.input_height) continue;
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              const int in_x = in_x_origin + g.dilation_width * filter_x;
              if (in_x < 0 || in_x >= g.input_width) continue;
              const float* __restrict in =
                  input +
                  ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width + in_x) *
                      g.input_depth;
              const float* __restrict w =
                  filter + static_cast<size_t>(filter_y * g.filter_width + filter_x) * channels +
                  c0;
              if (depth_multiplier == 1) {
                in += c0;
                if (block == kChannelBlock) {
                  for (int c = 0; c < kChannelBlock; ++c) acc[c] += in[c] * w[c];
                } else {
                  for (int c = 0; c < block; ++c) acc[c] += in[c] * w[c];
                }
              } else {
                for (int c = 0; c < block; ++c) acc[c] += in[(c0 + c) / depth_multiplier] * w[c];
              }
            }
          }
          for (int c = 0; c < block; ++c) {
            float v = acc[c];
            if (channel_scales != nullptr) v *= channel_scales[c0 + c] * batch_scale;
            if (bias != nullptr) v += bias[c0 + c];
            out_pixel[c0 + c] = cpu::ClampActivation(v, activation_min, activation_max);
          }
        }
      }
    }
  });
}

}  // namespace

void DepthwiseConvFloat(const ref::ConvGeometry& geometry, const float* input, const float* filter,
                        const float* bias, float activation_min, float activation_max,
                        float* output, cpu::ThreadPool& pool) {
  DepthwiseImpl(geometry, input, filter, bias, nullptr, nullptr, activation_min, activation_max,
                output, pool);
}

void DepthwiseConvHybrid(const ref::ConvGeometry& geometry, const int8_t* input,
                         const float* input_scales, const int32_t* input_zero_points,
                         const float* filter, const float* filter_scales, const float* bias,
                         float activation_min, float activation_max, float* dequantized,
                         float* output, cpu::ThreadPool& pool) {
  const int image_size = geometry.input_height * geometry.input_width * geometry.input_depth;
  DequantizeRows(input, geometry.batches, image_size, input_zero_points, dequantized);
  DepthwiseImpl(geometry, dequantized, filter, bias, filter_scales, input_scales, activation_min,
                activation_max, output, pool);
}

}  // namespace vkd::opt
