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

// uint8 CONCATENATION whose inputs may carry other scales and zero points
// than the output (TFLite's ConcatenationWithScaling): an input with the
// output's parameters is copied; any other is requantized in float,
// round(q * scale + bias) + output zero point, clamped to [0, 255], with
// scale = in_scale * (1 / out_scale) and bias = -in_zero_point * scale.
struct ConcatRequant {
  bool copy = true;
  float scale = 1, bias = 0;
};
void ConcatenateRequantized(const uint8_t* const* inputs, const size_t* slab_elements,
                            const ConcatRequant* requant, int num_inputs, int64_t outer,
                            int32_t out_zero_point, uint8_t* out);

}  // namespace vkd::ref
