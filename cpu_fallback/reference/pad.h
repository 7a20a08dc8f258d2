// PAD and PADV2: constant padding. Elements are moved as raw bits of their
// size (T = uint8_t for int8/uint8, uint32_t for float32/int32, uint64_t for
// int64); the pad value is passed as the element's bits.
#pragma once

#include <cstdint>

namespace vkd::ref {

inline constexpr int kMaxPadRank = 6;

struct PadParams {
  int rank = 0;
  int64_t in_dims[kMaxPadRank] = {};
  int64_t before[kMaxPadRank] = {};  // elements added before the input, per dimension
  int64_t after[kMaxPadRank] = {};
};

// Each output element is the input element it lands on, else `pad_value`.
template <typename T>
void Pad(const PadParams& p, const T* in, T pad_value, T* out);

}  // namespace vkd::ref
