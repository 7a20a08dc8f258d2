// CONCATENATION as data movement: for each index of the dimensions before
// the axis, each input's slab (its dimensions from the axis on) is copied in
// turn. Already memcpy-bound, so it serves as the optimized form too.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vkd::ref {

// `inputs[i]` holds `outer` slabs of `slab_bytes[i]` bytes each.
void Concatenate(const uint8_t* const* inputs, const size_t* slab_bytes, int num_inputs,
                 int64_t outer, uint8_t* out);

}  // namespace vkd::ref
