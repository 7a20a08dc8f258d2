// Helpers of the quantized pooling / reduction / data-movement kernels
// (pool, reduce, shape, resize, slice, arg_max, gather, pack, split, tile,
// transpose): quantization-parameter checks and the float evaluation order
// some TFLite 2.9 int8/uint8 kernels depend on.
#pragma once

#include <cstdint>
#include <string>

#include "cpu_fallback/kernel.h"
#include "cpu_fallback/quantization.h"

namespace vkd::cpu {

// Keeps `x` a rounded float: the compiler may not fuse the multiply that
// produced it into a following add. We build with -march=native, where GCC
// contracts a * b + c into an FMA by default; TFLite 2.9's library is built
// for plain x86-64 and rounds the product first. Kernels whose float result
// is then rounded to an integer (requantizing CONCATENATION, MEAN, bilinear
// RESIZE) need TFLite's two roundings to land on the same integer.
inline float KeepRounded(float x) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  __asm__("" : "+x"(x));
#elif defined(__GNUC__) && defined(__aarch64__)
  __asm__("" : "+w"(x));
#endif
  return x;
}

// a * b + c with the product rounded to float first (no FMA).
inline float MulAdd(float a, float b, float c) { return KeepRounded(a * b) + c; }

// The per-tensor quantization of an int8/uint8 tensor, with its zero point
// inside the storage type's range; errors name `what` ("input 1").
inline Status GetCheckedQuantParams(const ir::Tensor& t, const std::string& what,
                                    QuantParams* out) {
  VKD_RETURN_IF_ERROR(GetQuantParams(t, what.c_str(), out));
  if (out->zero_point < QuantizedMin(t.type) || out->zero_point > QuantizedMax(t.type)) {
    return InvalidArgumentError(what + ": zero point " + std::to_string(out->zero_point) +
                                " outside the " + ir::DataTypeName(t.type) + " range");
  }
  return Status::Ok();
}

// True for the 8-bit quantized activation types these kernels take.
inline bool Is8BitQuantized(ir::DataType t) {
  return t == ir::DataType::kInt8 || t == ir::DataType::kUInt8;
}

// For ops that move quantized values without rescaling them (PACK,
// GATHER_ND, ...): TFLite requires `t` and `ref` to share scale and zero
// point, or leaves the mismatch unhandled. Checks both carry parameters.
inline Status CheckSameQuantParams(const ir::Tensor& t, const std::string& what,
                                   const ir::Tensor& ref, const std::string& ref_what) {
  if (!Is8BitQuantized(t.type)) return Status::Ok();
  QuantParams a, b;
  VKD_RETURN_IF_ERROR(GetCheckedQuantParams(t, what, &a));
  VKD_RETURN_IF_ERROR(GetCheckedQuantParams(ref, ref_what, &b));
  if (a.scale != b.scale || a.zero_point != b.zero_point) {
    return InvalidArgumentError(what + ": quantization (scale " + std::to_string(a.scale) +
                                ", zero point " + std::to_string(a.zero_point) + ") differs from " +
                                ref_what + "'s (scale " + std::to_string(b.scale) +
                                ", zero point " + std::to_string(b.zero_point) + ")");
  }
  return Status::Ok();
}

}  // namespace vkd::cpu
