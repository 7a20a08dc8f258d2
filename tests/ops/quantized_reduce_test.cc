// Quantized MEAN and SUM (int8, uint8) against TFLite 2.9. TFLite picks a
// different formula per case, so the sweep covers each: the 4-D keep_dims
// mean over axes {1,2} (int8 float path, uint8 fixed-point path), the same
// axes written differently ({-3,-2}, keep_dims false: the general path),
// other axis sets, and for each equal and differing input/output scale and
// zero point (rescaling, saturation, wrap-around). Exact (tolerance 0).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/ops/reduce_cases.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedReduceTest, kCpuBackends);

TEST_P(QuantizedReduceTest, MeanAndSum) {
  struct Case {
    Shape in;
    std::vector<int32_t> axes;
    bool keep_dims;
  };
  const Case cases[] = {
      {{1, 7, 7, 13}, {1, 2}, true},  {{2, 5, 3, 20}, {2, 1}, true}, {{1, 7, 7, 13}, {1, 2}, false},
      {{1, 6, 4, 9}, {-3, -2}, true}, {{2, 3, 4, 5}, {3}, false},    {{2, 3, 4, 5}, {0, 3}, true},
      {{4, 10}, {1}, false},          {{3, 4, 5}, {0, 1, 2}, false}, {{1, 16, 16, 3}, {1, 2}, true},
  };
  struct Params {
    float in_scale;
    int64_t in_zp;
    float out_scale;
    int64_t out_zp;
  };
  int n = 0;
  for (OpType op : {OpType::kMean, OpType::kSum}) {
    for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
      const bool u8 = type == DataType::kUInt8;
      const Params params[] = {
          {0.05f, u8 ? 128 : 0, 0.05f, u8 ? 128 : 0},    // same parameters
          {0.05f, u8 ? 100 : -7, 0.05f, u8 ? 100 : -7},  // same, non-zero zero point
          {0.05f, u8 ? 30 : 12, 0.02f, u8 ? 200 : -60},  // rescale, saturating
          {0.1f, u8 ? 140 : 3, 0.37f, u8 ? 120 : -2},    // rescale, shrinking
          {0.02f, u8 ? 0 : -128, 0.07f, u8 ? 10 : 25},
      };
      for (const Case& c : cases) {
        for (const Params& q : params) {
          ++n;
          writer::GraphBuilder g;
          const int x = g.AddInput(type, c.in, "x", test::Quant(q.in_scale, q.in_zp));
          const int axes =
              g.AddConstant<int32_t>({static_cast<int32_t>(c.axes.size())}, c.axes, "axes");
          const int out = g.AddTensor(type, test::ReducedShape(c.in, c.axes, c.keep_dims), "out",
                                      test::Quant(q.out_scale, q.out_zp));
          g.AddNode(op, {x, axes}, {out}, ir::ReducerOptions{c.keep_dims}, test::Int8Version(type));
          g.MarkOutput(out);
          std::string axes_label;
          for (int32_t a : c.axes) axes_label += std::to_string(a) + " ";
          const std::string label =
              ir::OpTypeName(op) + " " + test::TypeLabel(type) + " " + ir::ShapeToString(c.in) +
              " axes " + axes_label + (c.keep_dims ? "keep_dims" : "") + " in (" +
              std::to_string(q.in_scale) + ", " + std::to_string(q.in_zp) + ") out (" +
              std::to_string(q.out_scale) + ", " + std::to_string(q.out_zp) + ")";
          EXPECT_TRUE(Matches(g.Build(), test::FullRange(type, label, n), 0));
        }
      }
    }
  }
}

}  // namespace
}  // namespace vkd
