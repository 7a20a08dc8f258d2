#include "cpu_fallback/reference/concatenation.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "cpu_fallback/qshape_util.h"
#include "ops/saturating_cast.h"

namespace vkd::ref {

void Concatenate(const uint8_t* const* inputs, const size_t* slab_bytes, int num_inputs,
                 int64_t outer, uint8_t* out) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int i = 0; i < num_inputs; ++i) {
      if (slab_bytes[i] == 0) continue;
      std::memcpy(out, inputs[i] + o * slab_bytes[i], slab_bytes[i]);
      out += slab_bytes[i];
    }
  }
}

void ConcatenateRequantized(const uint8_t* const* inputs, const size_t* slab_elements,
                            const ConcatRequant* requant, int num_inputs, int64_t outer,
                            int32_t out_zero_point, uint8_t* out) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int i = 0; i < num_inputs; ++i) {
      const size_t n = slab_elements[i];
      const uint8_t* in = inputs[i] + o * n;
      if (requant[i].copy) {
        if (n > 0) std::memcpy(out, in, n);
      } else {
        const float scale = requant[i].scale, bias = requant[i].bias;
        for (size_t j = 0; j < n; ++j) {
          const int32_t value = ops::SaturatingInt32(std::round(
                                    cpu::MulAdd(static_cast<float>(in[j]), scale, bias))) +
                                out_zero_point;
          out[j] = static_cast<uint8_t>(std::max(std::min(255, value), 0));
        }
      }
      out += n;
    }
  }
}

}  // namespace vkd::ref
