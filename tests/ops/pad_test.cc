// PAD and PADV2 against TFLite 2.9 on every backend: padding of every
// dimension (channel paddings that are and are not multiples of 4 on the
// GPU), ranks 1..5, odd channel counts, batch, PADV2 values zero and
// non-zero; float32 everywhere, int32 on the CPU kernels (the GPU takes
// float ranks up to 4 and must leave the rest to the CPU). A spatial zero PAD
// in front of a conv folds into it on the GPU; a channel PAD does not.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(PadTest, kAllBackends);

struct PadCase {
  Shape in;
  std::vector<int32_t> paddings;  // [rank, 2] flattened
};

// PADV2 when `value` is set (float32: the value; int32: it truncated).
ir::Graph PadGraph(const PadCase& c, DataType type, std::optional<float> value) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(c.in.size());
  const int x = g.AddInput(type, c.in, "x");
  std::vector<int32_t> inputs = {x, g.AddConstant<int32_t>({rank, 2}, c.paddings, "paddings")};
  if (value) {
    inputs.push_back(type == DataType::kFloat32
                         ? g.AddConstant<float>({}, {*value}, "value")
                         : g.AddConstant<int32_t>({}, {static_cast<int32_t>(*value)}, "value"));
  }
  Shape out = c.in;
  for (int d = 0; d < rank; ++d) out[d] += c.paddings[2 * d] + c.paddings[2 * d + 1];
  const int y = g.AddTensor(type, out, "out");
  g.AddNode(value ? OpType::kPadv2 : OpType::kPad, inputs, {y}, {}, 1);
  g.MarkOutput(y);
  return g.Build();
}

// INT64 paddings are not compared: TFLite 2.9's PAD reads them as INT32
// pairs (an [N,2] INT64 [2,3] pads as (2,0)), which we don't copy.
TEST_P(PadTest, Sweep) {
  const PadCase cases[] = {
      {{5}, {2, 3}},
      {{3, 4}, {1, 0, 0, 2}},
      {{3, 5}, {1, 2, 0, 3}},
      {{2, 3, 4}, {0, 1, 2, 0, 1, 1}},
      {{2, 3, 13}, {1, 0, 2, 1, 3, 0}},
      {{1, 5, 7, 3}, {0, 0, 1, 1, 2, 2, 0, 0}},   // image-style
      {{1, 5, 7, 3}, {0, 0, 0, 1, 0, 1, 0, 0}},   // the "SAME, stride 2" pad
      {{2, 4, 5, 1}, {0, 0, 0, 1, 0, 1, 0, 0}},   // after only
      {{1, 3, 4, 5}, {0, 0, 0, 0, 0, 0, 1, 2}},   // channels, unaligned
      {{1, 3, 4, 13}, {0, 0, 0, 0, 0, 0, 4, 3}},  // channels, 4-aligned before
      {{1, 3, 4, 8}, {0, 0, 0, 0, 0, 0, 4, 4}},   // channels, whole blocks
      {{2, 3, 4, 5}, {1, 2, 0, 0, 3, 1, 2, 1}},   // every dimension
      {{1, 4, 4, 2}, {0, 0, 0, 0, 0, 0, 0, 0}},   // no padding
      {{1, 2, 3, 2, 3}, {0, 1, 1, 0, 0, 2, 1, 1, 2, 0}},
  };
  int index = 0;
  for (const PadCase& c : cases) {
    for (std::optional<float> value :
         {std::optional<float>(), std::optional<float>(0.0f), std::optional<float>(-2.5f)}) {
      for (DataType type : {DataType::kFloat32, DataType::kInt32}) {
        const bool gpu_takes = type == DataType::kFloat32 && c.in.size() <= 4;
        test::CompareOptions opts;
        opts.seed = 40 + index++;
        opts.label = std::string(value ? "PADV2 " : "PAD ") + ir::DataTypeName(type) + " " +
                     ir::ShapeToString(c.in) + " paddings " + ir::ShapeToString(c.paddings) +
                     (value ? " value " + std::to_string(*value) : "");
        opts.allow_cpu_nodes = !gpu_takes;
        test::CompareReport report;
        EXPECT_TRUE(Matches(PadGraph(c, type, value), opts, {}, &report));
        if (OnGpu()) {
          EXPECT_EQ(report.gpu_nodes, gpu_takes ? 1 : 0) << opts.label;
          if (gpu_takes) EXPECT_EQ(report.dispatches, 1) << opts.label;
        }
      }
    }
  }
}

// PAD -> CONV_2D: a spatial zero PAD folds into the conv on the GPU (one
// dispatch); one of the channels does not and runs as its own kernel.
TEST_P(PadTest, FoldsIntoConvOnlyWhenSpatial) {
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
    test::CompareOptions opts;
    opts.label = channel_pad ? "PAD(channels) -> CONV_2D" : "PAD(spatial) -> CONV_2D";
    EXPECT_TRUE(MatchesInDispatches(g.Build(), opts, channel_pad ? 2 : 1));
  }
}

}  // namespace
}  // namespace vkd
