// GATHER against TFLite 2.9: float32, int8, uint8, int32, int64 params,
// int32 and int64 indices, positive and negative axes, batch_dims (positive
// and negative), scalar and multi-dimensional indices. Exact (values move as
// stored).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/ops/qshape_test_util.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

struct GatherCase {
  Shape params;
  Shape indices;
  int axis = 0;
  int batch_dims = 0;
};

Shape GatherShape(const GatherCase& c) {
  const int rank = static_cast<int>(c.params.size());
  const int axis = c.axis < 0 ? c.axis + rank : c.axis;
  const int bd =
      c.batch_dims < 0 ? c.batch_dims + static_cast<int>(c.indices.size()) : c.batch_dims;
  Shape out(c.params.begin(), c.params.begin() + axis);
  out.insert(out.end(), c.indices.begin() + bd, c.indices.end());
  out.insert(out.end(), c.params.begin() + axis + 1, c.params.end());
  return out;
}

ir::Graph GatherGraph(const GatherCase& c, DataType type, bool int64_indices, uint32_t seed) {
  const int rank = static_cast<int>(c.params.size());
  const int axis = c.axis < 0 ? c.axis + rank : c.axis;
  std::mt19937 rng(seed);
  std::vector<int64_t> idx(static_cast<size_t>(ir::NumElements(c.indices)));
  for (int64_t& v : idx) v = std::uniform_int_distribution<int64_t>(0, c.params[axis] - 1)(rng);
  const ir::Quantization q = test::QuantFor(type, 0.5f, 11);
  writer::GraphBuilder g;
  const int p = g.AddInput(type, c.params, "params", q);
  const int i = int64_indices
                    ? g.AddConstant<int64_t>(c.indices, idx, "indices")
                    : g.AddConstant<int32_t>(
                          c.indices, std::vector<int32_t>(idx.begin(), idx.end()), "indices");
  const int y = g.AddTensor(type, GatherShape(c), "y", q);
  g.AddNode(OpType::kGather, {p, i}, {y}, ir::GatherOptions{c.axis, c.batch_dims}, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST(GatherTest, Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const GatherCase cases[] = {
      {{5, 4, 3}, {2}, 0, 0},    {{5, 4, 3}, {3, 2}, 1, 0},       {{5, 4, 3}, {6}, -1, 0},
      {{5, 4, 3}, {}, 2, 0},     {{17, 3}, {4, 1}, 0, 0},         {{1, 48, 48, 17}, {20}, 3, 0},
      {{4, 6, 5}, {4, 3}, 1, 1}, {{2, 3, 6, 5}, {2, 3, 4}, 2, 2}, {{4, 6, 5}, {4, 2, 3}, 2, -2},
      {{6}, {3}, 0, 0},
  };
  int n = 0;
  for (DataType type : {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32,
                        DataType::kInt64}) {
    for (const GatherCase& c : cases) {
      for (bool int64_indices : {false, true}) {
        ++n;
        const std::string label =
            "GATHER " + test::TypeLabel(type) + " params " + ir::ShapeToString(c.params) +
            " indices " + ir::ShapeToString(c.indices) + " axis " + std::to_string(c.axis) +
            " batch_dims " + std::to_string(c.batch_dims) + (int64_indices ? " int64" : "");
        EXPECT_TRUE(test::BothKernelsMatchTfLite(GatherGraph(c, type, int64_indices, n),
                                                 test::FullRange(type, label, n), 0));
      }
    }
  }
}

TEST(GatherTest, PrepareErrors) {
  // Axis out of range, batch_dims above the axis, mismatched batch dimension.
  const GatherCase bad[] = {{{5, 4}, {2}, 2, 0}, {{5, 4}, {5, 2}, 0, 1}, {{5, 4}, {3, 2}, 1, 1}};
  for (const GatherCase& c : bad) {
    writer::GraphBuilder g;
    const int p = g.AddInput(DataType::kFloat32, c.params, "params");
    const int i = g.AddConstant<int32_t>(
        c.indices, std::vector<int32_t>(static_cast<size_t>(ir::NumElements(c.indices)), 0),
        "indices");
    const int y = g.AddTensor(DataType::kFloat32, {1}, "y");
    g.AddNode(OpType::kGather, {p, i}, {y}, ir::GatherOptions{c.axis, c.batch_dims}, 1);
    g.MarkOutput(y);
    auto interp = cpu::Interpreter::Create(g.Build(), cpu::InterpreterOptions{});
    ASSERT_TRUE(interp.ok());
    EXPECT_FALSE((*interp)->AllocateTensors().ok()) << ir::ShapeToString(c.params);
  }
}

}  // namespace
}  // namespace vkd
