// Quantized CONV_2D and DEPTHWISE_CONV_2D against TFLite 2.9: int8 (per-channel
// and per-tensor filters, non-zero input/output zero points) and uint8
// (asymmetric filters) over kernel size, stride, dilation, padding, depth
// multiplier, batch, bias, fused activation, large multipliers and extreme
// zero points, MobileNetV2-sized layers, 1 and 2 threads. Every case runs the
// CPU backends (reference, optimized) and must match to the LSB (tolerance 0).
// Windows and channels are conv_cases.h's ConvCase, as the float sweeps.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/conv_cases.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedConvTest, kCpuBackends);
VKD_BACKEND_TEST_SUITE(QuantizedDepthwiseConvTest, kCpuBackends);

struct QConvCase {
  // Window, channels, batch, activation. TFLite 2.9 needs a bias for
  // quantized CONV_2D (Prepare refuses) and DEPTHWISE_CONV_2D (its optimized
  // kernels read it unchecked), so every case has one; ours take none as well.
  test::ConvCase conv;
  test::GemmQuantization q;
  bool per_channel = true;  // int8 only

  std::string Label() const {
    // ConvCase's label names a float or int8 filter; this one's is q.type.
    const std::string window = conv.Label();
    return window.substr(0, window.rfind(" filter=")) + " filter=" + ir::DataTypeName(q.type) +
           (q.type == DataType::kInt8 ? (per_channel ? "/channel" : "/tensor") : "") + q.Label();
  }
};

// Returns false when the VALID window does not fit.
bool BuildQuantizedConv(const QConvCase& qc, uint32_t seed, ir::Graph* graph) {
  const test::ConvCase& c = qc.conv;
  // The float form of the case gives the node's options (window, depth
  // multiplier, activation), set as the float sweeps set them.
  ir::Graph float_graph;
  if (!test::BuildConv(c, seed, &float_graph)) return false;
  writer::GraphBuilder b;
  const int input = b.AddInput(qc.q.type, {c.batch, c.height, c.width, c.input_channels}, "input",
                               test::Quant(qc.q.input_scale, qc.q.input_zero_point));
  const ir::Shape filter_shape =
      c.depthwise ? ir::Shape{1, c.filter_size, c.filter_size, c.output_channels}
                  : ir::Shape{c.output_channels, c.filter_size, c.filter_size, c.input_channels};
  ir::Quantization filter_q = qc.q.WeightsQuant(0.0123f);
  if (qc.q.type == DataType::kInt8 && qc.per_channel) {
    filter_q.scale = test::RandomFloats(c.output_channels, seed + 3, 0.002f, 0.03f);
    filter_q.zero_point.assign(c.output_channels, 0);
    filter_q.quantized_dimension = c.depthwise ? 3 : 0;
  }
  const int filter = qc.q.AddWeights(b, filter_shape, seed + 1, "filter", filter_q);
  float mean_filter_scale = 0;
  for (float s : filter_q.scale) mean_filter_scale += s;
  mean_filter_scale /= filter_q.scale.size();
  ir::Quantization bias_q;
  for (float s : filter_q.scale) bias_q.scale.push_back(qc.q.input_scale * s);
  bias_q.zero_point.assign(bias_q.scale.size(), 0);
  const int bias_range = 64 * 64 * static_cast<int>(std::sqrt(c.DotLength()) + 1);
  const int bias = b.AddConstant<int32_t>(
      {c.output_channels},
      test::RandomInts<int32_t>(c.output_channels, seed + 2, -bias_range, bias_range), "bias",
      bias_q);
  const ir::Tensor& float_output = float_graph.tensors[float_graph.outputs[0]];
  const int output = b.AddTensor(qc.q.type, float_output.shape, "output",
                                 qc.q.OutputQuant(mean_filter_scale, c.DotLength()));
  // Version 3: int8 (per-channel); also covers uint8 and dilation.
  b.AddNode(c.depthwise ? ir::OpType::kDepthwiseConv2d : ir::OpType::kConv2d, {input, filter, bias},
            {output}, float_graph.nodes[0].options, /*version=*/3);
  b.MarkOutput(output);
  *graph = b.Build();
  return true;
}

::testing::AssertionResult QConvMatches(const test::BackendTest& t, const QConvCase& c,
                                        uint32_t seed) {
  ir::Graph graph;
  if (!BuildQuantizedConv(c, seed, &graph)) return ::testing::AssertionSuccess();
  return t.Matches(graph, c.q.Options(seed, c.Label()), 0.0);
}

// The zero points, output range, activation, batch and threads of sweep case
// `index`, varied together.
void VaryQuantization(int index, QConvCase* c) {
  c->q.SetZeroPoints(index);
  const float ranges[] = {1.0f, 0.3f, 4.0f};
  c->q.output_range = ranges[index % 3];
  c->conv.activation = test::kConvActivations[(index / 2) % 4];
  c->conv.batch = 1 + index % 2;
  c->q.threads = 1 + (index / 3) % 2;
}

QConvCase Case(bool depthwise, DataType type, bool per_channel = true) {
  QConvCase c;
  c.conv.depthwise = depthwise;
  c.q.type = type;
  c.per_channel = per_channel;
  return c;
}

// Kernel sizes 1 and 3 over ForEachWindow's strides, dilations and paddings.
void Sweep(const test::BackendTest& t, bool depthwise, DataType type, bool per_channel) {
  const std::vector<std::pair<int, int>> channel_pairs =
      depthwise ? std::vector<std::pair<int, int>>{{3, 3}, {16, 16}, {5, 10}}
                : std::vector<std::pair<int, int>>{{3, 5}, {8, 16}, {17, 40}};
  const QConvCase base = Case(depthwise, type, per_channel);
  int index = 0;
  test::ForEachWindow(base.conv, channel_pairs, {1, 3}, [&](const test::ConvCase& conv, int) {
    if (conv.filter_size == 1 && conv.dilation == 2) return;  // same as dilation 1
    QConvCase c = base;
    c.conv = conv;
    VaryQuantization(index, &c);
    ++index;
    EXPECT_TRUE(QConvMatches(t, c, 100 + index));
  });
}

TEST_P(QuantizedConvTest, Int8PerChannelSweep) {
  Sweep(*this, /*depthwise=*/false, DataType::kInt8, /*per_channel=*/true);
}

TEST_P(QuantizedConvTest, Int8PerTensorSweep) {
  Sweep(*this, /*depthwise=*/false, DataType::kInt8, /*per_channel=*/false);
}

TEST_P(QuantizedConvTest, UInt8Sweep) {
  Sweep(*this, /*depthwise=*/false, DataType::kUInt8, /*per_channel=*/false);
}

TEST_P(QuantizedDepthwiseConvTest, Int8PerChannelSweep) {
  Sweep(*this, /*depthwise=*/true, DataType::kInt8, /*per_channel=*/true);
}

TEST_P(QuantizedDepthwiseConvTest, Int8PerTensorSweep) {
  Sweep(*this, /*depthwise=*/true, DataType::kInt8, /*per_channel=*/false);
}

TEST_P(QuantizedDepthwiseConvTest, UInt8Sweep) {
  Sweep(*this, /*depthwise=*/true, DataType::kUInt8, /*per_channel=*/false);
}

// Multipliers > 1 (left shifts) and tiny ones; most outputs saturate or
// collapse onto the zero point.
TEST_P(QuantizedConvTest, ExtremeMultipliers) {
  int index = 0;
  for (bool depthwise : {false, true}) {
    for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
      for (float range : {1e-4f, 2e-3f, 300.0f}) {
        QConvCase c = Case(depthwise, type);
        c.conv.input_channels = 8;
        c.conv.output_channels = 8;
        c.q.output_range = range;
        c.q.input_zero_point = type == DataType::kInt8 ? -128 : 255;
        c.q.weights_zero_point = 7;
        c.q.output_zero_point = type == DataType::kInt8 ? 127 : 0;
        ++index;
        EXPECT_TRUE(QConvMatches(*this, c, 900 + index));
      }
    }
  }
}

// 1, 2, 4 or 8 channels with stride 1 along x: the optimized depthwise kernel
// packs 16 / channels neighbouring interior pixels into one vector; the rows
// are wide enough for several packed groups plus border pixels on each side.
TEST_P(QuantizedDepthwiseConvTest, FewChannelsPacked) {
  int index = 0;
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (int channels : {1, 2, 4, 8}) {
      for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
        for (int stride : {1, 2}) {  // 2: packing off, same answers
          QConvCase c = Case(/*depthwise=*/true, type, /*per_channel=*/index % 2 == 0);
          c.conv.height = 5;
          c.conv.width = 37;
          c.conv.input_channels = c.conv.output_channels = channels;
          c.conv.filter_size = 3;
          c.conv.stride = stride;
          c.conv.padding = padding;
          VaryQuantization(index, &c);
          ++index;
          EXPECT_TRUE(QConvMatches(*this, c, 900 + index));
        }
      }
    }
  }
}

// MobileNetV2-224 layer shapes (the first conv, expand/project 1x1 convs,
// 3x3 depthwise with stride 1 and 2), in both model forms, 2 threads.
TEST_P(QuantizedConvTest, MobileNetSizedLayers) {
  struct Layer {
    bool depthwise;
    int size, in_c, out_c, k, stride;
  };
  const Layer layers[] = {
      {false, 96, 3, 32, 3, 2},   {false, 28, 32, 192, 1, 1}, {false, 14, 384, 64, 1, 1},
      {true, 56, 144, 144, 3, 2}, {true, 28, 192, 192, 3, 1}, {false, 7, 320, 1280, 1, 1},
  };
  int index = 0;
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (const Layer& l : layers) {
      QConvCase c = Case(l.depthwise, type);
      c.conv.height = c.conv.width = l.size;
      c.conv.input_channels = l.in_c;
      c.conv.output_channels = l.out_c;
      c.conv.filter_size = l.k;
      c.conv.stride = l.stride;
      c.conv.activation = ir::Activation::kRelu6;
      c.q.input_zero_point = type == DataType::kInt8 ? -1 : 128;
      c.q.weights_zero_point = 110;
      c.q.output_zero_point = type == DataType::kInt8 ? -128 : 0;
      c.q.threads = 2;
      ++index;
      EXPECT_TRUE(QConvMatches(*this, c, 700 + index));
    }
  }
}

// Prepare's refusals, on vkdelegate alone.
TEST(QuantizedConvTest, PrepareErrors) {
  QConvCase c;
  ir::Graph graph;
  ASSERT_TRUE(BuildQuantizedConv(c, 1, &graph));
  // The filter without quantization parameters.
  for (ir::Tensor& t : graph.tensors) {
    if (t.name == "filter") t.quant = {};
  }
  Status s = test::PrepareStatus(graph);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 1 (filter)"), std::string::npos) << s.ToString();

  // A uint8 zero point outside [0, 255].
  c.q.type = DataType::kUInt8;
  c.q.input_zero_point = 300;
  ASSERT_TRUE(BuildQuantizedConv(c, 1, &graph));
  s = test::PrepareStatus(graph);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 0: zero point 300"), std::string::npos) << s.ToString();

  // A float bias with int8 activations.
  c = QConvCase();
  ASSERT_TRUE(BuildQuantizedConv(c, 1, &graph));
  for (ir::Tensor& t : graph.tensors) {
    if (t.name == "bias") t.type = DataType::kFloat32;
  }
  s = test::PrepareStatus(graph);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("input 2 (bias)"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
