// GATHER against TFLite 2.9 on the CPU kernels: float32, int8, uint8, int32,
// int64 params, int32 and int64 indices, positive and negative axes,
// batch_dims (positive and negative), scalar and multi-dimensional indices.
// Exact (values move as stored).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/ops/gather_cases.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::Shape;

// The GPU has no GATHER kernel.
VKD_BACKEND_TEST_SUITE(GatherTest, kCpuBackends);

struct GatherCase {
  Shape params;
  Shape indices;
  int axis = 0;
  int batch_dims = 0;
  std::string Label() const {
    return " axis " + std::to_string(axis) + " batch_dims " + std::to_string(batch_dims);
  }
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
  const std::vector<int64_t> idx =
      test::RandomIndices(c.indices, seed, [&](size_t) { return c.params[axis]; });
  const ir::Quantization q = test::QuantFor(type, 0.5f, 11);
  writer::GraphBuilder g;
  const int p = g.AddInput(type, c.params, "params", q);
  const int i = test::AddIntConstant(g, c.indices, idx, int64_indices, "indices");
  const int y = g.AddTensor(type, GatherShape(c), "y", q);
  g.AddNode(ir::OpType::kGather, {p, i}, {y}, ir::GatherOptions{c.axis, c.batch_dims}, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST_P(GatherTest, Sweep) {
  const GatherCase cases[] = {
      {{5, 4, 3}, {2}, 0, 0},    {{5, 4, 3}, {3, 2}, 1, 0},       {{5, 4, 3}, {6}, -1, 0},
      {{5, 4, 3}, {}, 2, 0},     {{17, 3}, {4, 1}, 0, 0},         {{1, 48, 48, 17}, {20}, 3, 0},
      {{4, 6, 5}, {4, 3}, 1, 1}, {{2, 3, 6, 5}, {2, 3, 4}, 2, 2}, {{4, 6, 5}, {4, 2, 3}, 2, -2},
      {{6}, {3}, 0, 0},
  };
  test::GatherSweep(*this, "GATHER", cases, GatherGraph);
}

TEST(GatherTest, PrepareErrors) {
  // Axis out of range, batch_dims above the axis, mismatched batch dimension.
  const GatherCase bad[] = {{{5, 4}, {2}, 2, 0}, {{5, 4}, {5, 2}, 0, 1}, {{5, 4}, {3, 2}, 1, 1}};
  for (const GatherCase& c : bad) {
    writer::GraphBuilder g;
    const int p = g.AddInput(DataType::kFloat32, c.params, "params");
    const int i = test::AddIntConstant(
        g, c.indices, std::vector<int64_t>(static_cast<size_t>(ir::NumElements(c.indices)), 0),
        /*int64=*/false, "indices");
    const int y = g.AddTensor(DataType::kFloat32, {1}, "y");
    g.AddNode(ir::OpType::kGather, {p, i}, {y}, ir::GatherOptions{c.axis, c.batch_dims}, 1);
    g.MarkOutput(y);
    auto interp = cpu::Interpreter::Create(g.Build(), cpu::InterpreterOptions{});
    ASSERT_TRUE(interp.ok());
    EXPECT_FALSE((*interp)->AllocateTensors().ok()) << ir::ShapeToString(c.params);
  }
}

}  // namespace
}  // namespace vkd
