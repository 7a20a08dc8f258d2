#include "cpu_fallback/optimized/quantized_conv.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "cpu_fallback/optimized/quant_isa.h"
#include "cpu_fallback/optimized/quantized_simd.h"

VKD_QUANT_NAMESPACE_BEGIN

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
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::ConvQuantized(plan, input, output, pool);
#endif
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
      // Without dilation a filter row lying inside the input is one run of
      // filter_width * depth bytes: one copy instead of one per tap (with
      // few channels the per-tap copies cost more than the GEMM).
      const bool x_inside = g.dilation_width == 1 && in_x_origin >= 0 &&
                            in_x_origin + g.filter_width <= g.input_width;
      for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
        const int in_y = in_y_origin + g.dilation_height * filter_y;
        if (x_inside && in_y >= 0 && in_y < g.input_height) {
          const size_t run = static_cast<size_t>(g.filter_width) * depth;
          const uint8_t* src =
              in +
              ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width + in_x_origin) *
                  depth;
#if defined(VKD_QUANT_AVX512)
          // Short runs (a first layer's 3 channels): a masked move, not a memcpy call.
          if (run < 16) {
            const __mmask16 mask = static_cast<__mmask16>((1u << run) - 1);
            _mm_mask_storeu_epi8(row, mask, _mm_maskz_loadu_epi8(mask, src));
            row += run;
            continue;
          }
#endif
          std::memcpy(row, src, run);
          row += run;
          continue;
        }
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
  const int padded = (channels + 15) / 16 * 16;
  const int taps = g.filter_height * g.filter_width;
  plan.padded_depth = padded;
  plan.filter.assign(static_cast<size_t>(taps) * padded, 0);
  plan.bias.assign(padded, 0);
  plan.interior_bias.assign(padded, 0);
  plan.multiplier.assign(padded, 0);
  plan.left_shift.assign(padded, 0);
  plan.right_shift.assign(padded, 0);
  for (int c = 0; c < channels; ++c) {
    int64_t filter_sum = 0;
    for (int t = 0; t < taps; ++t) {
      const int32_t w = filter[static_cast<size_t>(t) * channels + c] + params.filter_offset;
      plan.filter[static_cast<size_t>(t) * padded + c] = w;
      filter_sum += w;
    }
    plan.bias[c] = bias != nullptr ? bias[c] : 0;
    // Wrapping like the int32 accumulation it replaces.
    plan.interior_bias[c] = static_cast<int32_t>(
        static_cast<uint32_t>(plan.bias[c] + params.input_offset * filter_sum));
    plan.multiplier[c] = params.output_multiplier[c];
    plan.left_shift[c] = std::max(params.output_shift[c], 0);
    plan.right_shift[c] = std::max(-params.output_shift[c], 0);
  }
  plan.rounding = params.rounding;
  plan.input_offset = params.input_offset;
  plan.output_offset = params.output_offset;
  plan.activation_min = params.activation_min;
  plan.activation_max = params.activation_max;
  if (16 % channels == 0 && channels < 16 && g.depth_multiplier() == 1 && g.stride_width == 1 &&
      g.dilation_width == 1) {
    plan.pixels_per_vector = 16 / channels;
    const auto tile = [channels](const int32_t* per_channel) {
      std::vector<int32_t> tiled(16);
      for (int lane = 0; lane < 16; ++lane) tiled[lane] = per_channel[lane % channels];
      return tiled;
    };
    for (int t = 0; t < taps; ++t) {
      const std::vector<int32_t> w = tile(plan.filter.data() + static_cast<size_t>(t) * padded);
      plan.filter_tiled.insert(plan.filter_tiled.end(), w.begin(), w.end());
    }
    plan.interior_bias_tiled = tile(plan.interior_bias.data());
    plan.multiplier_tiled = tile(plan.multiplier.data());
    plan.left_shift_tiled = tile(plan.left_shift.data());
    plan.right_shift_tiled = tile(plan.right_shift.data());
  }
  return plan;
}

namespace {

// One output pixel, depth multiplier 1: for each block of 16 channels the
// accumulator stays in a register across the taps. `interior` pixels (every
// tap inside the input) start from interior_bias and multiply the raw input.
#if defined(VKD_QUANT_AVX512)
template <typename T>
void DepthwisePixel(const QuantizedDepthwisePlan& plan, const T* const* tap_inputs,
                    const int* tap_index, int num_taps, bool interior, T* out) {
  const int channels = plan.geometry.output_depth;
  const bool half_up = plan.rounding == ref::FinalRounding::kHalfUp;
  const __m512i input_offset = _mm512_set1_epi32(interior ? 0 : plan.input_offset);
  const int32_t* bias = interior ? plan.interior_bias.data() : plan.bias.data();
  for (int c = 0; c < channels; c += 16) {
    const __mmask16 mask =
        channels - c >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (channels - c)) - 1);
    __m512i acc = _mm512_loadu_si512(bias + c);
    for (int t = 0; t < num_taps; ++t) {
      const __m128i bytes = _mm_maskz_loadu_epi8(mask, tap_inputs[t] + c);
      __m512i x =
          std::is_same_v<T, int8_t> ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
      if (!interior) x = _mm512_add_epi32(x, input_offset);
      const __m512i w = _mm512_loadu_si512(
          plan.filter.data() + static_cast<size_t>(tap_index[t]) * plan.padded_depth + c);
      acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(x, w));
    }
    __m512i v = simd::RequantizeVec(acc, _mm512_loadu_si512(plan.multiplier.data() + c),
                                    _mm512_loadu_si512(plan.left_shift.data() + c),
                                    _mm512_loadu_si512(plan.right_shift.data() + c), half_up);
    v = _mm512_add_epi32(v, _mm512_set1_epi32(plan.output_offset));
    v = _mm512_max_epi32(v, _mm512_set1_epi32(plan.activation_min));
    v = _mm512_min_epi32(v, _mm512_set1_epi32(plan.activation_max));
    _mm_mask_storeu_epi8(out + c, mask, _mm512_cvtepi32_epi8(v));
  }
}
// plan.pixels_per_vector neighbouring interior output pixels at once; tap t's
// inputs for all of them are the 16 bytes from tap_inputs[t] on.
template <typename T>
void DepthwisePixelsPacked(const QuantizedDepthwisePlan& plan, const T* const* tap_inputs,
                           int num_taps, T* out) {
  __m512i acc = _mm512_loadu_si512(plan.interior_bias_tiled.data());
  for (int t = 0; t < num_taps; ++t) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tap_inputs[t]));
    const __m512i x =
        std::is_same_v<T, int8_t> ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
    acc = _mm512_add_epi32(
        acc, _mm512_mullo_epi32(x, _mm512_loadu_si512(plan.filter_tiled.data() + 16 * t)));
  }
  __m512i v = simd::RequantizeVec(acc, _mm512_loadu_si512(plan.multiplier_tiled.data()),
                                  _mm512_loadu_si512(plan.left_shift_tiled.data()),
                                  _mm512_loadu_si512(plan.right_shift_tiled.data()),
                                  plan.rounding == ref::FinalRounding::kHalfUp);
  v = _mm512_add_epi32(v, _mm512_set1_epi32(plan.output_offset));
  v = _mm512_max_epi32(v, _mm512_set1_epi32(plan.activation_min));
  v = _mm512_min_epi32(v, _mm512_set1_epi32(plan.activation_max));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_cvtepi32_epi8(v));
}
// Output pixels [x_begin, x_end) of one row whose windows all lie inside the
// input, depth multiplier 1: per block of 16 channels the filter stays in
// registers while the span is walked, and each tap is a fixed offset
// (tap_offsets, in bytes) from the pixel's window origin. `window` is the
// window origin of pixel x_begin; `out` its output.
template <typename T>
void DepthwiseInteriorSpan(const QuantizedDepthwisePlan& plan, const T* window,
                           const int64_t* tap_offsets, int num_taps, int x_begin, int x_end,
                           T* out) {
  const int channels = plan.geometry.output_depth;
  const int64_t x_step = static_cast<int64_t>(plan.geometry.stride_width) * channels;
  const bool half_up = plan.rounding == ref::FinalRounding::kHalfUp;
  const __m512i output_offset = _mm512_set1_epi32(plan.output_offset);
  const __m512i lo = _mm512_set1_epi32(plan.activation_min);
  const __m512i hi = _mm512_set1_epi32(plan.activation_max);
  for (int c = 0; c < channels; c += 16) {
    const __mmask16 mask =
        channels - c >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (channels - c)) - 1);
    const __m512i bias = _mm512_loadu_si512(plan.interior_bias.data() + c);
    const __m512i multiplier = _mm512_loadu_si512(plan.multiplier.data() + c);
    const __m512i left_shift = _mm512_loadu_si512(plan.left_shift.data() + c);
    const __m512i right_shift = _mm512_loadu_si512(plan.right_shift.data() + c);
    const int32_t* filter = plan.filter.data() + c;
    const T* in = window + c;
    T* o = out + c;
    for (int x = x_begin; x < x_end; ++x, in += x_step, o += channels) {
      __m512i acc = bias;
      for (int t = 0; t < num_taps; ++t) {
        const __m128i bytes = _mm_maskz_loadu_epi8(mask, in + tap_offsets[t]);
        const __m512i v =
            std::is_same_v<T, int8_t> ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
        acc = _mm512_add_epi32(
            acc, _mm512_mullo_epi32(
                     v, _mm512_loadu_si512(filter + static_cast<size_t>(t) * plan.padded_depth)));
      }
      __m512i r = simd::RequantizeVec(acc, multiplier, left_shift, right_shift, half_up);
      r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, output_offset), lo), hi);
      _mm_mask_storeu_epi8(o, mask, _mm512_cvtepi32_epi8(r));
    }
  }
}
#else
template <typename T>
void DepthwisePixel(const QuantizedDepthwisePlan& plan, const T* const* tap_inputs,
                    const int* tap_index, int num_taps, bool interior, T* out) {
  constexpr int kBlock = 64;
  const int channels = plan.geometry.output_depth;
  const int32_t input_offset = interior ? 0 : plan.input_offset;
  const int32_t* bias = interior ? plan.interior_bias.data() : plan.bias.data();
  int32_t acc[kBlock];
  for (int c0 = 0; c0 < channels; c0 += kBlock) {
    const int block = std::min(kBlock, channels - c0);
    std::copy(bias + c0, bias + c0 + block, acc);
    for (int t = 0; t < num_taps; ++t) {
      const T* in = tap_inputs[t] + c0;
      const int32_t* w =
          plan.filter.data() + static_cast<size_t>(tap_index[t]) * plan.padded_depth + c0;
      for (int c = 0; c < block; ++c) acc[c] += (static_cast<int32_t>(in[c]) + input_offset) * w[c];
    }
    RequantizeRow(acc, block, plan.multiplier.data() + c0, plan.left_shift.data() + c0,
                  plan.right_shift.data() + c0, plan.rounding, plan.output_offset,
                  plan.activation_min, plan.activation_max, out + c0);
  }
}
#endif

// Depth multiplier > 1 (rare): plain loops, 64 channels at a time.
template <typename T>
void DepthwisePixelMultiplier(const QuantizedDepthwisePlan& plan, const T* const* tap_inputs,
                              const int* tap_index, int num_taps, T* out) {
  constexpr int kBlock = 64;
  const ref::ConvGeometry& g = plan.geometry;
  const int depth_multiplier = g.depth_multiplier();
  int32_t acc[kBlock];
  for (int c0 = 0; c0 < g.output_depth; c0 += kBlock) {
    const int block = std::min(kBlock, g.output_depth - c0);
    for (int c = 0; c < block; ++c) {
      int32_t sum = plan.bias[c0 + c];
      for (int t = 0; t < num_taps; ++t) {
        sum +=
            (static_cast<int32_t>(tap_inputs[t][(c0 + c) / depth_multiplier]) + plan.input_offset) *
            plan.filter[static_cast<size_t>(tap_index[t]) * plan.padded_depth + c0 + c];
      }
      acc[c] = sum;
    }
    RequantizeRow(acc, block, plan.multiplier.data() + c0, plan.left_shift.data() + c0,
                  plan.right_shift.data() + c0, plan.rounding, plan.output_offset,
                  plan.activation_min, plan.activation_max, out + c0);
  }
}

}  // namespace

template <typename T>
void DepthwiseConvQuantized(const QuantizedDepthwisePlan& plan, const T* input, T* output,
                            cpu::ThreadPool& pool) {
#if defined(VKD_QUANT_DISPATCH) && !defined(VKD_QUANT_ISA_COPY)
  if (UseAvx512Vnni()) return avx512_entry::DepthwiseConvQuantized(plan, input, output, pool);
#endif
  const ref::ConvGeometry& g = plan.geometry;
  const int channels = g.output_depth;
  const int taps = g.filter_height * g.filter_width;
  const int rows = g.batches * g.output_height;
  const int64_t work_per_row = static_cast<int64_t>(g.output_width) * channels * taps;
  const int64_t min_chunk = std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, work_per_row));
  const bool multiplier = g.depth_multiplier() != 1;
#if defined(VKD_QUANT_AVX512)
  // Byte offsets of the taps from a window's origin pixel.
  int64_t tap_offsets[kMaxDepthwiseTaps];
  for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
    for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
      tap_offsets[filter_y * g.filter_width + filter_x] =
          (static_cast<int64_t>(filter_y) * g.dilation_height * g.input_width +
           static_cast<int64_t>(filter_x) * g.dilation_width) *
          g.input_depth;
    }
  }
#endif
  pool.ParallelFor(rows, min_chunk, [&](int64_t begin, int64_t end) {
    const T* tap_inputs[kMaxDepthwiseTaps];
    int tap_index[kMaxDepthwiseTaps];
    for (int64_t row = begin; row < end; ++row) {
      const int batch = static_cast<int>(row / g.output_height);
      const int out_y = static_cast<int>(row % g.output_height);
      const int in_y_origin = out_y * g.stride_height - g.padding_top;
#if defined(VKD_QUANT_AVX512)
      const int packed = plan.pixels_per_vector;
      const bool rows_inside =
          in_y_origin >= 0 &&
          in_y_origin + (g.filter_height - 1) * g.dilation_height < g.input_height;
      // The interior span [span_begin, span_end) of this row (empty unless
      // every filter row lies inside the input).
      int span_begin = 0, span_end = 0;
      if (rows_inside && !multiplier && packed == 1) {
        span_begin = (g.padding_left + g.stride_width - 1) / g.stride_width;
        const int last_origin = g.input_width - 1 - (g.filter_width - 1) * g.dilation_width;
        span_end =
            last_origin + g.padding_left < 0
                ? 0
                : std::min(g.output_width, (last_origin + g.padding_left) / g.stride_width + 1);
      }
#endif
      for (int out_x = 0; out_x < g.output_width; ++out_x) {
        const int in_x_origin = out_x * g.stride_width - g.padding_left;
#if defined(VKD_QUANT_AVX512)
        if (out_x == span_begin && span_end > span_begin) {
          DepthwiseInteriorSpan(
              plan,
              input + ((static_cast<size_t>(batch) * g.input_height + in_y_origin) * g.input_width +
                       in_x_origin) *
                          g.input_depth,
              tap_offsets, taps, span_begin, span_end,
              output + (static_cast<size_t>(row) * g.output_width + out_x) * channels);
          out_x = span_end - 1;
          continue;
        }
        // (stride and dilation 1 along x when packed > 1)
        if (packed > 1 && rows_inside && out_x + packed <= g.output_width && in_x_origin >= 0 &&
            in_x_origin + packed - 1 + g.filter_width <= g.input_width) {
          int t = 0;
          for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
            const int in_y = in_y_origin + g.dilation_height * filter_y;
            for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
              tap_inputs[t++] =
                  input + ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width +
                           in_x_origin + filter_x) *
                              g.input_depth;
            }
          }
          DepthwisePixelsPacked(
              plan, tap_inputs, taps,
              output + (static_cast<size_t>(row) * g.output_width + out_x) * channels);
          out_x += packed - 1;
          continue;
        }
#endif
        int num_taps = 0;
        for (int filter_y = 0; filter_y < g.filter_height; ++filter_y) {
          const int in_y = in_y_origin + g.dilation_height * filter_y;
          if (in_y < 0 || in_y >= g.input_height) continue;  // padding adds nothing
          for (int filter_x = 0; filter_x < g.filter_width; ++filter_x) {
            const int in_x = in_x_origin + g.dilation_width * filter_x;
            if (in_x < 0 || in_x >= g.input_width) continue;
            tap_inputs[num_taps] =
                input +
                ((static_cast<size_t>(batch) * g.input_height + in_y) * g.input_width + in_x) *
                    g.input_depth;
            tap_index[num_taps++] = filter_y * g.filter_width + filter_x;
          }
        }
        T* out = output + (static_cast<size_t>(row) * g.output_width + out_x) * channels;
        if (multiplier) {
          DepthwisePixelMultiplier(plan, tap_inputs, tap_index, num_taps, out);
        } else {
          DepthwisePixel(plan, tap_inputs, tap_index, num_taps, num_taps == taps, out);
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

VKD_QUANT_NAMESPACE_END  // namespace vkd::opt
