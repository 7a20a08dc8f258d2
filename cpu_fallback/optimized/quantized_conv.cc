#include "cpu_fallback/optimized/quantized_conv.h"

#include <algorithm>
#include <cstring>

namespace vkd::opt {

template <typename T>
QuantizedConvPlan MakeQuantizedConvPlan(const ref::ConvGeometry& g,
                                        const ref::QuantizedConvParams& params, const T* filter,
                                        const int32_t* bias) {
  QuantizedConvPlan plan;
  plan.geometry = g;
  const int k = g.filter_height * g.filter_width * g.filter_input_depth;
  PackQuantizedGemm(filter, g.output_depth, k, params, bias, &plan.weights, &plan.stage);
  plan.direct = g.filter_height == 1 && g.filter_width == 1 && g.stride_height == 1 &&
                g.stride_width == 1 && g.padding_top == 0 && g.padding_left == 0 &&
                g.output_height == g.input_height && g.output_width == g.input_width && k % 4 == 0;
  const T zero_point = static_cast<T>(-params.input_offset);
  std::memcpy(&plan.pad_byte, &zero_point, 1);
  if (!plan.direct) {
    const size_t pixels = static_cast<size_t>(g.batches) * g.output_height * g.output_width;
    // Bytes past k stay 0: they meet zero weights and are left out of row sums.
    plan.im2col.assign(pixels * plan.weights.k_padded, 0);
  }
  return plan;
}

template <typename T>
void ConvQuantized(QuantizedConvPlan& plan, const T* input, T* output, cpu::ThreadPool& pool) {
  const ref::ConvGeometry& g = plan.geometry;
  const int pixels = g.batches * g.output_height * g.output_width;
  if (plan.direct) {
    QuantizedGemm(input, g.input_depth, pixels, plan.weights, plan.stage, output, g.output_depth,
                  pool);
    return;
  }
  const int k_padded = plan.weights.k_padded;
  const int depth = g.input_depth;
  const uint8_t* in = reinterpret_cast<const uint8_t*>(input);
  uint8_t* cols = plan.im2col.data();
  const int64_t min_chunk =
      std::max<int64_t>(1, 4096 / std::max(1, g.filter_height * g.filter_width * depth));
  pool.ParallelFor(pixels, min_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t pixel = begin; pixel < end; ++pixel) {
      const int out_x = static_cast<int>(pixel % g.output_width);
      const int out_y = static_cast<int>(pixel / g.output_width % g.output_height);
      const int batch = static_cast<int>(pixel / (int64_t{g.output_width} * g.output_height));
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      const int in_x_origin = out_x * g.stride_width - g.padding_left;
      uint8_t* row = cols + pixel * k_padded;
      for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
        const int in_y = in_y_origin + g.dilation_height * filter_y;
        for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
          const int in_x = in_x_origin + g.dilation_width * filter_x;
          if (in_y < 0 || in_y >= g.input_height || in_x < 0 || in_x >= g.input_width) {
            std::memset(row, plan.pad_byte, depth);
          } else {
            std::memcpy(
                row,
                in + ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width + in_x) *
                         depth,
                depth);
          }
          row += depth;
        }
      }
    }
  });
  QuantizedGemm(reinterpret_cast<const T*>(cols), k_padded, pixels, plan.weights, plan.stage,
                output, g.output_depth, pool);
}

template <typename T>
QuantizedDepthwisePlan MakeQuantizedDepthwisePlan(const ref::ConvGeometry& g,
                                                  const ref::QuantizedConvParams& params,
                                                  const T* filter, const int32_t* bias) {
  QuantizedDepthwisePlan plan;
  plan.geometry = g;
  const int channels = g.output_depth;
  const size_t count = static_cast<size_t>(g.filter_height) * g.filter_width * channels;
  plan.filter.resize(count);
  for (size_t i = 0; i < count; ++i) {
    plan.filter[i] = static_cast<int16_t>(filter[i] + params.filter_offset);
  }
  plan.bias.assign(channels, 0);
  if (bias != nullptr) std::copy(bias, bias + channels, plan.bias.begin());
  plan.multiplier = params.output_multiplier;
  plan.left_shift.resize(channels);
  plan.right_shift.resize(channels);
  for (int c = 0; c < channels; ++c) {
    plan.left_shift[c] = std::max(params.output_shift[c], 0);
    plan.right_shift[c] = std::max(-params.output_shift[c], 0);
  }
  plan.rounding = params.rounding;
  plan.input_offset = params.input_offset;
  plan.output_offset = params.output_offset;
  plan.activation_min = params.activation_min;
  plan.activation_max = params.activation_max;
  return plan;
}

namespace {

constexpr int kDepthwiseChannelBlock = 64;

}  // namespace

template <typename T>
void DepthwiseConvQuantized(const QuantizedDepthwisePlan& plan, const T* input, T* output,
                            cpu::ThreadPool& pool) {
  const ref::ConvGeometry& g = plan.geometry;
  const int depth_multiplier = g.depth_multiplier();
  const int channels = g.output_depth;
  const int rows = g.batches * g.output_height;
  const int64_t work_per_row =
      static_cast<int64_t>(g.output_width) * channels * g.filter_height * g.filter_width;
  const int64_t min_chunk = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, work_per_row));
  const int32_t input_offset = plan.input_offset;
  pool.ParallelFor(rows, min_chunk, [&](int64_t begin, int64_t end) {
    alignas(64) int32_t acc[kDepthwiseChannelBlock];
    for (int64_t row = begin; row < end; ++row) {
      const int batch = static_cast<int>(row / g.output_height);
      const int out_y = static_cast<int>(row % g.output_height);
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        T* out_pixel = output + (static_cast<size_t>(row) * g.output_width + out_x) * channels;
        for (int c0 = 0; c0 < channels; c0 += kDepthwiseChannelBlock) {
          const int block = std::min(kDepthwiseChannelBlock, channels - c0);
          std::copy(plan.bias.data() + c0, plan.bias.data() + c0 + block, acc);
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            if (in_y < 0 || in_y >= g.input_height) continue;  // padding adds nothing
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              const int in_x = in_x_origin + g.dilation_width * filter_x;
              if (in_x < 0 || in_x >= g.input_width) continue;
              const T* __restrict in =
                  input +
                  ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width + in_x) *
                      g.input_depth;
              const int16_t* __restrict w =
                  plan.filter.data() +
                  static_cast<size_t>(filter_y * g.filter_width + filter_x) * channels + c0;
              if (depth_multiplier == 1) {
                in += c0;
                if (block == kDepthwiseChannelBlock) {
                  for (int c = 0; c < kDepthwiseChannelBlock; ++c) {
                    acc[c] += (static_cast<int32_t>(in[c]) + input_offset) * w[c];
                  }
                } else {
                  for (int c = 0; c < block; ++c) {
                    acc[c] += (static_cast<int32_t>(in[c]) + input_offset) * w[c];
                  }
                }
              } else {
                for (int c = 0; c < block; ++c) {
                  acc[c] +=
                      (static_cast<int32_t>(in[(c0 + c) / depth_multiplier]) + input_offset) * w[c];
                }
              }
            }
          }
          RequantizeRow(acc, block, plan.multiplier.data() + c0, plan.left_shift.data() + c0,
                        plan.right_shift.data() + c0, plan.rounding, plan.output_offset,
                        plan.activation_min, plan.activation_max, out_pixel + c0);
        }
      }
    }
  });
}

template QuantizedConvPlan MakeQuantizedConvPlan<int8_t>(const ref::ConvGeometry&,
                                                         const ref::QuantizedConvParams&,
                                                         const int8_t*, const int32_t*);
template QuantizedConvPlan MakeQuantizedConvPlan<uint8_t>(const ref::ConvGeometry&,
                                                          const ref::QuantizedConvParams&,
                                                          const uint8_t*, const int32_t*);
template void ConvQuantized<int8_t>(QuantizedConvPlan&, const int8_t*, int8_t*, cpu::ThreadPool&);
template void ConvQuantized<uint8_t>(QuantizedConvPlan&, const uint8_t*, uint8_t*,
                                     cpu::ThreadPool&);
template QuantizedDepthwisePlan MakeQuantizedDepthwisePlan<int8_t>(const ref::ConvGeometry&,
                                                                   const ref::QuantizedConvParams&,
                                                                   const int8_t*, const int32_t*);
template QuantizedDepthwisePlan MakeQuantizedDepthwisePlan<uint8_t>(const ref::ConvGeometry&,
                                                                    const ref::QuantizedConvParams&,
                                                                    const uint8_t*, const int32_t*);
template void DepthwiseConvQuantized<int8_t>(const QuantizedDepthwisePlan&, const int8_t*, int8_t*,
                                             cpu::ThreadPool&);
template void DepthwiseConvQuantized<uint8_t>(const QuantizedDepthwisePlan&, const uint8_t*,
                                              uint8_t*, cpu::ThreadPool&);

}  // namespace vkd::opt
