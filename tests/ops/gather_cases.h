// The sweep GATHER and GATHER_ND share: every type they move (values move as
// stored, so exact), every case, int32 and int64 indices drawn at random
// within bounds.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd::test {

// Random in-range indices for an index tensor of `shape`: element i indexes
// a dimension of size limit(i).
template <typename Limit>
std::vector<int64_t> RandomIndices(const ir::Shape& shape, uint32_t seed, Limit limit) {
  std::mt19937 rng(seed);
  std::vector<int64_t> idx(static_cast<size_t>(ir::NumElements(shape)));
  for (size_t i = 0; i < idx.size(); ++i) {
    idx[i] = std::uniform_int_distribution<int64_t>(0, limit(i) - 1)(rng);
  }
  return idx;
}

// `build(c, type, int64_indices, seed)` makes the graph of one case; each
// runs on `t`'s backend with inputs over the whole type, exact.
template <typename Case, size_t N, typename Build>
void GatherSweep(const BackendTest& t, const std::string& op, const Case (&cases)[N], Build build) {
  int n = 0;
  for (ir::DataType type : {ir::DataType::kFloat32, ir::DataType::kInt8, ir::DataType::kUInt8,
                            ir::DataType::kInt32, ir::DataType::kInt64}) {
    for (const Case& c : cases) {
      for (bool int64_indices : {false, true}) {
        ++n;
        const std::string label =
            op + " " + TypeLabel(type) + " params " + ir::ShapeToString(c.params) + " indices " +
            ir::ShapeToString(c.indices) + c.Label() + (int64_indices ? " int64" : "");
        EXPECT_TRUE(t.Matches(build(c, type, int64_indices, n), FullRange(type, label, n), 0));
      }
    }
  }
}

}  // namespace vkd::test
