// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH and PRELU
// against TFLite 2.9, float32, over odd sizes and wide input ranges (LOGISTIC's
// cutoffs at -9 and 16.6 included).
#include <gtest/gtest.h>

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

ir::Graph UnaryGraph(OpType op, const Shape& shape, const ir::OpOptions& options = {},
                     int version = 1) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, shape, "x");
  const int out = g.AddTensor(DataType::kFloat32, shape, "out");
  g.AddNode(op, {x}, {out}, options, version);
  g.MarkOutput(out);
  return g.Build();
}

TEST(ActivationTest, UnarySweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const OpType ops[] = {OpType::kLogistic,  OpType::kTanh,      OpType::kRelu,     OpType::kRelu6,
                        OpType::kReluN1To1, OpType::kHardSwish, OpType::kLeakyRelu};
  const std::vector<Shape> shapes = {{1}, {7}, {3, 5}, {1, 9, 11, 13}, {2, 3, 4, 5, 3}};
  const std::pair<float, float> ranges[] = {{-1.0f, 1.0f}, {-8.0f, 8.0f}, {-20.0f, 20.0f}};
  for (OpType op : ops) {
    for (const Shape& shape : shapes) {
      for (const auto& [lo, hi] : ranges) {
        test::CompareOptions opts;
        opts.seed = 21;
        opts.input_min = lo;
        opts.input_max = hi;
        opts.label = ir::OpTypeName(op) + " " + ir::ShapeToString(shape) + " range [" +
                     std::to_string(lo) + "," + std::to_string(hi) + "]";
        ir::OpOptions options;
        if (op == OpType::kLeakyRelu) options = ir::LeakyReluOptions{0.2f};
        EXPECT_TRUE(test::BothKernelsMatchTfLite(UnaryGraph(op, shape, options), opts, kTolerance));
      }
    }
  }
}

TEST(ActivationTest, LeakyReluAlphas) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  for (float alpha : {0.0f, 0.01f, 0.3f, 1.5f, -0.5f}) {
    test::CompareOptions opts;
    opts.seed = 4;
    opts.input_min = -5.0f;
    opts.input_max = 5.0f;
    opts.label = "LEAKY_RELU alpha=" + std::to_string(alpha);
    EXPECT_TRUE(test::BothKernelsMatchTfLite(
        UnaryGraph(OpType::kLeakyRelu, {2, 7, 5, 3}, ir::LeakyReluOptions{alpha}), opts,
        kTolerance));
  }
}

TEST(ActivationTest, LargeAndThreaded) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  for (OpType op : {OpType::kLogistic, OpType::kTanh, OpType::kHardSwish, OpType::kRelu6}) {
    test::CompareOptions opts;
    opts.seed = 8;
    opts.num_threads = 2;
    opts.input_min = -10.0f;
    opts.input_max = 10.0f;
    opts.label = ir::OpTypeName(op) + " [1,56,56,37] threads=2";
    EXPECT_TRUE(test::BothKernelsMatchTfLite(UnaryGraph(op, {1, 56, 56, 37}), opts, kTolerance));
  }
}

// PRELU: alpha is usually a constant broadcast along the channels (shape
// [C] or [1,1,C]); also a full-shape alpha and an activation alpha.
TEST(ActivationTest, Prelu) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  struct Case {
    Shape input, alpha;
    bool alpha_constant;
  };
  const Case cases[] = {
      {{1, 5, 7, 3}, {3}, true},          {{1, 5, 7, 3}, {1, 1, 3}, true},
      {{2, 4, 6, 5}, {2, 4, 6, 5}, true}, {{2, 4, 6, 5}, {1, 4, 1, 5}, true},
      {{1, 9, 9, 16}, {16}, false},       {{3, 5}, {5}, false},
      {{1, 5, 7, 3}, {1}, true},
  };
  for (const Case& c : cases) {
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, c.input, "x");
    const int alpha =
        c.alpha_constant
            ? g.AddConstant<float>(c.alpha, test::RandomFloats(ir::NumElements(c.alpha), 77, -1, 1),
                                   "alpha")
            : g.AddInput(DataType::kFloat32, c.alpha, "alpha");
    const int out = g.AddTensor(DataType::kFloat32, c.input, "out");
    g.AddNode(OpType::kPrelu, {x, alpha}, {out});
    g.MarkOutput(out);
    test::CompareOptions opts;
    opts.seed = 2;
    opts.input_min = -3.0f;
    opts.input_max = 3.0f;
    opts.label = "PRELU " + ir::ShapeToString(c.input) + " alpha " + ir::ShapeToString(c.alpha) +
                 (c.alpha_constant ? " constant" : " input");
    EXPECT_TRUE(test::BothKernelsMatchTfLite(g.Build(), opts, kTolerance));
  }
}

}  // namespace
}  // namespace vkd
