// What the MEAN / SUM tests (float in reduce_test.cc, int8/uint8 in
// quantized_reduce_test.cc) share: the output shape of a reduction.
#pragma once

#include <cstdint>
#include <vector>

#include "model/ir/graph.h"

namespace vkd::test {

// `in` with `axes` (negative ones counted from the end, duplicates allowed)
// removed, or kept as 1 with keep_dims.
inline ir::Shape ReducedShape(const ir::Shape& in, const std::vector<int32_t>& axes,
                              bool keep_dims) {
  const int rank = static_cast<int>(in.size());
  std::vector<bool> reduced(rank, false);
  for (int32_t a : axes) reduced[a < 0 ? a + rank : a] = true;
  ir::Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      out.push_back(in[d]);
    } else if (keep_dims) {
      out.push_back(1);
    }
  }
  return out;
}

}  // namespace vkd::test
