// Host-side layout conversions between TFLite's dense NHWC float tensors and
// the GPU layout of shaders/kernel_spec.h (BHWC, channels padded to 4, fp32
// or fp16), and the one-time re-layout of constant weights at upload.
#pragma once

#include <cstdint>
#include <vector>

#include "shaders/kernel_spec.h"

namespace vkd::gpu_delegate {

// Bytes of one stored scalar.
inline size_t ScalarBytes(shaders::Precision p) { return p == shaders::Precision::kFp16 ? 2 : 4; }
inline size_t GpuTensorBytes(const shaders::TensorDims& d, shaders::Precision p) {
  return static_cast<size_t>(d.vec4_count()) * 4 * ScalarBytes(p);
}

// Dense NHWC float (b*h*w*c values) -> padded GPU layout at `dst`
// (GpuTensorBytes bytes; padding lanes written as zero). For constants packed
// at build time; a partition's inputs and outputs are converted on the GPU
// (io_pack.glsl / io_unpack.glsl).
void PackToGpu(const float* src, const shaders::TensorDims& d, shaders::Precision p, void* dst);

// Float values -> stored scalars (fp16 through glm::packHalf2x16).
std::vector<uint8_t> EncodeScalars(const std::vector<float>& values, shaders::Precision p);

// CONV_2D / FULLY_CONNECTED / TRANSPOSE_CONV filter [O][KH][KW][I] ->
// [O4][KH][KW][I4][4 input lanes] of vec4 over 4 output channels (zero padded).
std::vector<float> RelayoutConvWeights(const float* ohwi, int o, int kh, int kw, int i);
// DEPTHWISE_CONV_2D filter [1][KH][KW][C] -> [KH][KW][C4] vec4.
std::vector<float> RelayoutDepthwiseWeights(const float* hwc, int kh, int kw, int c);
// A per-channel vector [C] (bias) -> [C4] vec4; nullptr gives zeros.
std::vector<float> PadChannels(const float* values, int c);

}  // namespace vkd::gpu_delegate
