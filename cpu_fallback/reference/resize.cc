#include "cpu_fallback/reference/resize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cpu_fallback/qshape_util.h"
#include "ops/resize.h"

namespace vkd::ref {

using ops::ResizeScale;

namespace {

// TFLite's ComputeInterpolationValues: the source position of output index
// `value` and the two input indices around it, each clamped into the input.
// The weights use the clamped lower bound, so positions before the first
// pixel (half-pixel centers at the border) collapse onto pixel 0.
void InterpolationValues(int value, float scale, bool half_pixel_centers, int input_size,
                         float* scaled_value, int* lower_bound, int* upper_bound) {
  if (half_pixel_centers) {
    *scaled_value = (static_cast<float>(value) + 0.5f) * scale - 0.5f;
  } else {
    *scaled_value = static_cast<float>(value) * scale;
  }
  const float scaled_value_floor = std::floor(*scaled_value);
  *lower_bound = std::max(static_cast<int>(scaled_value_floor), 0);
  *upper_bound = std::min(static_cast<int>(std::ceil(*scaled_value)), input_size - 1);
}

// TFLite's GetNearestNeighbor. TfLiteRound is std::round (halves away from zero).
int NearestNeighbor(int value, int input_size, int output_size, bool align_corners,
                    bool half_pixel_centers) {
  const float scale = ResizeScale(input_size, output_size, align_corners);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float scaled = (static_cast<float>(value) + offset) * scale;
  int result = std::min(
      align_corners ? static_cast<int>(std::round(scaled)) : static_cast<int>(std::floor(scaled)),
      input_size - 1);
  if (half_pixel_centers) result = std::max(result, 0);
  return result;
}

}  // namespace

void ResizeBilinear(const ResizeParams& p, const float* in, float* out) {
  const float scale_y = ResizeScale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = ResizeScale(p.in_w, p.out_w, p.align_corners);
  const int c = p.channels;
  auto at = [&](int b, int y, int x, int ch) {
    return in[((static_cast<int64_t>(b) * p.in_h + y) * p.in_w + x) * c + ch];
  };
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      float in_y;
      int y0, y1;
      InterpolationValues(y, scale_y, p.half_pixel_centers, p.in_h, &in_y, &y0, &y1);
      for (int x = 0; x < p.out_w; ++x) {
        float in_x;
        int x0, x1;
        InterpolationValues(x, scale_x, p.half_pixel_centers, p.in_w, &in_x, &x0, &x1);
        const float dy = in_y - static_cast<float>(y0), dx = in_x - static_cast<float>(x0);
        float* o = out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * c;
        for (int ch = 0; ch < c; ++ch) {
          o[ch] = at(b, y0, x0, ch) * (1 - dy) * (1 - dx) + at(b, y1, x0, ch) * dy * (1 - dx) +
                  at(b, y0, x1, ch) * (1 - dy) * dx + at(b, y1, x1, ch) * dy * dx;
        }
      }
    }
  }
}

void ResizeNearestNeighbor(const ResizeParams& p, const float* in, float* out) {
  const int c = p.channels;
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      const int in_y = NearestNeighbor(y, p.in_h, p.out_h, p.align_corners, p.half_pixel_centers);
      for (int x = 0; x < p.out_w; ++x) {
        const int in_x = NearestNeighbor(x, p.in_w, p.out_w, p.align_corners, p.half_pixel_centers);
        std::memcpy(out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * c,
                    in + ((static_cast<int64_t>(b) * p.in_h + in_y) * p.in_w + in_x) * c,
                    static_cast<size_t>(c) * sizeof(float));
      }
    }
  }
}

namespace {

// InterpolationValues with TFLite's float rounding: the half-pixel product
// is rounded before the - 0.5 (no FMA), as in the 2.9 library.
void InterpolationValuesExact(int value, float scale, bool half_pixel_centers, int input_size,
                              float* scaled_value, int* lower_bound, int* upper_bound) {
  if (half_pixel_centers) {
    *scaled_value = cpu::MulAdd(static_cast<float>(value) + 0.5f, scale, -0.5f);
  } else {
    *scaled_value = static_cast<float>(value) * scale;
  }
  *lower_bound = std::max(static_cast<int>(std::floor(*scaled_value)), 0);
  *upper_bound = std::min(static_cast<int>(std::ceil(*scaled_value)), input_size - 1);
}

}  // namespace

void ResizeBilinearUint8(const ResizeParams& p, const uint8_t* in, uint8_t* out) {
  const float scale_y = ResizeScale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = ResizeScale(p.in_w, p.out_w, p.align_corners);
  const int c = p.channels;
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      float in_y;
      int y0, y1;
      InterpolationValuesExact(y, scale_y, p.half_pixel_centers, p.in_h, &in_y, &y0, &y1);
      for (int x = 0; x < p.out_w; ++x) {
        float in_x;
        int x0, x1;
        InterpolationValuesExact(x, scale_x, p.half_pixel_centers, p.in_w, &in_x, &x0, &x1);
        auto row = [&](int yy, int xx) {
          return in + ((static_cast<int64_t>(b) * p.in_h + yy) * p.in_w + xx) * c;
        };
        const uint8_t* i00 = row(y0, x0);
        const uint8_t* i01 = row(y0, x1);
        const uint8_t* i10 = row(y1, x0);
        const uint8_t* i11 = row(y1, x1);
        const float dy = in_y - static_cast<float>(y0), dx = in_x - static_cast<float>(x0);
        const float w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx;
        const float w10 = dy * (1 - dx), w11 = dy * dx;
        uint8_t* o = out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * c;
        for (int ch = 0; ch < c; ++ch) {
          // Each product rounded to float, summed left to right, as TFLite.
          float sum = cpu::KeepRounded(static_cast<float>(i00[ch]) * w00);
          sum = cpu::MulAdd(static_cast<float>(i01[ch]), w01, sum);
          sum = cpu::MulAdd(static_cast<float>(i10[ch]), w10, sum);
          sum = cpu::MulAdd(static_cast<float>(i11[ch]), w11, sum);
          o[ch] = static_cast<uint8_t>(static_cast<int32_t>(sum + 0.5f));
        }
      }
    }
  }
}

namespace {

// TFLite's ComputeInterpolationValuesInteger: positions in 1/1024 pixels.
void InterpolationValuesInteger(int32_t value, int32_t scale_10, bool half_pixel_centers,
                                int32_t input_size, int32_t* scaled_value, int32_t* lower_bound,
                                int32_t* upper_bound) {
  *scaled_value =
      half_pixel_centers ? value * scale_10 + scale_10 / 2 - (1 << 9) : value * scale_10;
  // C division truncates toward zero: a position just before pixel 0
  // still has lower bound 0.
  *lower_bound = std::max(*scaled_value / (1 << 10), 0);
  *upper_bound = std::min((*scaled_value + (1 << 10) - 1) / (1 << 10), input_size - 1);
}

int32_t Scale10(int in_size, int out_size, bool align_corners) {
  if (align_corners && out_size > 1) {
    return ((1 << 10) * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1);
  }
  return ((1 << 10) * in_size + out_size / 2) / out_size;
}

}  // namespace

void ResizeBilinearInt8(const ResizeParams& p, const int8_t* in, int8_t* out) {
  const int32_t scale_y = Scale10(p.in_h, p.out_h, p.align_corners);
  const int32_t scale_x = Scale10(p.in_w, p.out_w, p.align_corners);
  const int c = p.channels;
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      int32_t in_y, y0, y1;
      InterpolationValuesInteger(y, scale_y, p.half_pixel_centers, p.in_h, &in_y, &y0, &y1);
      const int64_t dy = in_y - (1 << 10) * y0;  // may exceed 1024 or be negative at borders
      for (int x = 0; x < p.out_w; ++x) {
        int32_t in_x, x0, x1;
        InterpolationValuesInteger(x, scale_x, p.half_pixel_centers, p.in_w, &in_x, &x0, &x1);
        const int64_t dx = in_x - (1 << 10) * x0;
        const int64_t w00 = ((1 << 10) - dy) * ((1 << 10) - dx), w10 = dy * ((1 << 10) - dx);
        const int64_t w01 = ((1 << 10) - dy) * dx, w11 = dy * dx;
        auto row = [&](int yy, int xx) {
          return in + ((static_cast<int64_t>(b) * p.in_h + yy) * p.in_w + xx) * c;
        };
        const int8_t* i00 = row(y0, x0);
        const int8_t* i01 = row(y0, x1);
        const int8_t* i10 = row(y1, x0);
        const int8_t* i11 = row(y1, x1);
        int8_t* o = out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * c;
        for (int ch = 0; ch < c; ++ch) {
          const int64_t sum = i00[ch] * w00 + i10[ch] * w10 + i01[ch] * w01 + i11[ch] * w11;
          const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
          o[ch] = static_cast<int8_t>((sum + round) / (1 << 20));
        }
      }
    }
  }
}

void ResizeNearestNeighborBytes(const ResizeParams& p, size_t element_bytes, bool fixed_point,
                                const uint8_t* in, uint8_t* out) {
  const size_t pixel = static_cast<size_t>(p.channels) * element_bytes;
  const int32_t scale_y = (p.in_h << 16) / p.out_h + 1;
  const int32_t scale_x = (p.in_w << 16) / p.out_w + 1;
  auto source = [&](int v, int in_size, int out_size, int32_t fixed_scale) {
    if (fixed_point) {
      return std::min(static_cast<int>((static_cast<int64_t>(v) * fixed_scale) >> 16), in_size - 1);
    }
    return NearestNeighbor(v, in_size, out_size, p.align_corners, p.half_pixel_centers);
  };
  for (int b = 0; b < p.batch; ++b) {
    for (int y = 0; y < p.out_h; ++y) {
      const int in_y = source(y, p.in_h, p.out_h, scale_y);
      for (int x = 0; x < p.out_w; ++x) {
        const int in_x = source(x, p.in_w, p.out_w, scale_x);
        std::memcpy(out + ((static_cast<int64_t>(b) * p.out_h + y) * p.out_w + x) * pixel,
                    in + ((static_cast<int64_t>(b) * p.in_h + in_y) * p.in_w + in_x) * pixel,
                    pixel);
      }
    }
  }
}

}  // namespace vkd::ref
