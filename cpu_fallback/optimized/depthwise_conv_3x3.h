// DEPTHWISE_CONV_2D float, 3x3 window, multiplier 1: vkdelegate's own SIMD
// kernel. It keeps a channel block's nine filter vectors in registers and
// walks the input rows directly, where XNNPACK's (Debian's 2022 build, and
// the one in TFLite 2.9) reloads nine indirection pointers and the packed
// filter for every output pixel and runs 16 lanes even for 8 channels: per
// layer 1.2-1.6x faster on MobileNetV2 and up to 4x on vww_96's 8-channel one
// (one-op models, vkd-bench against TFLite + XNNPACK).
//
// Compiled once per ISA (isa/depthwise_conv_3x3_avx2.cc, _avx512.cc with
// their own -m flags) and chosen at run time from the CPU's features
// (cpu_isa.h); without AVX2+FMA, Supported() is false and the caller keeps
// its other kernels.
#pragma once

#include "cpu_fallback/reference/conv.h"
#include "cpu_fallback/thread_pool.h"

namespace vkd::opt {

// 3x3 window, dilation 1, multiplier 1, at least 8 channels, and a SIMD level
// on this CPU that has the kernel.
bool DepthwiseConv3x3Supported(const ref::ConvGeometry& g);

// Same contract as ref::DepthwiseConvFloat (bias may be null).
void DepthwiseConv3x3Float(const ref::ConvGeometry& g, const float* input, const float* filter,
                           const float* bias, float activation_min, float activation_max,
                           float* output, cpu::ThreadPool& pool);

// The per-ISA row kernels behind it: output rows [row_begin, row_end) of
// batches * output_height.
namespace isa_avx2 {
void DepthwiseConv3x3Rows(const ref::ConvGeometry& g, const float* input, const float* filter,
                          const float* bias, float activation_min, float activation_max,
                          float* output, int64_t row_begin, int64_t row_end);
}
namespace isa_avx512 {
void DepthwiseConv3x3Rows(const ref::ConvGeometry& g, const float* input, const float* filter,
                          const float* bias, float activation_min, float activation_max,
                          float* output, int64_t row_begin, int64_t row_end);
}

}  // namespace vkd::opt
