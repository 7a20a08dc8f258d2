// CONCATENATION on the GPU against TFLite: every BHWC axis (given positive
// and negative, ranks 2..4), 2..8 inputs with odd channel counts (offsets
// that are and are not multiples of 4), constant inputs, batch 2; a fused
// activation (which TFLite 2.9 refuses) checked against values computed
// here.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

// Inputs are `shape` with the axis dimension replaced by sizes[i]; input i
// is a constant when bit i of constant_mask is set.
ir::Graph ConcatGraph(const Shape& shape, int axis, const std::vector<int>& sizes,
                      unsigned constant_mask, uint32_t seed,
                      ir::Activation act = ir::Activation::kNone) {
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
    if ((constant_mask >> i) & 1) {
      inputs.push_back(g.AddConstant<float>(
          s, test::RandomFloats(ir::NumElements(s), seed + static_cast<uint32_t>(i)),
          "c" + std::to_string(i)));
    } else {
      inputs.push_back(g.AddInput(DataType::kFloat32, s, "x" + std::to_string(i)));
    }
  }
  const int y = g.AddTensor(DataType::kFloat32, out, "y");
  g.AddNode(OpType::kConcatenation, inputs, {y}, ir::ConcatenationOptions{axis, act}, 1);
  g.MarkOutput(y);
  return g.Build();
}

std::string Label(const Shape& shape, int axis, const std::vector<int>& sizes, unsigned mask) {
  std::string s =
      "CONCATENATION " + ir::ShapeToString(shape) + " axis " + std::to_string(axis) + " sizes";
  for (int v : sizes) s += " " + std::to_string(v);
  if (mask) s += " constants " + std::to_string(mask);
  return s;
}

TEST(GpuConcatenationTest, FourDimensionalAxes) {
  VKD_REQUIRE_GPU();
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
      EXPECT_TRUE(test::GpuMatchesTfLite(ConcatGraph(shape, axis, sizes, mask, 500 + index), o));
    }
  }
}

TEST(GpuConcatenationTest, LowerRanks) {
  VKD_REQUIRE_GPU();
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
      EXPECT_TRUE(
          test::GpuMatchesTfLite(ConcatGraph(c.shape, c.axis, c.sizes, mask, 900 + index), o));
    }
  }
}

TEST(GpuConcatenationTest, SameInputTwiceAndFusedActivationAfter) {
  VKD_REQUIRE_GPU();
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
  test::CompareReport report;
  EXPECT_TRUE(test::GpuMatchesTfLite(g.Build(), o, test::kGpuFp32Tolerance, &report));
  EXPECT_EQ(report.dispatches, 1);
}

TEST(GpuConcatenationTest, Fp16) {
  VKD_REQUIRE_GPU();
  test::CompareOptions o;
  o.fp16 = true;
  o.label = "CONCATENATION fp16";
  EXPECT_TRUE(test::GpuMatchesTfLite(ConcatGraph({2, 3, 4, 5}, 3, {3, 5, 4}, 0x2u, 7), o, 1e-2));
}

// TFLite 2.9 refuses a fused activation on CONCATENATION; the CPU kernel
// applies the float clamp, and the GPU kernel must agree with it.
TEST(GpuConcatenationTest, FusedActivationAsCpuKernel) {
  VKD_REQUIRE_GPU();
  writer::GraphBuilder g;
  const int a = g.AddConstant<float>({2, 2}, {-3.0f, 0.5f, 7.0f, -0.25f}, "a");
  const int x = g.AddInput(DataType::kFloat32, {2, 1}, "x");
  const int y = g.AddTensor(DataType::kFloat32, {2, 3}, "y");
  g.AddNode(OpType::kConcatenation, {a, x}, {y},
            ir::ConcatenationOptions{-1, ir::Activation::kRelu6});
  g.MarkOutput(y);
  RunnerOptions ro;
  ro.gpu.enable_validation = true;
  ro.warn_on_fallback = false;
  auto runner = ModelRunner::Create(g.Build(), ro);
  ASSERT_TRUE(runner.ok()) << runner.status().ToString();
  ASSERT_TRUE((*runner)->AllocateTensors().ok());
  ASSERT_TRUE((*runner)->gpu_fallback_reason().empty()) << (*runner)->gpu_fallback_reason();
  ASSERT_EQ((*runner)->plan().num_gpu_nodes(), 1);
  const float in[2] = {9.0f, -1.0f};
  std::memcpy((*runner)->input_data(0), in, sizeof(in));
  ASSERT_TRUE((*runner)->Invoke().ok());
  const float* out = reinterpret_cast<const float*>((*runner)->output_data(0));
  // [[-3, 0.5, 9], [7, -0.25, -1]] clamped to [0, 6].
  EXPECT_EQ(std::vector<float>(out, out + 6),
            (std::vector<float>{0.0f, 0.5f, 6.0f, 6.0f, 0.0f, 0.0f}));
  EXPECT_EQ((*runner)->gpu_context()->instance().validation_error_count(), 0);
}

}  // namespace
}  // namespace vkd
