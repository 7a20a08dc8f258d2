// DEPTHWISE_CONV_2D against TFLite 2.9: float sweeps over kernel size, stride,
// dilation, padding, odd channel counts, depth multiplier, batch, bias and
// fused activation, and the hybrid form (per-channel int8 filter; TFLite
// quantizes the input asymmetrically). Optimized and reference kernels both run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cpu_fallback/reference/conv.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

struct DepthwiseCase {
  int batch = 1;
  int height = 7, width = 6;
  int channels = 3;
  int multiplier = 1;
  int filter_size = 3;
  int stride = 1;
  int dilation = 1;
  ir::Padding padding = ir::Padding::kSame;
  ir::Activation activation = ir::Activation::kNone;
  // TFLite 2.9's optimized float kernel crashes without a bias (it copies
  // from a null pointer), so every case has one.
  bool bias = true;
  bool hybrid = false;

  std::string Label() const {
    return "batch=" + std::to_string(batch) + " hw=" + std::to_string(height) + "x" +
           std::to_string(width) + " c=" + std::to_string(channels) + " x" +
           std::to_string(multiplier) + " k=" + std::to_string(filter_size) +
           " stride=" + std::to_string(stride) + " dilation=" + std::to_string(dilation) +
           (padding == ir::Padding::kSame ? " SAME" : " VALID") +
           " act=" + ir::ActivationName(activation) + (bias ? " bias" : " no-bias") +
           (hybrid ? " hybrid" : " float");
  }
};

bool BuildDepthwise(const DepthwiseCase& c, uint32_t seed, ir::Graph* graph) {
  const int out_h =
      ops::ComputeOutputSize(c.padding, c.height, c.filter_size, c.stride, c.dilation);
  const int out_w = ops::ComputeOutputSize(c.padding, c.width, c.filter_size, c.stride, c.dilation);
  if (out_h <= 0 || out_w <= 0) return false;
  const int out_c = c.channels * c.multiplier;
  writer::GraphBuilder b;
  const int input = b.AddInput(ir::DataType::kFloat32, {c.batch, c.height, c.width, c.channels});
  const ir::Shape filter_shape = {1, c.filter_size, c.filter_size, out_c};
  const size_t filter_count = static_cast<size_t>(c.filter_size) * c.filter_size * out_c;
  int filter;
  if (c.hybrid) {
    ir::Quantization q;
    q.scale = test::RandomFloats(out_c, seed + 3, 0.002f, 0.03f);
    q.zero_point.assign(out_c, 0);
    q.quantized_dimension = 3;
    filter =
        b.AddConstant<int8_t>(filter_shape, test::RandomInt8(filter_count, seed + 1), "filter", q);
  } else {
    filter = b.AddConstant<float>(filter_shape, test::RandomFloats(filter_count, seed + 1));
  }
  std::vector<int32_t> inputs = {input, filter};
  if (c.bias)
    inputs.push_back(
        b.AddConstant<float>({out_c}, test::RandomFloats(out_c, seed + 2, -0.5f, 0.5f)));
  const int output = b.AddTensor(ir::DataType::kFloat32, {c.batch, out_h, out_w, out_c});
  ir::DepthwiseConv2DOptions options;
  options.padding = c.padding;
  options.stride_h = options.stride_w = c.stride;
  options.dilation_h = options.dilation_w = c.dilation;
  options.depth_multiplier = c.multiplier;
  options.activation = c.activation;
  // Version 2 brings dilation; version 6 hybrid filters.
  b.AddNode(ir::OpType::kDepthwiseConv2d, inputs, {output}, options, c.hybrid ? 6 : 2);
  b.MarkOutput(output);
  *graph = b.Build();
  return true;
}

constexpr ir::Activation kActivations[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                           ir::Activation::kRelu6, ir::Activation::kReluN1To1};

void RunSweep(bool hybrid, double tolerance) {
  const int channel_sets[][2] = {{1, 1}, {3, 1}, {5, 2}, {8, 1}, {13, 1}, {16, 1}, {3, 3}};
  int index = 0;
  for (int filter_size : {1, 3, 5}) {
    for (int stride : {1, 2}) {
      for (int dilation : {1, 2}) {
        for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
          for (const auto& set : channel_sets) {
            DepthwiseCase c;
            c.hybrid = hybrid;
            c.filter_size = filter_size;
            c.stride = stride;
            c.dilation = dilation;
            c.padding = padding;
            c.channels = set[0];
            c.multiplier = set[1];
            c.activation = kActivations[index % 4];
            c.batch = 1 + index % 2;
            ++index;
            ir::Graph graph;
            if (!BuildDepthwise(c, 300 + index, &graph)) continue;
            test::CompareOptions options;
            options.seed = 2000 + index;
            options.label = c.Label();
            EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, tolerance));
          }
        }
      }
    }
  }
}

TEST(DepthwiseConv2DTest, FloatSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  RunSweep(/*hybrid=*/false, 1e-5);
}

TEST(DepthwiseConv2DTest, HybridSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  RunSweep(/*hybrid=*/true, 1e-3);
}

TEST(DepthwiseConv2DTest, WideChannelsThreaded) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  // More than one 64-channel block, a partial block, two threads.
  for (bool hybrid : {false, true}) {
    DepthwiseCase c;
    c.height = 9;
    c.width = 10;
    c.channels = 150;
    c.stride = 2;
    c.activation = ir::Activation::kRelu6;
    c.hybrid = hybrid;
    ir::Graph graph;
    ASSERT_TRUE(BuildDepthwise(c, 17, &graph));
    test::CompareOptions options;
    options.num_threads = 2;
    options.label = c.Label();
    EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, hybrid ? 1e-3 : 1e-5));
  }
}

TEST(DepthwiseConv2DTest, TanhIsIgnoredLikeTfLite) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  DepthwiseCase c;
  c.activation = ir::Activation::kTanh;
  ir::Graph graph;
  ASSERT_TRUE(BuildDepthwise(c, 19, &graph));
  test::CompareOptions options;
  options.label = c.Label();
  EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, 1e-5));
}

}  // namespace
}  // namespace vkd
