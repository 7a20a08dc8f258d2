// Float -> int32 conversion for quantized arithmetic that stays defined on
// any input. A plain static_cast is undefined for NaN and for values past
// int32's range, which hostile inputs (NaN/inf tensors) and hostile models
// (a scale of 1e-38) both reach (found by fuzz_model under UBSan). Values are
// clamped to +-2^30 — far past every quantized type's range, so the caller's
// clamp to int8/uint8/int16 gives exactly what it gave for in-range values,
// and adding a zero point cannot overflow. NaN gives 0.
#pragma once

#include <cstdint>

namespace vkd::ops {

template <typename F>
inline int32_t SaturatingInt32(F value) {
  constexpr F kLimit = static_cast<F>(1 << 30);
  if (!(value == value)) return 0;
  if (value > kLimit) return 1 << 30;
  if (value < -kLimit) return -(1 << 30);
  return static_cast<int32_t>(value);
}

}  // namespace vkd::ops
