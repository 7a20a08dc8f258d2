// AVERAGE_POOL_2D and MAX_POOL_2D against TFLite 2.9 on every backend,
// float32: filter, stride, SAME/VALID padding (odd totals, filters wider than
// the input under SAME), odd channel counts, batch, fused activations, global
// pools, threads; on the GPU each is one dispatch.
#include <gtest/gtest.h>

#include <string>

#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Padding;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(PoolTest, kAllBackends);

int OutSize(Padding padding, int in, int filter, int stride) {
  return padding == Padding::kSame ? (in + stride - 1) / stride : (in - filter + stride) / stride;
}

ir::Graph PoolGraph(OpType op, const Shape& in, const ir::Pool2DOptions& o) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const Shape out_shape = {in[0], OutSize(o.padding, in[1], o.filter_h, o.stride_h),
                           OutSize(o.padding, in[2], o.filter_w, o.stride_w), in[3]};
  const int out = g.AddTensor(DataType::kFloat32, out_shape, "out");
  g.AddNode(op, {x}, {out}, o, 1);
  g.MarkOutput(out);
  return g.Build();
}

std::string Label(OpType op, const Shape& in, const ir::Pool2DOptions& o, int threads) {
  return ir::OpTypeName(op) + " " + ir::ShapeToString(in) + " filter " +
         std::to_string(o.filter_h) + "x" + std::to_string(o.filter_w) + " stride " +
         std::to_string(o.stride_h) + "x" + std::to_string(o.stride_w) +
         (o.padding == Padding::kSame ? " SAME" : " VALID") +
         " act=" + ir::ActivationName(o.activation) + " threads=" + std::to_string(threads);
}

TEST_P(PoolTest, FilterStridePaddingSweep) {
  const Shape inputs[] = {{1, 7, 9, 3}, {2, 8, 8, 5}, {1, 5, 4, 1}, {1, 1, 1, 4}, {2, 7, 6, 8}};
  const std::pair<int, int> filters[] = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {2, 5}};
  const std::pair<int, int> strides[] = {{1, 1}, {2, 2}, {3, 1}};
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    for (const Shape& in : inputs) {
      for (const auto& [fh, fw] : filters) {
        for (const auto& [sh, sw] : strides) {
          for (Padding padding : {Padding::kSame, Padding::kValid}) {
            if (padding == Padding::kValid && (fh > in[1] || fw > in[2])) continue;
            ir::Pool2DOptions o;
            o.padding = padding;
            o.filter_h = fh;
            o.filter_w = fw;
            o.stride_h = sh;
            o.stride_w = sw;
            test::CompareOptions opts;
            opts.seed = 31;
            opts.label = Label(op, in, o, 1);
            EXPECT_TRUE(MatchesInDispatches(PoolGraph(op, in, o), opts, 1));
          }
        }
      }
    }
  }
}

TEST_P(PoolTest, FusedActivations) {
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    for (Activation act : {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1}) {
      ir::Pool2DOptions o;
      o.padding = Padding::kSame;
      o.filter_h = o.filter_w = 3;
      o.stride_h = o.stride_w = 2;
      o.activation = act;
      const Shape in = {1, 9, 10, 6};
      test::CompareOptions opts;
      opts.seed = 6;
      opts.input_min = -8.0f;
      opts.input_max = 8.0f;
      opts.label = Label(op, in, o, 1);
      EXPECT_TRUE(MatchesInDispatches(PoolGraph(op, in, o), opts, 1));
    }
  }
}

// Global pooling (the classifier-head case, stride 1 and 2), and big
// threaded cases.
TEST_P(PoolTest, GlobalAndThreaded) {
  struct Case {
    Shape in;
    int filter, stride;
    Padding padding;
  };
  const Case cases[] = {
      {{1, 7, 7, 64}, 7, 1, Padding::kValid},   {{2, 7, 7, 37}, 7, 2, Padding::kValid},
      {{2, 6, 6, 21}, 6, 6, Padding::kValid},   {{1, 64, 64, 24}, 3, 2, Padding::kSame},
      {{1, 63, 65, 17}, 2, 2, Padding::kValid},
  };
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    for (const Case& c : cases) {
      ir::Pool2DOptions o;
      o.padding = c.padding;
      o.filter_h = o.filter_w = c.filter;
      o.stride_h = o.stride_w = c.stride;
      test::CompareOptions opts;
      opts.seed = 12;
      opts.num_threads = 2;
      opts.label = Label(op, c.in, o, 2);
      EXPECT_TRUE(MatchesInDispatches(PoolGraph(op, c.in, o), opts, 1));
    }
  }
}

}  // namespace
}  // namespace vkd
