// TRANSPOSE_CONV against TFLite 2.9: kernel sizes 1..5, strides 1..3,
// SAME/VALID, odd channel counts, batch, with and without bias (version 3),
// output shapes that leave a remainder row/column. A fused activation in the
// options is ignored, as TFLite 2.9 ignores it.
#include "cpu_fallback/reference/transpose_conv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

constexpr double kTolerance = 1e-5;

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
  std::string Label() const {
    return "b" + std::to_string(batch) + " " + std::to_string(h) + "x" + std::to_string(w) + " c" +
           std::to_string(cin) + "->" + std::to_string(cout) + " k" + std::to_string(k) + " s" +
           std::to_string(stride) + (padding == ir::Padding::kSame ? " SAME" : " VALID") + " out " +
           std::to_string(OutSize(h)) + "x" + std::to_string(OutSize(w)) + (bias ? " bias" : "") +
           " act=" + ir::ActivationName(act);
  }
};

ir::Graph TransposeConvGraph(const TransposeConvCase& c, uint32_t seed) {
  writer::GraphBuilder b;
  const ir::Shape out_shape = {c.batch, c.OutSize(c.h), c.OutSize(c.w), c.cout};
  const int shape = b.AddConstant<int32_t>({4}, out_shape, "output_shape");
  const size_t wcount = static_cast<size_t>(c.cout) * c.k * c.k * c.cin;
  const int weights =
      b.AddConstant<float>({c.cout, c.k, c.k, c.cin}, test::RandomFloats(wcount, seed), "w");
  const int in = b.AddInput(ir::DataType::kFloat32, {c.batch, c.h, c.w, c.cin}, "x");
  std::vector<int32_t> inputs = {shape, weights, in};
  if (c.bias)
    inputs.push_back(b.AddConstant<float>({c.cout}, test::RandomFloats(c.cout, seed + 1)));
  const int out = b.AddTensor(ir::DataType::kFloat32, out_shape, "y");
  ir::TransposeConvOptions o;
  o.padding = c.padding;
  o.stride_h = o.stride_w = c.stride;
  o.activation = c.act;
  b.AddNode(ir::OpType::kTransposeConv, inputs, {out}, o, c.bias ? 3 : 1);
  b.MarkOutput(out);
  return b.Build();
}

TEST(TransposeConvTest, Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const int channels[][2] = {{1, 1}, {3, 5}, {8, 13}};
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
          opts.label = "TRANSPOSE_CONV " + c.Label();
          EXPECT_TRUE(
              test::BothKernelsMatchTfLite(TransposeConvGraph(c, 200 + index), opts, kTolerance));
        }
      }
    }
  }
}

TEST(TransposeConvTest, FusedActivationIgnoredAsTfLite29) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  for (ir::Activation act : {ir::Activation::kRelu, ir::Activation::kRelu6}) {
    TransposeConvCase c;
    c.act = act;
    test::CompareOptions opts;
    opts.input_min = -4;
    opts.input_max = 4;
    opts.label = "TRANSPOSE_CONV " + c.Label();
    EXPECT_TRUE(test::BothKernelsMatchTfLite(TransposeConvGraph(c, 5), opts, kTolerance));
  }
}

}  // namespace
}  // namespace vkd
