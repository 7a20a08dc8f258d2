// PAD and PADV2 on the GPU against TFLite when they do not fold into a
// convolution: padding of every BHWC dimension (channel paddings that are
// and are not multiples of 4), ranks 1..4, odd channel counts, batch 2,
// PADV2 values zero and non-zero; and the folding path still taking a
// spatial zero PAD in front of a conv.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

::testing::AssertionResult MatchesInDispatches(const ir::Graph& g, const test::CompareOptions& o,
                                               int dispatches,
                                               double tolerance = test::kGpuFp32Tolerance) {
  test::CompareReport report;
  auto r = test::GpuMatchesTfLite(g, o, tolerance, &report);
  if (!r) return r;
  if (report.dispatches != dispatches) {
    return ::testing::AssertionFailure()
           << "[" << o.label << "] " << report.dispatches << " dispatches, expected " << dispatches;
  }
  return r;
}

// v2_value: nullptr for PAD, else PADV2 with that constant.
ir::Graph PadGraph(const Shape& in, const std::vector<int32_t>& paddings, const float* v2_value) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(in.size());
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  std::vector<int32_t> inputs = {x, g.AddConstant<int32_t>({rank, 2}, paddings, "paddings")};
  if (v2_value) inputs.push_back(g.AddConstant<float>({}, {*v2_value}, "value"));
  Shape out = in;
  for (int d = 0; d < rank; ++d) out[d] += paddings[2 * d] + paddings[2 * d + 1];
  const int y = g.AddTensor(DataType::kFloat32, out, "y");
  g.AddNode(v2_value ? OpType::kPadv2 : OpType::kPad, inputs, {y}, {}, v2_value ? 1 : 2);
  g.MarkOutput(y);
  return g.Build();
}

TEST(GpuPadTest, Sweep) {
  VKD_REQUIRE_GPU();
  struct Case {
    Shape in;
    std::vector<int32_t> paddings;
  };
  const Case cases[] = {
      {{1, 5, 7, 3}, {0, 0, 1, 1, 2, 2, 0, 0}},   // spatial, not read by a conv
      {{2, 4, 5, 1}, {0, 0, 0, 1, 0, 1, 0, 0}},   // after only
      {{1, 3, 4, 5}, {0, 0, 0, 0, 0, 0, 1, 2}},   // channels, unaligned
      {{1, 3, 4, 13}, {0, 0, 0, 0, 0, 0, 4, 3}},  // channels, 4-aligned before
      {{1, 3, 4, 8}, {0, 0, 0, 0, 0, 0, 4, 4}},   // channels, whole blocks
      {{2, 3, 4, 5}, {1, 2, 0, 0, 3, 1, 2, 1}},   // every dimension
      {{1, 2, 2, 3}, {0, 0, 0, 0, 0, 0, 0, 0}},   // no padding
      {{2, 3, 13}, {1, 0, 2, 1, 3, 0}},          {{3, 5}, {1, 2, 0, 3}}, {{5}, {2, 3}},
  };
  const float values[] = {0.0f, -2.5f};
  int index = 0;
  for (const Case& c : cases) {
    for (int v = -1; v < 2; ++v) {
      test::CompareOptions o;
      o.seed = 40 + index++;
      o.label = std::string(v < 0 ? "PAD " : "PADV2 ") + ir::ShapeToString(c.in) + " paddings " +
                ir::ShapeToString(c.paddings) +
                (v < 0 ? "" : " value " + std::to_string(values[v]));
      EXPECT_TRUE(
          MatchesInDispatches(PadGraph(c.in, c.paddings, v < 0 ? nullptr : &values[v]), o, 1));
    }
  }
}

// PAD -> CONV_2D: a spatial zero PAD folds into the conv (one dispatch);
// one of the channels does not and runs as its own kernel.
TEST(GpuPadTest, FoldsIntoConvOnlyWhenSpatial) {
  VKD_REQUIRE_GPU();
  for (bool channel_pad : {false, true}) {
    const Shape in = {1, 6, 5, 3};
    const std::vector<int32_t> paddings = channel_pad
                                              ? std::vector<int32_t>{0, 0, 1, 0, 0, 1, 0, 2}
                                              : std::vector<int32_t>{0, 0, 1, 0, 0, 1, 0, 0};
    const int cin = in[3] + paddings[6] + paddings[7];
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, in, "x");
    const int p = g.AddConstant<int32_t>({4, 2}, paddings, "paddings");
    const int padded = g.AddTensor(DataType::kFloat32, {1, 7, 6, cin}, "padded");
    g.AddNode(OpType::kPad, {x, p}, {padded});
    const int f = g.AddConstant<float>({4, 3, 3, cin}, test::RandomFloats(36 * cin, 3), "f");
    const int bias = g.AddConstant<float>({4}, test::RandomFloats(4, 4), "bias");
    const int y = g.AddTensor(DataType::kFloat32, {1, 3, 3, 4}, "y");
    ir::Conv2DOptions co;
    co.padding = ir::Padding::kValid;
    co.stride_h = co.stride_w = 2;
    g.AddNode(OpType::kConv2d, {padded, f, bias}, {y}, co, 2);
    g.MarkOutput(y);
    test::CompareOptions o;
    o.label = channel_pad ? "PAD(channels) -> CONV_2D" : "PAD(spatial) -> CONV_2D";
    EXPECT_TRUE(MatchesInDispatches(g.Build(), o, channel_pad ? 2 : 1));
  }
}

TEST(GpuPadTest, Fp16) {
  VKD_REQUIRE_GPU();
  const float value = 1.5f;
  test::CompareOptions o;
  o.fp16 = true;
  o.label = "PADV2 fp16";
  EXPECT_TRUE(
      MatchesInDispatches(PadGraph({1, 3, 4, 5}, {0, 0, 1, 0, 0, 2, 3, 1}, &value), o, 1, 1e-2));
}

}  // namespace
}  // namespace vkd
