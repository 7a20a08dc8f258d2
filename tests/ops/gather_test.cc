// GATHER_ND against TFLite 2.9: float32, int8, uint8, int32, int64 params,
// int32 and int64 indices, index depths from one dimension to all of them
// (element gathers), batched index shapes. Exact (values move as stored).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/qshape_test_util.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

TEST(GatherNdTest, Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  struct Case {
    Shape params;
    Shape indices;  // last dimension: index depth
  };
  const Case cases[] = {
      {{5, 4, 3}, {2, 1}}, {{5, 4, 3}, {3, 2}},        {{5, 4, 3}, {2, 2, 3}},
      {{17, 3}, {4, 1}},   {{1, 48, 48, 17}, {17, 3}}, {{6}, {1}},
  };
  int n = 0;
  for (DataType type : {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32,
                        DataType::kInt64}) {
    for (const Case& c : cases) {
      for (bool int64_indices : {false, true}) {
        ++n;
        const int nd = c.indices.back();
        std::mt19937 rng(n);
        std::vector<int64_t> idx(static_cast<size_t>(ir::NumElements(c.indices)));
        for (size_t i = 0; i < idx.size(); ++i) {
          idx[i] = std::uniform_int_distribution<int64_t>(0, c.params[i % nd] - 1)(rng);
        }
        Shape out_shape(c.indices.begin(), c.indices.end() - 1);
        for (size_t d = nd; d < c.params.size(); ++d) out_shape.push_back(c.params[d]);
        const ir::Quantization q = test::QuantFor(type, 0.5f, 11);
        writer::GraphBuilder g;
        const int p = g.AddInput(type, c.params, "params", q);
        const int i = int64_indices
                          ? g.AddConstant<int64_t>(c.indices, idx, "indices")
                          : g.AddConstant<int32_t>(
                                c.indices, std::vector<int32_t>(idx.begin(), idx.end()), "indices");
        const int y = g.AddTensor(type, out_shape, "y", q);
        g.AddNode(OpType::kGatherNd, {p, i}, {y}, {}, 1);
        g.MarkOutput(y);
        const std::string label = "GATHER_ND " + test::TypeLabel(type) + " params " +
                                  ir::ShapeToString(c.params) + " indices " +
                                  ir::ShapeToString(c.indices) + (int64_indices ? " int64" : "");
        EXPECT_TRUE(test::BothKernelsMatchTfLite(g.Build(), test::FullRange(type, label, n), 0));
      }
    }
  }
}

}  // namespace
}  // namespace vkd
