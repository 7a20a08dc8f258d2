// The int8 kernels' AVX-512 VNNI form, chosen at run time.
//
// The four files of optimized int8 kernels (quantize.cc, quantized_gemm.cc,
// quantized_conv.cc, quantized_elementwise.cc) hold a portable form and an
// AVX-512 VNNI form that compute the same numbers. A build for this very
// machine (-DVKD_NATIVE_ARCH=ON on an AVX-512 VNNI CPU) compiles the latter
// directly. Any other x86-64 build compiles each file twice: as itself
// (portable, plus a dispatch at the top of every public function) and, via
// isa/<file>_avx512vnni.cc, inside namespace avx512_impl under a target
// pragma, so that only that file's own functions use AVX-512 (everything from
// headers stays baseline: no AVX-512 copy of a shared inline function can be
// picked by the linker for portable code). avx512_entry holds plain
// forwarders to those, one overload per instantiated type, which the
// dispatch calls when UseAvx512Vnni().
#pragma once

#include <cstdint>

#include "cpu_fallback/optimized/quantized_conv.h"
#include "cpu_fallback/optimized/quantized_elementwise.h"
#include "cpu_fallback/optimized/quantized_gemm.h"
#include "cpu_fallback/optimized/quantize.h"

#if defined(__x86_64__) && !(defined(__AVX512F__) && defined(__AVX512BW__) && \
                             defined(__AVX512VL__) && defined(__AVX512VNNI__))
#define VKD_QUANT_DISPATCH 1
#endif

// Where a kernel file's contents live: vkd::opt, or avx512_impl in the copy.
#if defined(VKD_QUANT_ISA_COPY)
#define VKD_QUANT_NAMESPACE_BEGIN namespace vkd::opt::avx512_impl {
#else
#define VKD_QUANT_NAMESPACE_BEGIN namespace vkd::opt {
#endif
#define VKD_QUANT_NAMESPACE_END }

// The target region of the copies (GCC's pragma; clang's attribute push).
// (One string literal each: _Pragma takes no concatenation.)
// clang-format off
#if defined(__clang__)
#define VKD_AVX512VNNI_BEGIN _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma\"))), apply_to = function)")
#define VKD_AVX512VNNI_END _Pragma("clang attribute pop")
#else
#define VKD_AVX512VNNI_BEGIN _Pragma("GCC push_options") _Pragma("GCC target(\"avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma\")")
#define VKD_AVX512VNNI_END _Pragma("GCC pop_options")
#endif
// clang-format on

namespace vkd::opt {

// True when this build dispatches and the CPU has AVX-512 F/BW/VL/VNNI (and
// VKD_CPU_ISA does not cap it).
bool UseAvx512Vnni();

}  // namespace vkd::opt

#if defined(VKD_QUANT_DISPATCH)
namespace vkd::opt::avx512_entry {

#define VKD_AFFINE(T) void AffineQuantize(const float* in, T* out, int64_t n, float s, int32_t z);
VKD_AFFINE(int8_t)
VKD_AFFINE(uint8_t)
VKD_AFFINE(int16_t)
#undef VKD_AFFINE
#define VKD_REQ(TIn, TOut) \
  void Requantize(const ref::RequantizeParams& p, const TIn* in, TOut* out, int64_t n);
#define VKD_REQ_ALL(TIn) VKD_REQ(TIn, int8_t) VKD_REQ(TIn, uint8_t) VKD_REQ(TIn, int16_t)
VKD_REQ_ALL(int8_t)
VKD_REQ_ALL(uint8_t)
VKD_REQ_ALL(int16_t)
#undef VKD_REQ_ALL
#undef VKD_REQ

#define VKD_GEMM(T)                                                                               \
  void QuantizedGemm(const T* a, int64_t lda, int m, const QuantizedPackedWeights& w,            \
                     const QuantizedOutputStage& s, T* c, int64_t ldc, cpu::ThreadPool& pool);   \
  void RequantizeRow(const int32_t* acc, int n, const int32_t* multiplier,                       \
                     const int32_t* left_shift, const int32_t* right_shift,                      \
                     ref::FinalRounding rounding, int32_t output_offset, int32_t activation_min, \
                     int32_t activation_max, T* out);                                            \
  void ConvQuantized(QuantizedConvPlan& plan, const T* input, T* output, cpu::ThreadPool& pool); \
  void DepthwiseConvQuantized(const QuantizedDepthwisePlan& plan, const T* input, T* output,     \
                              cpu::ThreadPool& pool);                                            \
  void QuantizedAdd(const ref::BroadcastPlan& collapsed, const ref::QuantizedAddParams& params,  \
                    const T* a, const T* b, T* out, cpu::ThreadPool& pool);
VKD_GEMM(int8_t)
VKD_GEMM(uint8_t)
#undef VKD_GEMM

}  // namespace vkd::opt::avx512_entry
#endif
