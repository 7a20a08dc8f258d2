// CONV_2D against TFLite 2.9 on every backend: float and hybrid (int8 filter)
// sweeps over kernel size, stride, dilation, padding, odd channel counts,
// batch, bias and fused activation; the pointwise (GEMM) edges; and, on the
// GPU, the kernel variants the heuristics and the tuner may pick.
#include <gtest/gtest.h>

#include "tests/ops/conv_cases.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using test::ConvCase;
using test::FilterKind;

VKD_BACKEND_TEST_SUITE(Conv2DTest, kAllBackends);

TEST_P(Conv2DTest, FloatSweep) {
  test::CheckWindows(*this, {}, {{1, 1}, {3, 5}, {8, 13}, {16, 16}}, {1, 3, 5}, 100, 0);
}

TEST_P(Conv2DTest, HybridSweep) {
  for (FilterKind kind : {FilterKind::kInt8PerTensor, FilterKind::kInt8PerChannel}) {
    ConvCase base;
    base.filter = kind;
    test::CheckWindows(*this, base, {{3, 5}, {8, 13}}, {1, 3}, 500, 1000);
  }
}

// 1x1 stride 1 is a GEMM on every backend: row counts not a multiple of 4,
// channel counts around the vec4 blocks.
TEST_P(Conv2DTest, PointwiseGemmEdges) {
  int index = 0;
  for (int hw : {1, 3, 5, 8}) {
    for (int in_c : {1, 4, 7, 32}) {
      for (int out_c : {1, 4, 6, 33}) {
        ConvCase c;
        c.height = hw;
        c.width = hw + 1;
        c.input_channels = in_c;
        c.output_channels = out_c;
        c.filter_size = 1;
        c.activation = test::kConvActivations[index++ % 4];
        ir::Graph graph;
        ASSERT_TRUE(test::BuildConv(c, 300 + index, &graph));
        test::CompareOptions options;
        options.seed = index;
        options.label = c.Label();
        EXPECT_TRUE(Matches(graph, options, test::ConvBounds(c)));
      }
    }
  }
}

// Several panels and tiles, two CPU threads: the GEMM tiling edges.
TEST_P(Conv2DTest, FloatLargerChannelsThreaded) {
  for (int filter_size : {1, 3}) {
    ConvCase c;
    c.height = 11;
    c.width = 9;
    c.input_channels = 24;
    c.output_channels = 40;
    c.filter_size = filter_size;
    c.activation = ir::Activation::kRelu6;
    ir::Graph graph;
    ASSERT_TRUE(test::BuildConv(c, 7, &graph));
    test::CompareOptions options;
    options.num_threads = 2;
    options.label = c.Label();
    EXPECT_TRUE(Matches(graph, options, test::ConvBounds(c)));
  }
}

TEST_P(Conv2DTest, FloatTanhAndSignBitAreIgnoredLikeTfLite) {
  for (ir::Activation activation : {ir::Activation::kTanh, ir::Activation::kSignBit}) {
    ConvCase c;
    c.activation = activation;
    ir::Graph graph;
    ASSERT_TRUE(test::BuildConv(c, 11, &graph));
    test::CompareOptions options;
    options.label = c.Label();
    EXPECT_TRUE(Matches(graph, options, test::ConvBounds(c)));
  }
}

// Long dot products (k = 1..3, 96 input channels) as in real hybrid models.
TEST_P(Conv2DTest, HybridMobileNetSizedThreaded) {
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
      ASSERT_TRUE(test::BuildConv(c, 23 + index++, &graph));
      test::CompareOptions options;
      options.num_threads = 2;
      options.label = c.Label();
      test::Bounds bounds = test::ConvBounds(c);
      bounds.cpu = 1e-5;  // long dot products: our CPU kernels quantize exactly as TFLite's
      EXPECT_TRUE(Matches(graph, options, bounds));
    }
  }
}

}  // namespace
}  // namespace vkd
