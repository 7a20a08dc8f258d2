// GATHER_ND against TFLite 2.9 on the CPU kernels: float32, int8, uint8,
// int32, int64 params, int32 and int64 indices, index depths from one
// dimension to all of them (element gathers), batched index shapes. Exact
// (values move as stored).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/gather_cases.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::Shape;

// The GPU has no GATHER_ND kernel.
VKD_BACKEND_TEST_SUITE(GatherNdTest, kCpuBackends);

struct GatherNdCase {
  Shape params;
  Shape indices;  // last dimension: index depth
  std::string Label() const { return ""; }
};

ir::Graph GatherNdGraph(const GatherNdCase& c, DataType type, bool int64_indices, uint32_t seed) {
  const int nd = c.indices.back();
  const std::vector<int64_t> idx =
      test::RandomIndices(c.indices, seed, [&](size_t i) { return c.params[i % nd]; });
  Shape out_shape(c.indices.begin(), c.indices.end() - 1);
  for (size_t d = nd; d < c.params.size(); ++d) out_shape.push_back(c.params[d]);
  const ir::Quantization q = test::QuantFor(type, 0.5f, 11);
  writer::GraphBuilder g;
  const int p = g.AddInput(type, c.params, "params", q);
  const int i = test::AddIntConstant(g, c.indices, idx, int64_indices, "indices");
  const int y = g.AddTensor(type, out_shape, "y", q);
  g.AddNode(ir::OpType::kGatherNd, {p, i}, {y}, {}, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST_P(GatherNdTest, Sweep) {
  const GatherNdCase cases[] = {
      {{5, 4, 3}, {2, 1}}, {{5, 4, 3}, {3, 2}},        {{5, 4, 3}, {2, 2, 3}},
      {{17, 3}, {4, 1}},   {{1, 48, 48, 17}, {17, 3}}, {{6}, {1}},
  };
  test::GatherSweep(*this, "GATHER_ND", cases, GatherNdGraph);
}

}  // namespace
}  // namespace vkd
