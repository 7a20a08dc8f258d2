#include "cpu_fallback/reference/concatenation.h"

#include <cstring>

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

}  // namespace vkd::ref
