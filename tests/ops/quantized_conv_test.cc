// Quantized CONV_2D and DEPTHWISE_CONV_2D against TFLite 2.9: int8 (per-channel
// and per-tensor filters, non-zero input/output zero points) and uint8
// (asymmetric filters) over kernel size, stride, dilation, padding, depth
// multiplier, batch, bias, fused activation, large multipliers and extreme
// zero points, MobileNetV2-sized layers, 1 and 2 threads. Every case runs the
// optimized and the reference kernels and must match to the LSB (tolerance 0).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "cpu_fallback/reference/conv.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;

struct QConvCase {
  bool depthwise = false;
  DataType type = DataType::kInt8;
  bool per_channel = true;  // int8 only
  int batch = 1;
  int height = 7, width = 6;
  int input_channels = 3;
  int output_channels = 5;  // depthwise: input_channels * depth multiplier
  int filter_size = 3;
  int stride = 1;
  int dilation = 1;
  ir::Padding padding = ir::Padding::kSame;
  ir::Activation activation = ir::Activation::kNone;
  // TFLite 2.9 needs a bias for quantized CONV_2D (Prepare refuses) and
  // DEPTHWISE_CONV_2D (its optimized kernels read it unchecked), so every case
  // has one; ours take none as well.
  bool bias = true;
  float input_scale = 0.05f;
  int input_zero_point = 3;
  int filter_zero_point = 0;  // uint8 only
  int output_zero_point = -5;
  // Output scale relative to the typical accumulator (< 1 saturates more).
  float output_range = 1.0f;
  int threads = 1;

  std::string Label() const {
    return std::string(depthwise ? "DEPTHWISE " : "CONV ") + ir::DataTypeName(type) +
           (type == DataType::kInt8 ? (per_channel ? "/channel" : "/tensor") : "") +
           " batch=" + std::to_string(batch) + " hw=" + std::to_string(height) + "x" +
           std::to_string(width) + " c=" + std::to_string(input_channels) + "->" +
           std::to_string(output_channels) + " k=" + std::to_string(filter_size) +
           " stride=" + std::to_string(stride) + " dilation=" + std::to_string(dilation) +
           (padding == ir::Padding::kSame ? " SAME" : " VALID") +
           " act=" + ir::ActivationName(activation) + (bias ? " bias" : " no-bias") +
           " zp in/f/out=" + std::to_string(input_zero_point) + "/" +
           std::to_string(filter_zero_point) + "/" + std::to_string(output_zero_point) +
           " range=" + std::to_string(output_range) + " threads=" + std::to_string(threads);
  }
};

std::vector<int32_t> RandomInt32(size_t n, uint32_t seed, int lo, int hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<uint8_t> RandomUInt8(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  const std::vector<int32_t> r = RandomInt32(n, seed, 0, 255);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(r[i]);
  return v;
}

// Returns false when the VALID window does not fit.
bool BuildQuantizedConv(const QConvCase& c, uint32_t seed, ir::Graph* graph) {
  const int out_h =
      ops::ComputeOutputSize(c.padding, c.height, c.filter_size, c.stride, c.dilation);
  const int out_w = ops::ComputeOutputSize(c.padding, c.width, c.filter_size, c.stride, c.dilation);
  if (out_h <= 0 || out_w <= 0) return false;
  writer::GraphBuilder b;
  ir::Quantization in_q;
  in_q.scale = {c.input_scale};
  in_q.zero_point = {c.input_zero_point};
  const int input =
      b.AddInput(c.type, {c.batch, c.height, c.width, c.input_channels}, "input", in_q);

  const int taps = c.filter_size * c.filter_size;
  const ir::Shape filter_shape =
      c.depthwise ? ir::Shape{1, c.filter_size, c.filter_size, c.output_channels}
                  : ir::Shape{c.output_channels, c.filter_size, c.filter_size, c.input_channels};
  const size_t filter_count = static_cast<size_t>(ir::NumElements(filter_shape));
  ir::Quantization filter_q;
  if (c.type == DataType::kInt8 && c.per_channel) {
    filter_q.scale = test::RandomFloats(c.output_channels, seed + 3, 0.002f, 0.03f);
    filter_q.zero_point.assign(c.output_channels, 0);
    filter_q.quantized_dimension = c.depthwise ? 3 : 0;
  } else {
    filter_q.scale = {0.0123f};
    filter_q.zero_point = {c.type == DataType::kInt8 ? 0 : c.filter_zero_point};
  }
  int filter;
  if (c.type == DataType::kInt8) {
    filter = b.AddConstant<int8_t>(filter_shape, test::RandomInt8(filter_count, seed + 1), "filter",
                                   filter_q);
  } else {
    filter = b.AddConstant<uint8_t>(filter_shape, RandomUInt8(filter_count, seed + 1), "filter",
                                    filter_q);
  }
  std::vector<int32_t> inputs = {input, filter};
  float mean_filter_scale = 0;
  for (float s : filter_q.scale) mean_filter_scale += s;
  mean_filter_scale /= filter_q.scale.size();
  if (c.bias) {
    ir::Quantization bias_q;
    for (float s : filter_q.scale) bias_q.scale.push_back(c.input_scale * s);
    bias_q.zero_point.assign(bias_q.scale.size(), 0);
    const int depth = c.depthwise ? 1 : c.input_channels;
    const int bias_range = 64 * 64 * static_cast<int>(std::sqrt(taps * depth) + 1);
    inputs.push_back(b.AddConstant<int32_t>(
        {c.output_channels}, RandomInt32(c.output_channels, seed + 2, -bias_range, bias_range),
        "bias", bias_q));
  }
  // Accumulators are roughly sqrt(k) * 74 * 74 (uniform int8 operands) in
  // units of input_scale * filter_scale; map that onto about half the range.
  const int k = taps * (c.depthwise ? 1 : c.input_channels);
  ir::Quantization out_q;
  out_q.scale = {c.input_scale * mean_filter_scale * std::sqrt(static_cast<float>(k)) * 74 * 74 /
                 64 * c.output_range};
  out_q.zero_point = {c.output_zero_point};
  const int output =
      b.AddTensor(c.type, {c.batch, out_h, out_w, c.output_channels}, "output", out_q);
  if (c.depthwise) {
    ir::DepthwiseConv2DOptions o;
    o.padding = c.padding;
    o.stride_h = o.stride_w = c.stride;
    o.dilation_h = o.dilation_w = c.dilation;
    o.depth_multiplier = c.output_channels / c.input_channels;
    o.activation = c.activation;
    // Version 3: int8 (per-channel); also covers uint8 and dilation.
    b.AddNode(ir::OpType::kDepthwiseConv2d, inputs, {output}, o, /*version=*/3);
  } else {
    ir::Conv2DOptions o;
    o.padding = c.padding;
    o.stride_h = o.stride_w = c.stride;
    o.dilation_h = o.dilation_w = c.dilation;
    o.activation = c.activation;
    b.AddNode(ir::OpType::kConv2d, inputs, {output}, o, /*version=*/3);  // int8 is version 3
  }
  b.MarkOutput(output);
  *graph = b.Build();
  return true;
}

::testing::AssertionResult Check(const QConvCase& c, uint32_t seed) {
  ir::Graph graph;
  if (!BuildQuantizedConv(c, seed, &graph)) return ::testing::AssertionSuccess();
  test::CompareOptions options;
  options.seed = seed;
  options.num_threads = c.threads;
  // The whole range of the type for the random inputs.
  options.input_min = c.type == DataType::kUInt8 ? 0.0f : -128.0f;
  options.input_max = c.type == DataType::kUInt8 ? 255.0f : 127.0f;
  options.label = c.Label();
  return test::BothKernelsMatchTfLite(graph, options, 0.0);
}

constexpr ir::Activation kActivations[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                           ir::Activation::kRelu6, ir::Activation::kReluN1To1};

// The zero points and output range of sweep case `index`, varied together.
void VaryQuantization(int index, QConvCase* c) {
  if (c->type == DataType::kInt8) {
    const int zps[][2] = {{3, -5}, {-128, 127}, {0, 0}, {100, -90}};
    c->input_zero_point = zps[index % 4][0];
    c->output_zero_point = zps[index % 4][1];
  } else {
    const int zps[][3] = {{128, 120, 130}, {0, 255, 0}, {255, 0, 255}, {37, 201, 90}};
    c->input_zero_point = zps[index % 4][0];
    c->filter_zero_point = zps[index % 4][1];
    c->output_zero_point = zps[index % 4][2];
  }
  const float ranges[] = {1.0f, 0.3f, 4.0f};
  c->output_range = ranges[index % 3];
  c->activation = kActivations[(index / 2) % 4];
  c->batch = 1 + index % 2;
  c->threads = 1 + (index / 3) % 2;
}

void Sweep(bool depthwise, DataType type, bool per_channel) {
  const int channel_pairs[][2] = {{3, 5}, {8, 16}, {17, 40}};
  const int depthwise_channels[][2] = {{3, 3}, {16, 16}, {5, 10}};
  int index = 0;
  for (int filter_size : {1, 3}) {
    for (int stride : {1, 2}) {
      for (int dilation : {1, 2}) {
        for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
          for (int pair = 0; pair < 3; ++pair) {
            if (filter_size == 1 && dilation == 2) continue;  // same as dilation 1
            QConvCase c;
            c.depthwise = depthwise;
            c.type = type;
            c.per_channel = per_channel;
            c.filter_size = filter_size;
            c.stride = stride;
            c.dilation = dilation;
            c.padding = padding;
            c.input_channels = depthwise ? depthwise_channels[pair][0] : channel_pairs[pair][0];
            c.output_channels = depthwise ? depthwise_channels[pair][1] : channel_pairs[pair][1];
            VaryQuantization(index, &c);
            ++index;
            EXPECT_TRUE(Check(c, 100 + index));
          }
        }
      }
    }
  }
}

TEST(QuantizedConvTest, Int8PerChannelSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(/*depthwise=*/false, DataType::kInt8, /*per_channel=*/true);
}

TEST(QuantizedConvTest, Int8PerTensorSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(/*depthwise=*/false, DataType::kInt8, /*per_channel=*/false);
}

TEST(QuantizedConvTest, UInt8Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(/*depthwise=*/false, DataType::kUInt8, /*per_channel=*/false);
}

TEST(QuantizedDepthwiseConvTest, Int8PerChannelSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(/*depthwise=*/true, DataType::kInt8, /*per_channel=*/true);
}

TEST(QuantizedDepthwiseConvTest, Int8PerTensorSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(/*depthwise=*/true, DataType::kInt8, /*per_channel=*/false);
}

TEST(QuantizedDepthwiseConvTest, UInt8Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(/*depthwise=*/true, DataType::kUInt8, /*per_channel=*/false);
}

// Multipliers > 1 (left shifts) and tiny ones; most outputs saturate or
// collapse onto the zero point.
TEST(QuantizedConvTest, ExtremeMultipliers) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  int index = 0;
  for (bool depthwise : {false, true}) {
    for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
      for (float range : {1e-4f, 2e-3f, 300.0f}) {
        QConvCase c;
        c.depthwise = depthwise;
        c.type = type;
        c.input_channels = 8;
        c.output_channels = 8;
        c.output_range = range;
        c.input_zero_point = type == DataType::kInt8 ? -128 : 255;
        c.filter_zero_point = 7;
        c.output_zero_point = type == DataType::kInt8 ? 127 : 0;
        ++index;
        EXPECT_TRUE(Check(c, 900 + index));
      }
    }
  }
}

// MobileNetV2-224 layer shapes (the first conv, expand/project 1x1 convs,
// 3x3 depthwise with stride 1 and 2), in both model forms, 2 threads.
// 1, 2, 4 or 8 channels with stride 1 along x: the optimized depthwise kernel
// packs 16 / channels neighbouring interior pixels into one vector; the rows
// are wide enough for several packed groups plus border pixels on each side.
TEST(QuantizedDepthwiseConvTest, FewChannelsPacked) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  int index = 0;
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (int channels : {1, 2, 4, 8}) {
      for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
        for (int stride : {1, 2}) {  // 2: packing off, same answers
          QConvCase c;
          c.depthwise = true;
          c.type = type;
          c.per_channel = index % 2 == 0;
          c.height = 5;
          c.width = 37;
          c.input_channels = c.output_channels = channels;
          c.filter_size = 3;
          c.stride = stride;
          c.padding = padding;
          VaryQuantization(index, &c);
          ++index;
          EXPECT_TRUE(Check(c, 900 + index));
        }
      }
    }
  }
}

TEST(QuantizedConvTest, MobileNetSizedLayers) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
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
      QConvCase c;
      c.depthwise = l.depthwise;
      c.type = type;
      c.height = c.width = l.size;
      c.input_channels = l.in_c;
      c.output_channels = l.out_c;
      c.filter_size = l.k;
      c.stride = l.stride;
      c.activation = ir::Activation::kRelu6;
      c.input_zero_point = type == DataType::kInt8 ? -1 : 128;
      c.filter_zero_point = 110;
      c.output_zero_point = type == DataType::kInt8 ? -128 : 0;
      c.threads = 2;
      ++index;
      EXPECT_TRUE(Check(c, 700 + index));
    }
  }
}

// Prepare's refusals, on vkdelegate alone.
Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

TEST(QuantizedConvTest, PrepareErrors) {
  QConvCase c;
  ir::Graph graph;
  ASSERT_TRUE(BuildQuantizedConv(c, 1, &graph));
  // The filter without quantization parameters.
  for (ir::Tensor& t : graph.tensors) {
    if (t.name == "filter") t.quant = {};
  }
  Status s = PrepareStatus(graph);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 1 (filter)"), std::string::npos) << s.ToString();

  // A uint8 zero point outside [0, 255].
  c.type = DataType::kUInt8;
  c.input_zero_point = 300;
  ASSERT_TRUE(BuildQuantizedConv(c, 1, &graph));
  s = PrepareStatus(graph);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 0: zero point 300"), std::string::npos) << s.ToString();

  // A float bias with int8 activations.
  c = QConvCase();
  ASSERT_TRUE(BuildQuantizedConv(c, 1, &graph));
  for (ir::Tensor& t : graph.tensors) {
    if (t.name == "bias") t.type = DataType::kFloat32;
  }
  s = PrepareStatus(graph);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("input 2 (bias)"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
