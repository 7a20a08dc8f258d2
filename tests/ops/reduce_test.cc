// MEAN and SUM against TFLite 2.9, float32: axis sets (contiguous runs,
// split sets, negative and duplicate axes, all axes), keep_dims on and off,
// on the CPU backends; the spatial MEAN of 4-D tensors (global average
// pooling, the one reduction the GPU takes) on every backend, alone and
// followed by a bias ADD and RELU it takes along.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/reduce_cases.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(ReduceTest, kCpuBackends);
VKD_BACKEND_TEST_SUITE(SpatialMeanTest, kAllBackends);

ir::Graph ReduceGraph(OpType op, const Shape& in, const std::vector<int32_t>& axes,
                      bool keep_dims) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const int a = g.AddConstant<int32_t>({static_cast<int32_t>(axes.size())}, axes, "axes");
  const int out = g.AddTensor(DataType::kFloat32, test::ReducedShape(in, axes, keep_dims), "out");
  g.AddNode(op, {x, a}, {out}, ir::ReducerOptions{keep_dims}, 1);
  g.MarkOutput(out);
  return g.Build();
}

std::string AxesString(const std::vector<int32_t>& axes) {
  std::string s = "{";
  for (size_t i = 0; i < axes.size(); ++i) s += (i ? "," : "") + std::to_string(axes[i]);
  return s + "}";
}

TEST_P(ReduceTest, AxesSweep) {
  struct Case {
    Shape in;
    std::vector<int32_t> axes;
  };
  const Case cases[] = {
      {{2, 5, 7, 3}, {1, 2}},
      {{2, 5, 7, 3}, {3}},
      {{2, 5, 7, 3}, {-1}},
      {{2, 5, 7, 3}, {0}},
      {{2, 5, 7, 3}, {0, 2}},
      {{2, 5, 7, 3}, {1, 3}},
      {{2, 5, 7, 3}, {0, 1, 2, 3}},
      {{2, 5, 7, 3}, {2, 1}},
      {{2, 5, 7, 3}, {1, -3}},
      {{2, 5, 7, 3}, {-2, -3}},
      {{9}, {0}},
      {{4, 6}, {0}},
      {{4, 6}, {1}},
      {{3, 1, 4, 1, 5}, {1, 3}},
      {{3, 2, 4, 2, 5}, {1, 3}},
      {{1, 1, 1, 8}, {1, 2}},
  };
  for (OpType op : {OpType::kMean, OpType::kSum}) {
    for (const Case& c : cases) {
      for (bool keep_dims : {true, false}) {
        test::CompareOptions opts;
        opts.seed = 41;
        opts.label = ir::OpTypeName(op) + " " + ir::ShapeToString(c.in) + " axes " +
                     AxesString(c.axes) + (keep_dims ? " keep_dims" : "");
        EXPECT_TRUE(Matches(ReduceGraph(op, c.in, c.axes, keep_dims), opts));
      }
    }
  }
}

// The classifier-head MEAN over a big spatial extent, split across threads.
TEST_P(ReduceTest, LargeThreaded) {
  struct Case {
    Shape in;
    std::vector<int32_t> axes;
  };
  const Case cases[] = {
      {{1, 56, 56, 40}, {1, 2}}, {{4, 32, 32, 24}, {1, 2}}, {{64, 3000}, {-1}}, {{300, 257}, {0}}};
  for (OpType op : {OpType::kMean, OpType::kSum}) {
    for (const Case& c : cases) {
      test::CompareOptions opts;
      opts.seed = 43;
      opts.num_threads = 2;
      opts.label = ir::OpTypeName(op) + " " + ir::ShapeToString(c.in) + " axes " +
                   AxesString(c.axes) + " threads=2";
      EXPECT_TRUE(Matches(ReduceGraph(op, c.in, c.axes, true), opts));
    }
  }
}

TEST_P(SpatialMeanTest, AxesAnyOrderKeepDims) {
  const std::vector<std::vector<int32_t>> axes_list = {{1, 2}, {2, 1}, {-3, -2}, {-2, 1}};
  const std::vector<Shape> shapes = {{1, 7, 9, 3}, {2, 5, 4, 8}, {1, 1, 1, 5}, {2, 13, 11, 33}};
  int index = 0;
  for (const auto& axes : axes_list) {
    for (const Shape& in : shapes) {
      for (bool keep_dims : {true, false}) {
        test::CompareOptions opts;
        opts.seed = ++index;
        opts.label = "MEAN " + ir::ShapeToString(in) + " axes " + AxesString(axes) +
                     (keep_dims ? " keep_dims" : "");
        EXPECT_TRUE(MatchesInDispatches(ReduceGraph(OpType::kMean, in, axes, keep_dims), opts, 1,
                                        test::Bounds::Dot(int64_t{in[1]} * in[2])));
      }
    }
  }
}

// The global average pool of a classifier head, then a bias ADD and RELU:
// the mean's result (whatever keep_dims) takes the elementwise ops along on
// the GPU.
TEST_P(SpatialMeanTest, FollowedByElementwise) {
  for (bool keep_dims : {true, false}) {
    const Shape in = {2, 6, 5, 10};
    const Shape mean_shape = test::ReducedShape(in, {1, 2}, keep_dims);
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, in, "x");
    const int a = g.AddConstant<int32_t>({2}, {1, 2}, "axes");
    const int m = g.AddTensor(DataType::kFloat32, mean_shape, "mean");
    g.AddNode(OpType::kMean, {x, a}, {m}, ir::ReducerOptions{keep_dims}, 1);
    const int bias = g.AddConstant<float>({10}, test::RandomFloats(10, 3), "bias");
    const int s = g.AddTensor(DataType::kFloat32, mean_shape, "sum");
    g.AddNode(OpType::kAdd, {m, bias}, {s}, ir::ElementwiseOptions{ir::Activation::kRelu}, 1);
    g.MarkOutput(s);
    test::CompareOptions opts;
    opts.label = std::string("MEAN+ADD+RELU") + (keep_dims ? " keep_dims" : "");
    test::CompareReport report;
    EXPECT_TRUE(Matches(g.Build(), opts, {}, &report));
    if (OnGpu()) EXPECT_LE(report.dispatches, 2) << opts.label;
  }
}

}  // namespace
}  // namespace vkd
