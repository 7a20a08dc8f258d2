#include "bench/image.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

namespace vkd::tools {
namespace {

uint32_t ReadU32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint16_t ReadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

constexpr size_t kFileHeaderBytes = 14;
constexpr size_t kInfoHeaderBytes = 40;  // BITMAPINFOHEADER, the smallest we read
constexpr uint32_t kBiRgb = 0;
constexpr uint32_t kBiBitfields = 3;
// Far beyond any test image; keeps width * height * 3 well inside size_t.
constexpr int64_t kMaxDimension = 1 << 15;

}  // namespace

StatusOr<RgbImage> DecodeBmp(const uint8_t* data, size_t size) {
  auto bad = [](const std::string& why) { return DataLossError("not a valid BMP file: " + why); };
  if (size >= 2 && (data[0] != 'B' || data[1] != 'M')) return bad("no 'BM' signature");
  if (size < kFileHeaderBytes + 4) return bad("truncated header");
  const uint32_t pixel_offset = ReadU32(data + 10);
  const uint32_t dib_bytes = ReadU32(data + 14);
  if (dib_bytes < kInfoHeaderBytes) {
    // BITMAPCOREHEADER (12 bytes, OS/2) has 16-bit sizes; nobody writes it any more.
    return UnimplementedError("BMP header of " + std::to_string(dib_bytes) +
                              " bytes unsupported (need BITMAPINFOHEADER or later)");
  }
  if (size < kFileHeaderBytes + kInfoHeaderBytes) return bad("truncated header");
  const uint8_t* info = data + kFileHeaderBytes;
  const int64_t width = static_cast<int32_t>(ReadU32(info + 4));
  const int64_t signed_height = static_cast<int32_t>(ReadU32(info + 8));
  const uint16_t planes = ReadU16(info + 12);
  const uint16_t bpp = ReadU16(info + 14);
  const uint32_t compression = ReadU32(info + 16);
  // Negative height: rows are stored top-down.
  const bool top_down = signed_height < 0;
  const int64_t height = top_down ? -signed_height : signed_height;
  if (planes != 1) return bad(std::to_string(planes) + " planes");
  if (width <= 0 || height <= 0 || width > kMaxDimension || height > kMaxDimension) {
    return bad("size " + std::to_string(width) + "x" + std::to_string(signed_height));
  }
  if (bpp != 24 && bpp != 32) {
    return UnimplementedError("BMP with " + std::to_string(bpp) +
                              " bits per pixel unsupported (only 24 and 32)");
  }
  if (compression == kBiBitfields && bpp == 32) {
    // The masks follow a 40-byte header and sit at the same place inside
    // longer (V4, V5) headers.
    const size_t masks = kFileHeaderBytes + kInfoHeaderBytes;
    if (size < masks + 12) return bad("truncated colour masks");
    if (ReadU32(data + masks) != 0x00FF0000u || ReadU32(data + masks + 4) != 0x0000FF00u ||
        ReadU32(data + masks + 8) != 0x000000FFu) {
      return UnimplementedError("32-bit BMP with non-standard colour masks unsupported");
    }
  } else if (compression != kBiRgb) {
    return UnimplementedError("compressed BMP (compression " + std::to_string(compression) +
                              ") unsupported");
  }

  const size_t bytes_per_pixel = bpp / 8;
  // Rows are padded to a multiple of 4 bytes.
  const size_t stride = (static_cast<size_t>(width) * bytes_per_pixel + 3) / 4 * 4;
  // The last row's padding may be missing; its pixels may not.
  const size_t needed = static_cast<size_t>(pixel_offset) + stride * (height - 1) +
                        static_cast<size_t>(width) * bytes_per_pixel;
  if (pixel_offset < kFileHeaderBytes + kInfoHeaderBytes || needed > size) {
    return bad("pixel data truncated: need " + std::to_string(needed) + " bytes, file has " +
               std::to_string(size));
  }

  RgbImage image;
  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  for (int64_t y = 0; y < height; ++y) {
    const int64_t stored_row = top_down ? y : height - 1 - y;
    const uint8_t* src = data + pixel_offset + stride * stored_row;
    uint8_t* dst = image.rgb.data() + static_cast<size_t>(y) * width * 3;
    for (int64_t x = 0; x < width; ++x, src += bytes_per_pixel, dst += 3) {
      dst[0] = src[2];  // stored as B, G, R(, X)
      dst[1] = src[1];
      dst[2] = src[0];
    }
  }
  return image;
}

StatusOr<RgbImage> ReadBmp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return NotFoundError("cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto image = DecodeBmp(bytes.data(), bytes.size());
  if (!image.ok()) return image.status().WithContext("'" + path + "'");
  return image;
}

RgbImage CenterCropSquare(const RgbImage& image) {
  const int side = std::min(image.width, image.height);
  const int x0 = (image.width - side) / 2;
  const int y0 = (image.height - side) / 2;
  RgbImage out;
  out.width = out.height = side;
  out.rgb.resize(static_cast<size_t>(side) * side * 3);
  for (int y = 0; y < side; ++y) {
    const uint8_t* src = image.rgb.data() + (static_cast<size_t>(y0 + y) * image.width + x0) * 3;
    std::copy(src, src + static_cast<size_t>(side) * 3,
              out.rgb.data() + static_cast<size_t>(y) * side * 3);
  }
  return out;
}

namespace {

// For one output coordinate: the two source samples and the weight of the second.
struct Tap {
  int lo, hi;
  float frac;
};

std::vector<Tap> Taps(int in, int out) {
  std::vector<Tap> taps(out);
  const float scale = static_cast<float>(in) / out;
  for (int i = 0; i < out; ++i) {
    const float src = std::max(0.0f, (i + 0.5f) * scale - 0.5f);
    const int lo = std::min(static_cast<int>(src), in - 1);
    taps[i] = {lo, std::min(lo + 1, in - 1), lo == in - 1 ? 0.0f : src - lo};
  }
  return taps;
}

}  // namespace

RgbImage ResizeBilinear(const RgbImage& image, int width, int height) {
  const std::vector<Tap> xs = Taps(image.width, width);
  const std::vector<Tap> ys = Taps(image.height, height);
  RgbImage out;
  out.width = width;
  out.height = height;
  out.rgb.resize(static_cast<size_t>(width) * height * 3);
  auto at = [&](int x, int y, int c) {
    return static_cast<float>(image.rgb[(static_cast<size_t>(y) * image.width + x) * 3 + c]);
  };
  for (int y = 0; y < height; ++y) {
    const Tap& ty = ys[y];
    for (int x = 0; x < width; ++x) {
      const Tap& tx = xs[x];
      for (int c = 0; c < 3; ++c) {
        const float top = at(tx.lo, ty.lo, c) * (1 - tx.frac) + at(tx.hi, ty.lo, c) * tx.frac;
        const float bottom = at(tx.lo, ty.hi, c) * (1 - tx.frac) + at(tx.hi, ty.hi, c) * tx.frac;
        const float v = top * (1 - ty.frac) + bottom * ty.frac;
        out.rgb[(static_cast<size_t>(y) * width + x) * 3 + c] =
            static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
      }
    }
  }
  return out;
}

HostTensor ImageToTensor(const RgbImage& image) {
  HostTensor t;
  t.type = ir::DataType::kUInt8;
  t.shape = {1, image.height, image.width, 3};
  t.bytes = image.rgb;
  return t;
}

}  // namespace vkd::tools
