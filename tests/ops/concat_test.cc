// CONCATENATION against TFLite 2.9 on every backend: every axis (given
// positive and negative, ranks 1..5; the GPU takes ranks up to 4), 2..8
// inputs with odd sizes (GPU channel offsets that are and are not multiples
// of 4), constant inputs, batch; float32 everywhere, int32 on the CPU
// kernels; the same input twice, with a RELU after it fused on the GPU. A
// fused activation (which TFLite 2.9 refuses) is checked against values
// worked out here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(ConcatenationTest, kAllBackends);

// Inputs are `shape` with the axis dimension replaced by sizes[i]; input i
// is a constant when bit i of constant_mask is set.
ir::Graph ConcatGraph(const Shape& shape, int axis, const std::vector<int>& sizes,
                      unsigned constant_mask, uint32_t seed, DataType type = DataType::kFloat32) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(shape.size());
  const int a = axis < 0 ? axis + rank : axis;
  std::vector<int32_t> inputs;
  Shape out = shape;
  out[a] = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Shape s = shape;
    s[a] = sizes[i];
    out[a] += sizes[i];
    const std::string name = "x" + std::to_string(i);
    if (!((constant_mask >> i) & 1)) {
      inputs.push_back(g.AddInput(type, s, name));
    } else if (type == DataType::kFloat32) {
      inputs.push_back(g.AddConstant<float>(
          s, test::RandomFloats(ir::NumElements(s), seed + static_cast<uint32_t>(i)), name));
    } else {
      inputs.push_back(
          g.AddConstant<int32_t>(s, std::vector<int32_t>(ir::NumElements(s), 42), name));
    }
  }
  const int y = g.AddTensor(type, out, "y");
  g.AddNode(OpType::kConcatenation, inputs, {y}, ir::ConcatenationOptions{axis}, 1);
  g.MarkOutput(y);
  return g.Build();
}

std::string Label(const Shape& shape, int axis, const std::vector<int>& sizes, unsigned mask,
                  DataType type = DataType::kFloat32) {
  std::string s = std::string("CONCATENATION ") + ir::DataTypeName(type) + " " +
                  ir::ShapeToString(shape) + " axis " + std::to_string(axis) + " sizes";
  for (int v : sizes) s += " " + std::to_string(v);
  if (mask) s += " constants " + std::to_string(mask);
  return s;
}

TEST_P(ConcatenationTest, FourDimensionalAxes) {
  const std::vector<std::vector<int>> size_sets = {
      {1, 1}, {3, 5}, {4, 13, 1}, {5, 3, 8, 2}, {1, 3, 5, 13, 1, 4, 2, 7}};
  int index = 0;
  for (int axis : {0, 1, 2, 3, -1, -3}) {
    for (const auto& sizes : size_sets) {
      const int batch = 1 + index % 2;
      // Channels outside the axis: odd counts around the vec4 blocks.
      const int c = (index % 4 == 0) ? 1 : (index % 4 == 1 ? 3 : (index % 4 == 2 ? 5 : 13));
      const Shape shape = {batch, 3, 4, c};
      const unsigned mask = index % 3 == 2 ? 0x2u : 0u;
      ++index;
      test::CompareOptions o;
      o.seed = index;
      o.label = Label(shape, axis, sizes, mask);
      EXPECT_TRUE(Matches(ConcatGraph(shape, axis, sizes, mask, 500 + index), o));
    }
  }
}

TEST_P(ConcatenationTest, LowerRanks) {
  struct Case {
    Shape shape;
    int axis;
    std::vector<int> sizes;
  };
  const Case cases[] = {
      {{2, 3}, 0, {2, 1, 4}},    {{2, 3}, -1, {3, 5}},    {{2, 5, 3}, 1, {5, 1, 2}},
      {{2, 5, 3}, 2, {3, 6, 1}}, {{4, 2, 7}, -3, {1, 3}}, {{6}, 0, {6, 1, 4}},
  };
  int index = 0;
  for (const Case& c : cases) {
    for (unsigned mask : {0u, 1u}) {
      test::CompareOptions o;
      o.seed = 80 + index++;
      o.label = Label(c.shape, c.axis, c.sizes, mask);
      EXPECT_TRUE(Matches(ConcatGraph(c.shape, c.axis, c.sizes, mask, 900 + index), o));
    }
  }
}

TEST_P(ConcatenationTest, SameInputTwiceAndFusedActivationAfter) {
  // CONCATENATION(x, x) binds one tensor twice; a RELU after it fuses.
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, {1, 3, 2, 5}, "x");
  const int c = g.AddTensor(DataType::kFloat32, {1, 3, 2, 10}, "c");
  g.AddNode(OpType::kConcatenation, {x, x}, {c}, ir::ConcatenationOptions{3});
  const int y = g.AddTensor(DataType::kFloat32, {1, 3, 2, 10}, "y");
  g.AddNode(OpType::kRelu, {c}, {y});
  g.MarkOutput(y);
  test::CompareOptions o;
  o.label = "CONCATENATION(x, x) -> RELU";
  EXPECT_TRUE(MatchesInDispatches(g.Build(), o, 1));
}

// The CPU kernels' cases: ranks 1..5, int32, the first input constant.
TEST_P(ConcatenationTest, CpuCases) {
  struct Case {
    Shape shape;
    int axis;
    std::vector<int> sizes;
  };
  const Case cases[] = {
      {{1, 4, 5, 1}, 3, {3, 7}},  {{1, 4, 5, 1}, -1, {3, 7}},   {{2, 1, 5}, 1, {3, 1, 4}},
      {{2, 1, 5}, -2, {3, 1, 4}}, {{1, 3}, 0, {2, 5}},          {{3, 1, 2, 2}, -3, {2, 1}},
      {{1}, 0, {6, 1, 4}},        {{1, 2, 3, 2, 1}, 4, {2, 1}},
  };
  int index = 0;
  for (const Case& c : cases) {
    for (DataType type : {DataType::kFloat32, DataType::kInt32}) {
      for (unsigned mask : {0u, 1u}) {
        const bool gpu_takes = type == DataType::kFloat32 && c.shape.size() <= 4;
        if (OnGpu() && !gpu_takes) continue;
        test::CompareOptions o;
        o.seed = 71 + index++;
        o.label = Label(c.shape, c.axis, c.sizes, mask, type);
        EXPECT_TRUE(Matches(ConcatGraph(c.shape, c.axis, c.sizes, mask, 5, type), o));
      }
    }
  }
}

// TFLite 2.9 refuses a fused activation on CONCATENATION; every backend
// applies the float clamp.
TEST_P(ConcatenationTest, FusedActivationClamps) {
  writer::GraphBuilder g;
  const int a = g.AddConstant<float>({2, 2}, {-3.0f, 0.5f, 7.0f, -0.25f}, "a");
  const int x = g.AddInput(DataType::kFloat32, {2, 1}, "x");
  const int y = g.AddTensor(DataType::kFloat32, {2, 3}, "y");
  g.AddNode(OpType::kConcatenation, {a, x}, {y},
            ir::ConcatenationOptions{-1, ir::Activation::kRelu6});
  g.MarkOutput(y);
  // [[-3, 0.5, 9], [7, -0.25, -1]] clamped to [0, 6].
  EXPECT_EQ(RunFloat(g.Build(), {{9.0f, -1.0f}}),
            (std::vector<float>{0.0f, 0.5f, 6.0f, 6.0f, 0.0f, 0.0f}));
}

}  // namespace
}  // namespace vkd
