#include "delegate/gpu/layout.h"

#include <cstring>
#include <glm/gtc/packing.hpp>

namespace vkd::gpu_delegate {

using shaders::Precision;
using shaders::TensorDims;

void PackToGpu(const float* src, const TensorDims& d, Precision p, void* dst) {
  const int c = d.c, c4 = d.c4();
  const int64_t pixels = int64_t{d.b} * d.h * d.w;
  if (p == Precision::kFp32) {
    float* out = static_cast<float*>(dst);
    if (c % 4 == 0) {
      std::memcpy(out, src, static_cast<size_t>(pixels) * c * sizeof(float));
      return;
    }
    for (int64_t px = 0; px < pixels; ++px) {
      float* o = out + px * c4 * 4;
      std::memcpy(o, src + px * c, c * sizeof(float));
      std::memset(o + c, 0, (c4 * 4 - c) * sizeof(float));
    }
    return;
  }
  uint16_t* out = static_cast<uint16_t*>(dst);
  for (int64_t px = 0; px < pixels; ++px) {
    uint16_t* o = out + px * c4 * 4;
    for (int k = 0; k < c4 * 4; ++k) {
      o[k] = k < c ? glm::packHalf1x16(src[px * c + k]) : 0;
    }
  }
}

std::vector<uint8_t> EncodeScalars(const std::vector<float>& values, Precision p) {
  std::vector<uint8_t> bytes(values.size() * ScalarBytes(p));
  if (p == Precision::kFp32) {
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
  }
  uint16_t* out = reinterpret_cast<uint16_t*>(bytes.data());
  for (size_t i = 0; i < values.size(); ++i) out[i] = glm::packHalf1x16(values[i]);
  return bytes;
}

std::vector<float> RelayoutConvWeights(const float* ohwi, int o, int kh, int kw, int i) {
  const int o4 = (o + 3) / 4, i4 = (i + 3) / 4;
  std::vector<float> out(static_cast<size_t>(o4) * kh * kw * i4 * 16, 0.0f);
  for (int oc = 0; oc < o; ++oc) {
    for (int y = 0; y < kh; ++y) {
      for (int x = 0; x < kw; ++x) {
        for (int ic = 0; ic < i; ++ic) {
          const size_t vec =
              ((((static_cast<size_t>(oc / 4) * kh + y) * kw + x) * i4 + ic / 4) * 4) + ic % 4;
          out[vec * 4 + oc % 4] = ohwi[((static_cast<size_t>(oc) * kh + y) * kw + x) * i + ic];
        }
      }
    }
  }
  return out;
}

std::vector<float> RelayoutDepthwiseWeights(const float* hwc, int kh, int kw, int c) {
  const int c4 = (c + 3) / 4;
  std::vector<float> out(static_cast<size_t>(kh) * kw * c4 * 4, 0.0f);
  for (int y = 0; y < kh; ++y) {
    for (int x = 0; x < kw; ++x) {
      for (int ch = 0; ch < c; ++ch) {
        out[((static_cast<size_t>(y) * kw + x) * c4) * 4 + ch] =
            hwc[(static_cast<size_t>(y) * kw + x) * c + ch];
      }
    }
  }
  return out;
}

std::vector<float> PadChannels(const float* values, int c) {
  std::vector<float> out(static_cast<size_t>((c + 3) / 4) * 4, 0.0f);
  if (values) std::memcpy(out.data(), values, c * sizeof(float));
  return out;
}

}  // namespace vkd::gpu_delegate
