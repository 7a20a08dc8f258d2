// PAD and PADV2: constant padding of a tensor of 4-byte elements (float32
// and int32 alike: the pad value is passed as the element's bits).
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
void Pad(const PadParams& p, const uint32_t* in, uint32_t pad_value, uint32_t* out);

}  // namespace vkd::ref
