// DEPTHWISE_CONV_2D against TFLite 2.9 on every backend: float and hybrid
// (per-channel int8 filter; TFLite quantizes the input asymmetrically) sweeps
// over kernel size, stride, dilation, padding, odd channel counts, depth
// multiplier, batch and fused activation; and, on the GPU, every depthwise
// kernel variant forced.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/ops/conv_cases.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using test::ConvCase;
using test::FilterKind;

VKD_BACKEND_TEST_SUITE(DepthwiseConv2DTest, kAllBackends);
VKD_BACKEND_TEST_SUITE(DepthwiseConv2DGpuTest, kGpuBackends);

// {input channels, output channels}: depth multipliers 1, 2 and 3.
const std::vector<std::pair<int, int>> kChannelPairs = {{1, 1},   {3, 3},   {5, 10}, {8, 8},
                                                        {13, 13}, {16, 16}, {3, 9}};

ConvCase Depthwise(FilterKind filter = FilterKind::kFloat) {
  ConvCase c;
  c.depthwise = true;
  c.filter = filter;
  return c;
}

TEST_P(DepthwiseConv2DTest, FloatSweep) {
  test::CheckWindows(*this, Depthwise(), kChannelPairs, {1, 3, 5}, 300, 2000);
}

TEST_P(DepthwiseConv2DTest, HybridSweep) {
  test::CheckWindows(*this, Depthwise(FilterKind::kInt8PerChannel), kChannelPairs, {1, 3, 5}, 300,
                     2000);
}

// More than one 64-channel block, a partial block, two CPU threads.
TEST_P(DepthwiseConv2DTest, WideChannelsThreaded) {
  for (FilterKind filter : {FilterKind::kFloat, FilterKind::kInt8PerChannel}) {
    ConvCase c = Depthwise(filter);
    c.height = 9;
    c.width = 10;
    c.input_channels = c.output_channels = 150;
    c.stride = 2;
    c.activation = ir::Activation::kRelu6;
    ir::Graph graph;
    ASSERT_TRUE(test::BuildConv(c, 17, &graph));
    test::CompareOptions options;
    options.num_threads = 2;
    options.label = c.Label();
    EXPECT_TRUE(Matches(graph, options, test::ConvBounds(c)));
  }
}

TEST_P(DepthwiseConv2DTest, TanhIsIgnoredLikeTfLite) {
  ConvCase c = Depthwise();
  c.input_channels = c.output_channels = 3;
  c.activation = ir::Activation::kTanh;
  ir::Graph graph;
  ASSERT_TRUE(test::BuildConv(c, 19, &graph));
  test::CompareOptions options;
  options.label = c.Label();
  EXPECT_TRUE(Matches(graph, options, test::ConvBounds(c)));
}

// Every depthwise variant (dw_4col, dw_1col) forced on this device, and the
// device's own choice, so that whichever the tuner picks is checked.
TEST_P(DepthwiseConv2DGpuTest, EveryVariant) {
  for (const char* variant : {"dw_4col", "dw_1col"}) {
    test::CheckWindows(*this, Depthwise(), kChannelPairs, {3, 5}, 900, 0, variant);
  }
}

}  // namespace
}  // namespace vkd
