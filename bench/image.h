// Images for classifier tests and benchmarks: an uncompressed BMP reader and
// the preprocessing TFLite's reference numbers were made with (centre crop to
// a square, bilinear resize to the model's RGB uint8 input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/host_tensor.h"
#include "common/status.h"

namespace vkd::tools {

// 8-bit RGB, rows top to bottom, no padding: pixel (x, y) channel c is at
// rgb[(y * width + x) * 3 + c].
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgb;
};

// Decodes a Windows BMP: 24-bit BGR or 32-bit BGRX/BGRA (alpha dropped),
// uncompressed (BI_RGB, or BI_BITFIELDS with the standard masks), rows
// bottom-up or top-down (negative height), each row padded to 4 bytes.
// Palettes, 16-bit and RLE files yield Unimplemented; truncated or malformed
// ones DataLoss.
StatusOr<RgbImage> DecodeBmp(const uint8_t* data, size_t size);
StatusOr<RgbImage> ReadBmp(const std::string& path);

// The largest centred square (odd leftovers go to the right/bottom).
RgbImage CenterCropSquare(const RgbImage& image);

// Bilinear resize with half-pixel centres (source = (dst + 0.5) * in / out -
// 0.5, clamped at the borders), rounded to nearest, as common image libraries
// do without antialiasing. `width` and `height` must be positive.
RgbImage ResizeBilinear(const RgbImage& image, int width, int height);

// A [1, height, width, 3] UINT8 tensor of the image's bytes.
HostTensor ImageToTensor(const RgbImage& image);

}  // namespace vkd::tools
