#include "cpu_fallback/optimized/conv.h"

#include <algorithm>

namespace vkd::opt {

namespace {

template <typename T>
ConvPlan MakeConvPlanImpl(const ref::ConvGeometry& g, const T* filter) {
  ConvPlan plan;
  plan.geometry = g;
  const int taps = g.filter_height * g.filter_width;
  if (taps > kMaxConvTaps) return plan;
  plan.supported = true;
  const int groups = g.groups();
  const int filters_per_group = g.output_depth / groups;
  const int k = taps * g.filter_input_depth;
  for (int group = 0; group < groups; ++group) {
    plan.groups.push_back(PackWeights(filter + static_cast<size_t>(group) * filters_per_group * k,
                                      filters_per_group, k));
  }
  plan.pointwise = taps == 1 && g.stride_height == 1 && g.stride_width == 1 && groups == 1 &&
                   g.padding_top == 0 && g.padding_left == 0 && g.output_height == g.input_height &&
                   g.output_width == g.input_width;
  if (plan.pointwise) return plan;
  plan.zeros.assign(g.filter_input_depth, 0.0f);
  const int64_t pixels = static_cast<int64_t>(g.batches) * g.output_height * g.output_width;
  plan.offsets.resize(static_cast<size_t>(pixels) * taps);
  int64_t* offset = plan.offsets.data();
  for (int batch = 0; batch < g.batches; ++batch) {
    for (int out_y = 0; out_y < g.output_height; ++out_y) {
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
        for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
          const int in_y = in_y_origin + g.dilation_height * filter_y;
          for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
            const int in_x = in_x_origin + g.dilation_width * filter_x;
            const bool inside =
                in_y >= 0 && in_y < g.input_height && in_x >= 0 && in_x < g.input_width;
            *offset++ =
                inside ? ((static_cast<int64_t>(batch) * g.input_height + in_y) * g.input_width +
                          in_x) *
                             g.input_depth
                       : -1;
          }
        }
      }
    }
  }
  return plan;
}

// The shared body of the float and hybrid forms. `pixel_scales` (one per
// output pixel) is null for float.
void ConvImpl(const ConvPlan& plan, const float* input, const GemmEpilogue& epilogue,
              const float* pixel_scales, float* output, cpu::ThreadPool& pool) {
  const ref::ConvGeometry& g = plan.geometry;
  const int pixels = g.batches * g.output_height * g.output_width;
  if (plan.pointwise) {
    Gemm(input, pixels, plan.groups[0], epilogue, pixel_scales, output, pool);
    return;
  }
  const int taps = g.filter_height * g.filter_width;
  const int filters_per_group = g.output_depth / g.groups();
  const int tiles = (pixels + kTileRows - 1) / kTileRows;
  const int64_t work_per_tile =
      static_cast<int64_t>(kTileRows) * taps * g.filter_input_depth * g.output_depth;
  const int64_t min_chunk = std::max<int64_t>(1, (1 << 17) / std::max<int64_t>(1, work_per_tile));
  pool.ParallelFor(tiles, min_chunk, [&](int64_t begin, int64_t end) {
    const float* a[kMaxConvTaps * kTileRows];
    float* c_rows[kTileRows];
    for (int64_t tile = begin; tile < end; ++tile) {
      const int pixel_begin = static_cast<int>(tile) * kTileRows;
      const int rows = std::min(kTileRows, pixels - pixel_begin);
      for (size_t group = 0; group < plan.groups.size(); ++group) {
        const int channel_offset = static_cast<int>(group) * g.filter_input_depth;
        for (int r = 0; r < kTileRows; ++r) {
          // Rows past the end repeat the last pixel; their results are dropped.
          const int pixel = pixel_begin + std::min(r, rows - 1);
          const int64_t* offsets = plan.offsets.data() + static_cast<size_t>(pixel) * taps;
          for (int t = 0; t < taps; ++t) {
            a[t * kTileRows + r] =
                offsets[t] >= 0 ? input + offsets[t] + channel_offset : plan.zeros.data();
          }
          c_rows[r] =
              output + static_cast<size_t>(pixel) * g.output_depth + group * filters_per_group;
        }
        GemmEpilogue group_epilogue = epilogue;
        if (epilogue.bias != nullptr) group_epilogue.bias += group * filters_per_group;
        if (epilogue.column_scales != nullptr) {
          group_epilogue.column_scales += group * filters_per_group;
        }
        const PackedWeights& w = plan.groups[group];
        GemmTile(a, rows, taps, g.filter_input_depth, w, 0, w.num_panels(), group_epilogue,
                 pixel_scales != nullptr ? pixel_scales + pixel_begin : nullptr, c_rows);
      }
    }
  });
}

}  // namespace

ConvPlan MakeConvPlan(const ref::ConvGeometry& geometry, const float* filter) {
  return MakeConvPlanImpl(geometry, filter);
}

ConvPlan MakeConvPlan(const ref::ConvGeometry& geometry, const int8_t* filter) {
  return MakeConvPlanImpl(geometry, filter);
}

void ConvFloat(const ConvPlan& plan, const float* input, const float* bias, float activation_min,
               float activation_max, float* output, cpu::ThreadPool& pool) {
  GemmEpilogue epilogue;
  epilogue.bias = bias;
  epilogue.activation_min = activation_min;
  epilogue.activation_max = activation_max;
  ConvImpl(plan, input, epilogue, nullptr, output, pool);
}

void ConvHybrid(const ConvPlan& plan, const int8_t* input, const float* input_scales,
                const int32_t* input_zero_points, const float* filter_scales, const float* bias,
                float activation_min, float activation_max, float* dequantized, float* pixel_scales,
                float* output, cpu::ThreadPool& pool) {
  const ref::ConvGeometry& g = plan.geometry;
  const int image_size = g.input_height * g.input_width * g.input_depth;
  DequantizeRows(input, g.batches, image_size, input_zero_points, dequantized);
  const int pixels_per_image = g.output_height * g.output_width;
  for (int batch = 0; batch < g.batches; ++batch) {
    std::fill_n(pixel_scales + static_cast<size_t>(batch) * pixels_per_image, pixels_per_image,
                input_scales[batch]);
  }
  GemmEpilogue epilogue;
  epilogue.bias = bias;
  epilogue.column_scales = filter_scales;
  epilogue.activation_min = activation_min;
  epilogue.activation_max = activation_max;
  ConvImpl(plan, dequantized, epilogue, pixel_scales, output, pool);
}

}  // namespace vkd::opt
