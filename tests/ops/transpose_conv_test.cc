// TRANSPOSE_CONV against TFLite 2.9 on every backend: kernel sizes 1..5,
// strides 1..3, SAME/VALID, output shapes that leave a remainder row/column,
// odd channel counts, batch, with and without bias (version 3). A fused
// activation in the options is ignored, as TFLite 2.9 ignores it; on the GPU
// an ADD(RELU) after it fuses into its one dispatch.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

VKD_BACKEND_TEST_SUITE(TransposeConvTest, kAllBackends);

struct TransposeConvCase {
  int batch = 1, h = 4, w = 5, cin = 3, cout = 5, k = 3, stride = 2;
  ir::Padding padding = ir::Padding::kSame;
  bool bias = true;
  // SAME: the output is h * stride minus `trim` (still ceil(out / stride) == h).
  int trim = 0;
  ir::Activation act = ir::Activation::kNone;

  int OutSize(int in) const {
    return padding == ir::Padding::kSame ? in * stride - trim : (in - 1) * stride + k;
  }
  // Terms in one output's dot product, at most.
  int64_t DotLength() const { return int64_t{k} * k * cin; }
  std::string Label() const {
    return "TRANSPOSE_CONV b" + std::to_string(batch) + " " + std::to_string(h) + "x" +
           std::to_string(w) + " c" + std::to_string(cin) + "->" + std::to_string(cout) + " k" +
           std::to_string(k) + " s" + std::to_string(stride) +
           (padding == ir::Padding::kSame ? " SAME" : " VALID") + " out " +
           std::to_string(OutSize(h)) + "x" + std::to_string(OutSize(w)) + (bias ? " bias" : "") +
           " act=" + ir::ActivationName(act);
  }
};

// Returns the output tensor; the caller marks it (or reads it further).
int AddTransposeConv(writer::GraphBuilder& b, const TransposeConvCase& c, int in, uint32_t seed) {
  const ir::Shape out_shape = {c.batch, c.OutSize(c.h), c.OutSize(c.w), c.cout};
  const int shape = b.AddConstant<int32_t>({4}, out_shape, "output_shape");
  const size_t wcount = static_cast<size_t>(c.cout) * c.k * c.k * c.cin;
  const int weights =
      b.AddConstant<float>({c.cout, c.k, c.k, c.cin}, test::RandomFloats(wcount, seed), "w");
  std::vector<int32_t> inputs = {shape, weights, in};
  if (c.bias) {
    inputs.push_back(b.AddConstant<float>({c.cout}, test::RandomFloats(c.cout, seed + 1), "b"));
  }
  const int out = b.AddTensor(ir::DataType::kFloat32, out_shape, "y");
  ir::TransposeConvOptions o;
  o.padding = c.padding;
  o.stride_h = o.stride_w = c.stride;
  o.activation = c.act;
  b.AddNode(ir::OpType::kTransposeConv, inputs, {out}, o, c.bias ? 3 : 1);
  return out;
}

ir::Graph TransposeConvGraph(const TransposeConvCase& c, uint32_t seed) {
  writer::GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, {c.batch, c.h, c.w, c.cin}, "x");
  b.MarkOutput(AddTransposeConv(b, c, in, seed));
  return b.Build();
}

TEST_P(TransposeConvTest, Sweep) {
  const int channels[][2] = {{1, 1}, {3, 5}, {8, 13}, {13, 4}};
  int index = 0;
  for (int k : {1, 2, 3, 5}) {
    for (int stride : {1, 2, 3}) {
      for (ir::Padding p : {ir::Padding::kSame, ir::Padding::kValid}) {
        for (const auto& ch : channels) {
          TransposeConvCase c;
          c.k = k;
          c.stride = stride;
          c.padding = p;
          c.cin = ch[0];
          c.cout = ch[1];
          c.batch = 1 + index % 2;
          c.bias = index % 3 != 0;
          c.trim = p == ir::Padding::kSame ? index % stride : 0;
          ++index;
          test::CompareOptions opts;
          opts.seed = index;
          opts.label = c.Label();
          EXPECT_TRUE(
              Matches(TransposeConvGraph(c, 200 + index), opts, test::Bounds::Dot(c.DotLength())));
        }
      }
    }
  }
}

TEST_P(TransposeConvTest, FusedActivationIgnoredAsTfLite29) {
  for (ir::Activation act : {ir::Activation::kRelu, ir::Activation::kRelu6}) {
    TransposeConvCase c;
    c.act = act;
    test::CompareOptions opts;
    opts.input_min = -4;
    opts.input_max = 4;
    opts.label = c.Label();
    EXPECT_TRUE(Matches(TransposeConvGraph(c, 5), opts));
  }
}

TEST_P(TransposeConvTest, AddAndReluFuse) {
  TransposeConvCase c;
  c.cin = 8;
  c.cout = 6;
  writer::GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, {c.batch, c.h, c.w, c.cin}, "x");
  const int t = AddTransposeConv(b, c, in, 9);
  const ir::Shape out_shape = {c.batch, c.OutSize(c.h), c.OutSize(c.w), c.cout};
  const int r = b.AddInput(ir::DataType::kFloat32, out_shape, "residual");
  const int y = b.AddTensor(ir::DataType::kFloat32, out_shape, "sum");
  b.AddNode(ir::OpType::kAdd, {t, r}, {y}, ir::ElementwiseOptions{ir::Activation::kRelu});
  b.MarkOutput(y);
  test::CompareOptions opts;
  opts.label = c.Label() + " -> ADD(RELU)";
  EXPECT_TRUE(MatchesInDispatches(b.Build(), opts, 1));
}

}  // namespace
}  // namespace vkd
