// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, EXP,
// SQUARE and PRELU against TFLite 2.9 on every backend, float32, over odd sizes and wide
// input ranges (LOGISTIC's cutoffs at -9 and 16.6 included); on the GPU each
// op is one dispatch.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(ActivationTest, kAllBackends);

ir::Graph UnaryGraph(OpType op, const Shape& shape, const ir::OpOptions& options = {}) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, shape, "x");
  const int out = g.AddTensor(DataType::kFloat32, shape, "out");
  g.AddNode(op, {x}, {out}, options, 1);
  g.MarkOutput(out);
  return g.Build();
}

test::CompareOptions Options(uint32_t seed, float range, const std::string& label) {
  test::CompareOptions o;
  o.seed = seed;
  o.input_min = -range;
  o.input_max = range;
  o.label = label;
  return o;
}

TEST_P(ActivationTest, UnarySweep) {
  struct UnaryCase {
    OpType op;
    ir::OpOptions options;
  };
  const UnaryCase cases[] = {
      {OpType::kLogistic, {}},
      {OpType::kTanh, {}},
      {OpType::kRelu, {}},
      {OpType::kRelu6, {}},
      {OpType::kReluN1To1, {}},
      {OpType::kHardSwish, {}},
      {OpType::kExp, {}},
      {OpType::kSquare, {}},
      {OpType::kLeakyRelu, ir::LeakyReluOptions{0.2f}},
  };
  const std::vector<Shape> shapes = {
      {1}, {7}, {3, 5}, {1, 9, 11, 13}, {2, 3, 4, 8}, {2, 3, 4, 5, 3}};
  for (const UnaryCase& c : cases) {
    for (const Shape& shape : shapes) {
      if (OnGpu() && shape.size() > 4) continue;  // the GPU takes ranks up to 4
      for (float range : {1.0f, 8.0f, 20.0f}) {
        // exp(20) is past fp16's largest value (65504): inf there is fp16's, not ours.
        if (c.op == OpType::kExp && range > 8.0f && backend() == test::Backend::kGpuFp16) continue;
        const std::string label = ir::OpTypeName(c.op) + " " + ir::ShapeToString(shape) +
                                  " range +-" + std::to_string(range);
        EXPECT_TRUE(
            MatchesInDispatches(UnaryGraph(c.op, shape, c.options), Options(21, range, label), 1));
      }
    }
  }
}

TEST_P(ActivationTest, LeakyReluAlphas) {
  for (float alpha : {0.0f, 0.01f, 0.3f, 1.5f, -0.5f}) {
    EXPECT_TRUE(MatchesInDispatches(
        UnaryGraph(OpType::kLeakyRelu, {2, 7, 5, 3}, ir::LeakyReluOptions{alpha}),
        Options(4, 5.0f, "LEAKY_RELU alpha=" + std::to_string(alpha)), 1));
  }
}

// Large enough for two CPU threads.
TEST_P(ActivationTest, LargeAndThreaded) {
  for (OpType op : {OpType::kLogistic, OpType::kTanh, OpType::kHardSwish, OpType::kRelu6}) {
    test::CompareOptions o = Options(8, 10.0f, ir::OpTypeName(op) + " [1,56,56,37] threads=2");
    o.num_threads = 2;
    EXPECT_TRUE(MatchesInDispatches(UnaryGraph(op, {1, 56, 56, 37}), o, 1));
  }
}

// PRELU: alpha is usually a constant broadcast along the channels (shape [C]
// or [1,1,C]), which the GPU takes; a full-shape, a [1] or a non-constant
// alpha stays on the CPU kernels.
TEST_P(ActivationTest, Prelu) {
  struct Case {
    Shape input, alpha;
    bool alpha_constant;
    bool gpu;
  };
  std::vector<Case> cases = {
      {{2, 4, 6, 5}, {2, 4, 6, 5}, true, false}, {{2, 4, 6, 5}, {1, 4, 1, 5}, true, false},
      {{1, 9, 9, 16}, {16}, false, false},       {{3, 5}, {5}, false, false},
      {{1, 5, 7, 3}, {1}, true, false},
  };
  for (int c : {1, 3, 8, 13}) {
    for (const Shape& in : std::vector<Shape>{{1, 5, 7, c}, {2, 3, 4, c}, {4, 6, c}}) {
      cases.push_back({in, {c}, true, true});
      cases.push_back({in, {1, 1, c}, true, true});
    }
  }
  uint32_t seed = 500;
  for (const Case& c : cases) {
    ++seed;
    if (OnGpu() && !c.gpu) continue;
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, c.input, "x");
    const int alpha =
        c.alpha_constant
            ? g.AddConstant<float>(
                  c.alpha, test::RandomFloats(ir::NumElements(c.alpha), seed, -0.5f, 1.5f), "alpha")
            : g.AddInput(DataType::kFloat32, c.alpha, "alpha");
    const int out = g.AddTensor(DataType::kFloat32, c.input, "out");
    g.AddNode(OpType::kPrelu, {x, alpha}, {out});
    g.MarkOutput(out);
    const std::string label = "PRELU " + ir::ShapeToString(c.input) + " alpha " +
                              ir::ShapeToString(c.alpha) +
                              (c.alpha_constant ? " constant" : " input");
    EXPECT_TRUE(MatchesInDispatches(g.Build(), Options(seed, 4.0f, label), 1));
  }
}

}  // namespace
}  // namespace vkd
