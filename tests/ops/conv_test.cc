// CONV_2D against TFLite 2.9: float and hybrid (int8 filter) sweeps over
// kernel size, stride, dilation, padding, odd channel counts, batch, bias and
// fused activation. Each case runs the optimized and the reference kernels.
#include "cpu_fallback/reference/conv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

enum class FilterKind { kFloat, kInt8PerTensor, kInt8PerChannel };

struct ConvCase {
  int batch = 1;
  int height = 7, width = 6;
  int input_channels = 3, output_channels = 5;
  int filter_size = 3;
  int stride = 1;
  int dilation = 1;
  ir::Padding padding = ir::Padding::kSame;
  ir::Activation activation = ir::Activation::kNone;
  bool bias = true;  // TFLite 2.9's CONV_2D requires a bias
  FilterKind filter = FilterKind::kFloat;

  std::string Label() const {
    return "batch=" + std::to_string(batch) + " hw=" + std::to_string(height) + "x" +
           std::to_string(width) + " c=" + std::to_string(input_channels) + "->" +
           std::to_string(output_channels) + " k=" + std::to_string(filter_size) +
           " stride=" + std::to_string(stride) + " dilation=" + std::to_string(dilation) +
           (padding == ir::Padding::kSame ? " SAME" : " VALID") +
           " act=" + ir::ActivationName(activation) + (bias ? " bias" : " no-bias") + " filter=" +
           (filter == FilterKind::kFloat           ? "float"
            : filter == FilterKind::kInt8PerTensor ? "int8/tensor"
                                                   : "int8/channel");
  }

  int OutputSize(int in) const {
    return ops::ComputeOutputSize(padding, in, filter_size, stride, dilation);
  }
};

// Returns false (and builds nothing) when the VALID window does not fit.
bool BuildConv(const ConvCase& c, uint32_t seed, ir::Graph* graph) {
  const int out_h = c.OutputSize(c.height), out_w = c.OutputSize(c.width);
  if (out_h <= 0 || out_w <= 0) return false;
  const int filter_in = c.input_channels;
  writer::GraphBuilder b;
  const int input =
      b.AddInput(ir::DataType::kFloat32, {c.batch, c.height, c.width, c.input_channels});
  const ir::Shape filter_shape = {c.output_channels, c.filter_size, c.filter_size, filter_in};
  const size_t filter_count =
      static_cast<size_t>(c.output_channels) * c.filter_size * c.filter_size * filter_in;
  int filter;
  if (c.filter == FilterKind::kFloat) {
    filter = b.AddConstant<float>(filter_shape, test::RandomFloats(filter_count, seed + 1));
  } else {
    ir::Quantization q;
    if (c.filter == FilterKind::kInt8PerTensor) {
      q.scale = {0.0123f};
      q.zero_point = {0};
    } else {
      q.scale = test::RandomFloats(c.output_channels, seed + 3, 0.002f, 0.03f);
      q.zero_point.assign(c.output_channels, 0);
      q.quantized_dimension = 0;
    }
    filter =
        b.AddConstant<int8_t>(filter_shape, test::RandomInt8(filter_count, seed + 1), "filter", q);
  }
  std::vector<int32_t> inputs = {input, filter};
  if (c.bias) {
    inputs.push_back(b.AddConstant<float>(
        {c.output_channels}, test::RandomFloats(c.output_channels, seed + 2, -0.5f, 0.5f)));
  }
  const int output =
      b.AddTensor(ir::DataType::kFloat32, {c.batch, out_h, out_w, c.output_channels});
  ir::Conv2DOptions options;
  options.padding = c.padding;
  options.stride_h = options.stride_w = c.stride;
  options.dilation_h = options.dilation_w = c.dilation;
  options.activation = c.activation;
  // Version 2 covers dilation and hybrid filters.
  b.AddNode(ir::OpType::kConv2d, inputs, {output}, options, /*version=*/2);
  b.MarkOutput(output);
  *graph = b.Build();
  return true;
}

constexpr ir::Activation kActivations[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                           ir::Activation::kRelu6, ir::Activation::kReluN1To1};

TEST(Conv2DTest, FloatSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  const int channel_pairs[][2] = {{1, 1}, {3, 5}, {8, 13}, {16, 16}};
  int index = 0;
  for (int filter_size : {1, 3, 5}) {
    for (int stride : {1, 2}) {
      for (int dilation : {1, 2}) {
        for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
          for (const auto& channels : channel_pairs) {
            ConvCase c;
            c.filter_size = filter_size;
            c.stride = stride;
            c.dilation = dilation;
            c.padding = padding;
            c.input_channels = channels[0];
            c.output_channels = channels[1];
            c.activation = kActivations[index % 4];
            c.batch = 1 + index % 2;
            ++index;
            ir::Graph graph;
            if (!BuildConv(c, 100 + index, &graph)) continue;
            test::CompareOptions options;
            options.seed = index;
            options.label = c.Label();
            EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, 1e-5));
          }
        }
      }
    }
  }
}

TEST(Conv2DTest, FloatLargerChannelsThreaded) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  // Several panels and tiles, two threads: exercises the GEMM tiling edges.
  for (int filter_size : {1, 3}) {
    ConvCase c;
    c.height = 11;
    c.width = 9;
    c.input_channels = 24;
    c.output_channels = 40;
    c.filter_size = filter_size;
    c.activation = ir::Activation::kRelu6;
    ir::Graph graph;
    ASSERT_TRUE(BuildConv(c, 7, &graph));
    test::CompareOptions options;
    options.num_threads = 2;
    options.label = c.Label();
    EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, 1e-5));
  }
}

TEST(Conv2DTest, FloatTanhAndSignBitAreIgnoredLikeTfLite) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  for (ir::Activation activation : {ir::Activation::kTanh, ir::Activation::kSignBit}) {
    ConvCase c;
    c.activation = activation;
    ir::Graph graph;
    ASSERT_TRUE(BuildConv(c, 11, &graph));
    test::CompareOptions options;
    options.label = c.Label();
    EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, 1e-5));
  }
}

TEST(Conv2DTest, HybridSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  const int channel_pairs[][2] = {{3, 5}, {8, 13}};
  int index = 0;
  for (FilterKind kind : {FilterKind::kInt8PerTensor, FilterKind::kInt8PerChannel}) {
    for (int filter_size : {1, 3}) {
      for (int stride : {1, 2}) {
        for (int dilation : {1, 2}) {
          for (ir::Padding padding : {ir::Padding::kSame, ir::Padding::kValid}) {
            for (const auto& channels : channel_pairs) {
              ConvCase c;
              c.filter = kind;
              c.filter_size = filter_size;
              c.stride = stride;
              c.dilation = dilation;
              c.padding = padding;
              c.input_channels = channels[0];
              c.output_channels = channels[1];
              c.activation = kActivations[index % 4];
              c.batch = 1 + index % 2;
              ++index;
              ir::Graph graph;
              if (!BuildConv(c, 500 + index, &graph)) continue;
              test::CompareOptions options;
              options.seed = 1000 + index;
              options.label = c.Label();
              EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, 1e-3));
            }
          }
        }
      }
    }
  }
}

TEST(Conv2DTest, HybridMobileNetSizedThreaded) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  // Long dot products (k = 1..3, 96 input channels) as in real hybrid models.
  int index = 0;
  for (FilterKind kind : {FilterKind::kInt8PerTensor, FilterKind::kInt8PerChannel}) {
    for (int filter_size : {1, 3}) {
      ConvCase c;
      c.filter = kind;
      c.height = 14;
      c.width = 13;
      c.input_channels = 96;
      c.output_channels = 40;
      c.filter_size = filter_size;
      c.stride = filter_size;
      c.activation = ir::Activation::kRelu6;
      ir::Graph graph;
      ASSERT_TRUE(BuildConv(c, 23 + index++, &graph));
      test::CompareOptions options;
      options.num_threads = 2;
      options.label = c.Label();
      EXPECT_TRUE(test::BothKernelsMatchTfLite(graph, options, 1e-5));
    }
  }
}

}  // namespace
}  // namespace vkd
