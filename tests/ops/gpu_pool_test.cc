// AVERAGE_POOL_2D, MAX_POOL_2D, MEAN (spatial) and SOFTMAX on the GPU against
// TFLite: filter and stride sweeps with SAME/VALID padding, odd channel
// counts, batch 2, fused RELU6; MEAN over axes given in any order or
// negative, keep_dims on and off; SOFTMAX on rank 2 and 4 with two betas.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

int PoolOut(ir::Padding p, int in, int k, int s) {
  return p == ir::Padding::kSame ? (in + s - 1) / s : (in - k + s) / s;
}

::testing::AssertionResult MatchesInDispatches(const ir::Graph& g, const test::CompareOptions& o,
                                               int dispatches) {
  test::CompareReport report;
  auto r = test::GpuMatchesTfLite(g, o, test::kGpuFp32Tolerance, &report);
  if (!r) return r;
  if (report.dispatches != dispatches) {
    return ::testing::AssertionFailure()
           << "[" << o.label << "] " << report.dispatches << " dispatches, expected " << dispatches;
  }
  return r;
}

TEST(GpuPoolTest, Pool2dSweep) {
  VKD_REQUIRE_GPU();
  const ir::Activation acts[] = {ir::Activation::kNone, ir::Activation::kRelu6,
                                 ir::Activation::kRelu};
  int index = 0;
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    for (int fh = 1; fh <= 3; ++fh) {
      for (int fw = 1; fw <= 3; ++fw) {
        for (int stride = 1; stride <= 2; ++stride) {
          for (ir::Padding p : {ir::Padding::kSame, ir::Padding::kValid}) {
            ++index;
            const int batch = 1 + index % 2;
            const int c = (index % 3 == 0) ? 8 : (index % 3 == 1 ? 3 : 5);
            const int h = 7, w = 6;
            ir::Pool2DOptions o;
            o.padding = p;
            o.stride_h = o.stride_w = stride;
            o.filter_h = fh;
            o.filter_w = fw;
            o.activation = acts[index % 3];
            writer::GraphBuilder g;
            const int x = g.AddInput(DataType::kFloat32, {batch, h, w, c}, "x");
            const int out = g.AddTensor(
                DataType::kFloat32,
                {batch, PoolOut(p, h, fh, stride), PoolOut(p, w, fw, stride), c}, "out");
            g.AddNode(op, {x}, {out}, o, 1);
            g.MarkOutput(out);
            test::CompareOptions co;
            co.seed = index;
            co.input_min = -8.0f;  // so the fused RELU6 clamps both ends
            co.input_max = 8.0f;
            co.label = ir::OpTypeName(op) + " b" + std::to_string(batch) + " c" +
                       std::to_string(c) + " f" + std::to_string(fh) + "x" + std::to_string(fw) +
                       " s" + std::to_string(stride) +
                       (p == ir::Padding::kSame ? " SAME " : " VALID ") +
                       ir::ActivationName(o.activation);
            EXPECT_TRUE(MatchesInDispatches(g.Build(), co, 1));
          }
        }
      }
    }
  }
}

TEST(GpuPoolTest, GlobalPoolLargeFilter) {
  VKD_REQUIRE_GPU();
  // A 7x7 VALID average pool over a 7x7 input (the head of MobileNet).
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    ir::Pool2DOptions o;
    o.padding = ir::Padding::kValid;
    o.filter_h = o.filter_w = 7;
    o.stride_h = o.stride_w = 2;
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {2, 7, 7, 37}, "x");
    const int out = g.AddTensor(DataType::kFloat32, {2, 1, 1, 37}, "out");
    g.AddNode(op, {x}, {out}, o, 1);
    g.MarkOutput(out);
    test::CompareOptions co;
    co.label = ir::OpTypeName(op) + " 7x7 global";
    EXPECT_TRUE(MatchesInDispatches(g.Build(), co, 1));
  }
}

Shape MeanShape(const Shape& in, bool keep_dims) {
  if (keep_dims) return {in[0], 1, 1, in[3]};
  return {in[0], in[3]};
}

TEST(GpuMeanTest, SpatialAxes) {
  VKD_REQUIRE_GPU();
  const std::vector<std::vector<int32_t>> axes_list = {{1, 2}, {2, 1}, {-3, -2}, {-2, 1}};
  const std::vector<Shape> shapes = {{1, 7, 9, 3}, {2, 5, 4, 8}, {1, 1, 1, 5}, {2, 13, 11, 33}};
  int index = 0;
  for (const auto& axes : axes_list) {
    for (const Shape& in : shapes) {
      for (bool keep_dims : {true, false}) {
        ++index;
        writer::GraphBuilder g;
        const int x = g.AddInput(DataType::kFloat32, in, "x");
        const int a = g.AddConstant<int32_t>({static_cast<int32_t>(axes.size())}, axes, "axes");
        const int out = g.AddTensor(DataType::kFloat32, MeanShape(in, keep_dims), "out");
        g.AddNode(OpType::kMean, {x, a}, {out}, ir::ReducerOptions{keep_dims}, 1);
        g.MarkOutput(out);
        test::CompareOptions co;
        co.seed = index;
        std::string axes_str;
        for (int32_t v : axes) axes_str += std::to_string(v) + ",";
        co.label =
            "MEAN " + ir::ShapeToString(in) + " axes " + axes_str + (keep_dims ? " keep_dims" : "");
        EXPECT_TRUE(MatchesInDispatches(g.Build(), co, 1));
      }
    }
  }
}

TEST(GpuMeanTest, FollowedByElementwise) {
  VKD_REQUIRE_GPU();
  // The global average pool of a classifier head, then a bias ADD and RELU:
  // the mean's result (whatever keep_dims) takes the elementwise ops along.
  for (bool keep_dims : {true, false}) {
    const Shape in = {2, 6, 5, 10};
    const Shape ms = MeanShape(in, keep_dims);
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, in, "x");
    const int a = g.AddConstant<int32_t>({2}, {1, 2}, "axes");
    const int m = g.AddTensor(DataType::kFloat32, ms, "mean");
    g.AddNode(OpType::kMean, {x, a}, {m}, ir::ReducerOptions{keep_dims}, 1);
    const int bias = g.AddConstant<float>({10}, test::RandomFloats(10, 3), "bias");
    const int s = g.AddTensor(DataType::kFloat32, ms, "sum");
    g.AddNode(OpType::kAdd, {m, bias}, {s}, ir::ElementwiseOptions{ir::Activation::kRelu}, 1);
    g.MarkOutput(s);
    test::CompareOptions co;
    co.label = std::string("MEAN+ADD+RELU") + (keep_dims ? " keep_dims" : "");
    test::CompareReport report;
    EXPECT_TRUE(test::GpuMatchesTfLite(g.Build(), co, test::kGpuFp32Tolerance, &report));
    EXPECT_LE(report.dispatches, 2) << co.label;
  }
}

// Both SOFTMAX variants (one invocation per pixel; a workgroup per pixel),
// each forced, and the device's own choice.
TEST(GpuSoftmaxTest, Sweep) {
  VKD_REQUIRE_GPU();
  int index = 0;
  for (const char* variant : {"", "softmax_pixel", "softmax_wg"})
    for (float beta : {1.0f, 0.5f}) {
      for (int c : {1, 3, 5, 1001}) {
        for (const Shape& shape : std::vector<Shape>{{3, c}, {2, 3, 4, c}, {1, 1, 1, c}}) {
          ++index;
          writer::GraphBuilder g;
          const int x = g.AddInput(DataType::kFloat32, shape, "x");
          const int out = g.AddTensor(DataType::kFloat32, shape, "out");
          g.AddNode(OpType::kSoftmax, {x}, {out}, ir::SoftmaxOptions{beta}, 1);
          g.MarkOutput(out);
          test::CompareOptions co;
          co.seed = index;
          co.input_min = -8.0f;
          co.input_max = 8.0f;
          co.force_variant = variant;
          co.label = "SOFTMAX " + ir::ShapeToString(shape) + " beta " + std::to_string(beta) + " " +
                     variant;
          EXPECT_TRUE(MatchesInDispatches(g.Build(), co, 1));
        }
      }
    }
}

}  // namespace
}  // namespace vkd
