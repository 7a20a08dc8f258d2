// MEAN and SUM against TFLite 2.9, float32: axis sets (contiguous runs,
// split sets, negative and duplicate axes, all axes), keep_dims on and off.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

constexpr double kTolerance = 1e-5;

Shape ReducedShape(const Shape& in, const std::vector<int32_t>& axes, bool keep_dims) {
  const int rank = static_cast<int>(in.size());
  std::vector<bool> reduced(rank, false);
  for (int32_t a : axes) reduced[a < 0 ? a + rank : a] = true;
  Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      out.push_back(in[d]);
    } else if (keep_dims) {
      out.push_back(1);
    }
  }
  return out;
}

ir::Graph ReduceGraph(OpType op, const Shape& in, const std::vector<int32_t>& axes,
                      bool keep_dims) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const int a = g.AddConstant<int32_t>({static_cast<int32_t>(axes.size())}, axes, "axes");
  const int out = g.AddTensor(DataType::kFloat32, ReducedShape(in, axes, keep_dims), "out");
  g.AddNode(op, {x, a}, {out}, ir::ReducerOptions{keep_dims}, 1);
  g.MarkOutput(out);
  return g.Build();
}

std::string AxesString(const std::vector<int32_t>& axes) {
  std::string s = "{";
  for (size_t i = 0; i < axes.size(); ++i) s += (i ? "," : "") + std::to_string(axes[i]);
  return s + "}";
}

TEST(ReduceTest, AxesSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
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
        EXPECT_TRUE(test::BothKernelsMatchTfLite(ReduceGraph(op, c.in, c.axes, keep_dims), opts,
                                                 kTolerance));
      }
    }
  }
}

// The classifier-head MEAN over a big spatial extent, split across threads.
TEST(ReduceTest, LargeThreaded) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
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
      EXPECT_TRUE(
          test::BothKernelsMatchTfLite(ReduceGraph(op, c.in, c.axes, true), opts, kTolerance));
    }
  }
}

}  // namespace
}  // namespace vkd
