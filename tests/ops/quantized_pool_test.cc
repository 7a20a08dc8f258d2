// Quantized AVERAGE_POOL_2D and MAX_POOL_2D (int8, uint8) against TFLite 2.9:
// filter sizes incl. > 16x16 (TFLite's 32-bit accumulator path), strides,
// SAME/VALID (border windows with fewer taps), fused activations as
// quantized clamps, non-zero zero points, channel counts across the
// 256-channel tranche. Exact (tolerance 0).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "ops/window.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Padding;
using ir::Shape;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedPoolTest, kCpuBackends);

ir::Graph PoolGraph(OpType op, DataType type, const Shape& in, const ir::Pool2DOptions& o,
                    const ir::Quantization& q) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, in, "x", q);
  const Shape out_shape = {
      in[0], ops::ComputeOutputSize(o.padding, in[1], o.filter_h, o.stride_h, 1),
      ops::ComputeOutputSize(o.padding, in[2], o.filter_w, o.stride_w, 1), in[3]};
  const int out = g.AddTensor(type, out_shape, "out", q);
  g.AddNode(op, {x}, {out}, o, test::Int8Version(type));
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(QuantizedPoolTest, Sweep) {
  struct Case {
    Shape in;
    int filter_h, filter_w, stride_h, stride_w;
  };
  const Case cases[] = {
      {{1, 7, 7, 13}, 7, 7, 1, 1}, {{2, 9, 11, 5}, 3, 3, 2, 2},    {{1, 8, 8, 300}, 2, 2, 2, 2},
      {{1, 10, 6, 3}, 3, 2, 1, 2}, {{1, 20, 20, 4}, 17, 17, 1, 1}, {{1, 5, 5, 8}, 1, 1, 1, 1},
  };
  int n = 0;
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
      for (const Case& c : cases) {
        for (Padding padding : {Padding::kSame, Padding::kValid}) {
          for (ir::Activation act : {ir::Activation::kNone, ir::Activation::kRelu,
                                     ir::Activation::kRelu6, ir::Activation::kReluN1To1}) {
            ++n;
            // Vary the zero point; a scale of 0.05 makes RELU6 clip inside the range.
            const int64_t zp = type == DataType::kInt8 ? (n % 3 == 0 ? -128 : 5 * (n % 7) - 20)
                                                       : (n % 3 == 0 ? 0 : 100 + 9 * (n % 11));
            ir::Pool2DOptions o;
            o.padding = padding;
            o.filter_h = c.filter_h;
            o.filter_w = c.filter_w;
            o.stride_h = c.stride_h;
            o.stride_w = c.stride_w;
            o.activation = act;
            const std::string label =
                ir::OpTypeName(op) + std::string(" ") + test::TypeLabel(type) + " " +
                ir::ShapeToString(c.in) + " filter " + std::to_string(c.filter_h) + "x" +
                std::to_string(c.filter_w) + " stride " + std::to_string(c.stride_h) + "x" +
                std::to_string(c.stride_w) + (padding == Padding::kSame ? " SAME" : " VALID") +
                " act " + ir::ActivationName(act) + " zp " + std::to_string(zp);
            test::CompareOptions opts = test::FullRange(type, label, n);
            opts.num_threads = n % 2 + 1;
            EXPECT_TRUE(Matches(PoolGraph(op, type, c.in, o, test::Quant(0.05f, zp)), opts, 0));
          }
        }
      }
    }
  }
}

TEST(QuantizedPoolTest, MissingQuantizationIsAnError) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kInt8, {1, 4, 4, 2}, "x");
  const int out = g.AddTensor(DataType::kInt8, {1, 2, 2, 2}, "out");
  ir::Pool2DOptions o;
  o.filter_h = o.filter_w = o.stride_h = o.stride_w = 2;
  g.AddNode(OpType::kAveragePool2d, {x}, {out}, o, 2);
  g.MarkOutput(out);
  const Status s = test::PrepareStatus(g.Build());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 0"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
