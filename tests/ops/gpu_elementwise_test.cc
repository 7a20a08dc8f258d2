// Elementwise ops on the GPU against TFLite: ADD, SUB, MUL, DIV, MAXIMUM,
// MINIMUM and SQUARED_DIFFERENCE over broadcast shapes up to rank 4 (scalar,
// [1], per-channel, both-sided), constant operands on either side, fused
// activations; PRELU with constant alpha; the unary activations.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Shape;

Shape BroadcastOf(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t from_end = out.size() - 1 - i;
    const int32_t da = from_end < a.size() ? a[a.size() - 1 - from_end] : 1;
    const int32_t db = from_end < b.size() ? b[b.size() - 1 - from_end] : 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Which operand is a constant (the other is a graph input).
enum class Const { kNone, kLeft, kRight };

// Constant values of magnitude [0.5, 2] with random sign: usable as a divisor.
std::vector<float> AwayFromZero(size_t n, uint32_t seed) {
  std::vector<float> v = test::RandomFloats(n, seed, 0.5f, 2.0f);
  const std::vector<float> sign = test::RandomFloats(n, seed + 1);
  for (size_t i = 0; i < n; ++i) v[i] = sign[i] < 0 ? -v[i] : v[i];
  return v;
}

ir::Graph BinaryGraph(OpType op, const Shape& a, const Shape& b, Activation act, Const c,
                      uint32_t seed) {
  writer::GraphBuilder g;
  auto operand = [&](const Shape& s, bool constant, const char* name) {
    if (!constant) return g.AddInput(DataType::kFloat32, s, name);
    return g.AddConstant<float>(s, AwayFromZero(ir::NumElements(s), seed), name);
  };
  const int x = operand(a, c == Const::kLeft, "a");
  const int y = operand(b, c == Const::kRight, "b");
  const int out = g.AddTensor(DataType::kFloat32, BroadcastOf(a, b), "out");
  ir::OpOptions options;
  if (op == OpType::kAdd || op == OpType::kSub || op == OpType::kMul || op == OpType::kDiv) {
    ir::ElementwiseOptions o;
    o.activation = act;
    options = o;
  }
  g.AddNode(op, {x, y}, {out}, options, 1);
  g.MarkOutput(out);
  return g.Build();
}

std::string Label(OpType op, const Shape& a, const Shape& b, Activation act, Const c) {
  return ir::OpTypeName(op) + " " + ir::ShapeToString(a) + (c == Const::kLeft ? "(const)" : "") +
         " x " + ir::ShapeToString(b) + (c == Const::kRight ? "(const)" : "") +
         " act=" + ir::ActivationName(act);
}

// DIV's divisor (and everything else in a DIV graph) stays in [0.5, 2]: one
// input range serves all graph inputs, and a near-zero divisor would turn
// rounding differences into large absolute errors.
test::CompareOptions OptionsFor(OpType op, uint32_t seed, const std::string& label) {
  test::CompareOptions o;
  o.seed = seed;
  o.label = label;
  if (op == OpType::kDiv) {
    o.input_min = 0.5f;
    o.input_max = 2.0f;
  } else {
    o.input_min = -4.0f;
    o.input_max = 4.0f;
  }
  return o;
}

// One op on the GPU must be one dispatch, with every node placed there.
::testing::AssertionResult OneDispatch(const ir::Graph& g, const test::CompareOptions& o) {
  test::CompareReport report;
  auto r = test::GpuMatchesTfLite(g, o, test::kGpuFp32Tolerance, &report);
  if (!r) return r;
  if (report.dispatches != 1) {
    return ::testing::AssertionFailure()
           << "[" << o.label << "] " << report.dispatches << " dispatches, expected 1";
  }
  return r;
}

constexpr OpType kBinaryOps[] = {OpType::kAdd,
                                 OpType::kSub,
                                 OpType::kMul,
                                 OpType::kDiv,
                                 OpType::kMaximum,
                                 OpType::kMinimum,
                                 OpType::kSquaredDifference};

const std::vector<std::pair<Shape, Shape>>& ShapePairs() {
  static const std::vector<std::pair<Shape, Shape>> pairs = {
      {{1, 4, 5, 3}, {1, 4, 5, 3}},  // same shape, odd channels
      {{2, 3, 4, 8}, {2, 3, 4, 8}},  // batch, whole vec4 blocks
      {{7}, {7}},                    // rank 1
      {{3, 5}, {3, 5}},              // rank 2
      {{2, 3, 4, 5}, {}},            // scalar (rank 0)
      {{}, {2, 3, 4, 5}},            // scalar on the left
      {{1, 5, 7, 6}, {1}},           // [1]
      {{1}, {2, 3, 6}},              // [1] on the left
      {{1, 5, 7, 6}, {6}},           // per-channel
      {{3}, {1, 5, 7, 3}},           // per-channel on the left
      {{1, 4, 1, 5}, {1, 1, 6, 5}},  // neither input has the output's shape
      {{2, 1, 3}, {1, 4, 1}},        // both sides broadcast, rank 3
      {{4, 1}, {3}},                 // rank 2 x rank 1
      {{2, 3, 1, 5}, {2, 1, 4, 1}},  // alternating
      {{1, 1, 1, 9}, {2, 3, 4, 1}},  // outer product
      {{2, 3, 4, 1}, {2, 3, 4, 7}},  // one channel against seven
      {{5, 6}, {1, 1, 5, 6}},        // rank 2 against rank 4
  };
  return pairs;
}

TEST(GpuElementwiseTest, BroadcastSweep) {
  VKD_REQUIRE_GPU();
  uint32_t seed = 0;
  for (OpType op : kBinaryOps) {
    for (const auto& [a, b] : ShapePairs()) {
      ++seed;
      const std::string label = Label(op, a, b, Activation::kNone, Const::kNone);
      EXPECT_TRUE(OneDispatch(BinaryGraph(op, a, b, Activation::kNone, Const::kNone, seed),
                              OptionsFor(op, seed, label)));
    }
  }
}

TEST(GpuElementwiseTest, ConstantOperands) {
  VKD_REQUIRE_GPU();
  // A constant on either side, SUB and DIV with the constant on the left
  // included (the value is then the right operand).
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{1, 4, 5, 3}, {1, 4, 5, 3}}, {{1, 4, 5, 6}, {6}}, {{6}, {1, 4, 5, 6}},
      {{1, 4, 5, 6}, {}},           {{}, {1, 4, 5, 6}},  {{1, 4, 1, 5}, {1, 1, 6, 5}},
      {{2, 3, 4, 1}, {1, 1, 1, 7}}};
  uint32_t seed = 100;
  for (OpType op : kBinaryOps) {
    for (const auto& [a, b] : shapes) {
      for (Const c : {Const::kLeft, Const::kRight}) {
        ++seed;
        const std::string label = Label(op, a, b, Activation::kNone, c);
        EXPECT_TRUE(OneDispatch(BinaryGraph(op, a, b, Activation::kNone, c, seed),
                                OptionsFor(op, seed, label)));
      }
    }
  }
}

TEST(GpuElementwiseTest, FusedActivations) {
  VKD_REQUIRE_GPU();
  // TANH and SIGN_BIT as fused activations are ignored by TFLite's float
  // kernels; RELU6 and RELU_N1_TO_1 clamp both ends on inputs in [-4, 4].
  const Activation acts[] = {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1,
                             Activation::kTanh, Activation::kSignBit};
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{1, 4, 5, 3}, {1, 4, 5, 3}}, {{1, 4, 5, 3}, {3}}, {{2, 1, 3}, {1, 4, 1}}};
  uint32_t seed = 300;
  for (OpType op : {OpType::kAdd, OpType::kSub, OpType::kMul, OpType::kDiv}) {
    for (Activation act : acts) {
      for (const auto& [a, b] : shapes) {
        for (Const c : {Const::kNone, Const::kLeft}) {
          ++seed;
          const std::string label = Label(op, a, b, act, c);
          EXPECT_TRUE(
              OneDispatch(BinaryGraph(op, a, b, act, c, seed), OptionsFor(op, seed, label)));
        }
      }
    }
  }
}

TEST(GpuElementwiseTest, SameInputTwice) {
  VKD_REQUIRE_GPU();
  for (OpType op : {OpType::kAdd, OpType::kMul, OpType::kSub}) {
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {1, 3, 4, 5}, "x");
    const int out = g.AddTensor(DataType::kFloat32, {1, 3, 4, 5}, "out");
    g.AddNode(op, {x, x}, {out}, ir::ElementwiseOptions{}, 1);
    g.MarkOutput(out);
    EXPECT_TRUE(OneDispatch(g.Build(), OptionsFor(op, 7, ir::OpTypeName(op) + "(x, x)")));
  }
}

TEST(GpuElementwiseTest, LargeDispatchSpillsIntoY) {
  VKD_REQUIRE_GPU();
  // 1025 * 1024 * 4 vec4 = 65600 workgroups of 64: more than one dimension
  // of groups holds, so the dispatch spills into y.
  writer::GraphBuilder g;
  const Shape s = {1, 1025, 1024, 16};
  const int x = g.AddInput(DataType::kFloat32, s, "x");
  const int y = g.AddInput(DataType::kFloat32, {16}, "y");
  const int out = g.AddTensor(DataType::kFloat32, s, "out");
  g.AddNode(OpType::kAdd, {x, y}, {out}, ir::ElementwiseOptions{Activation::kRelu6}, 1);
  g.MarkOutput(out);
  EXPECT_TRUE(OneDispatch(g.Build(), OptionsFor(OpType::kAdd, 9, "ADD [1,1025,1024,16] + [16]")));
}

ir::Graph PreluGraph(const Shape& in, const Shape& alpha, uint32_t seed) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const int a = g.AddConstant<float>(
      alpha, test::RandomFloats(ir::NumElements(alpha), seed, -0.5f, 1.5f), "alpha");
  const int out = g.AddTensor(DataType::kFloat32, in, "out");
  g.AddNode(OpType::kPrelu, {x, a}, {out});
  g.MarkOutput(out);
  return g.Build();
}

TEST(GpuElementwiseTest, Prelu) {
  VKD_REQUIRE_GPU();
  uint32_t seed = 500;
  for (int c : {1, 3, 8, 13}) {
    for (const Shape& in : std::vector<Shape>{{1, 5, 7, c}, {2, 3, 4, c}, {4, 6, c}}) {
      for (const Shape& alpha : std::vector<Shape>{{c}, {1, 1, c}}) {
        ++seed;
        test::CompareOptions o;
        o.seed = seed;
        o.input_min = -4.0f;
        o.input_max = 4.0f;
        o.label = "PRELU " + ir::ShapeToString(in) + " alpha " + ir::ShapeToString(alpha);
        EXPECT_TRUE(OneDispatch(PreluGraph(in, alpha, seed), o));
      }
    }
  }
}

ir::Graph UnaryGraph(OpType op, const Shape& shape, const ir::OpOptions& options) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, shape, "x");
  const int out = g.AddTensor(DataType::kFloat32, shape, "out");
  g.AddNode(op, {x}, {out}, options, 1);
  g.MarkOutput(out);
  return g.Build();
}

TEST(GpuElementwiseTest, Unary) {
  VKD_REQUIRE_GPU();
  struct UnaryCase {
    OpType op;
    ir::OpOptions options;
    std::string name;
  };
  const std::vector<UnaryCase> cases = {
      {OpType::kRelu, {}, "RELU"},
      {OpType::kRelu6, {}, "RELU6"},
      {OpType::kReluN1To1, {}, "RELU_N1_TO_1"},
      {OpType::kTanh, {}, "TANH"},
      {OpType::kLogistic, {}, "LOGISTIC"},
      {OpType::kHardSwish, {}, "HARD_SWISH"},
      {OpType::kLeakyRelu, ir::LeakyReluOptions{0.2f}, "LEAKY_RELU 0.2"},
      {OpType::kLeakyRelu, ir::LeakyReluOptions{0.01f}, "LEAKY_RELU 0.01"},
      {OpType::kExp, {}, "EXP"},
  };
  const std::vector<Shape> shapes = {{1}, {7}, {3, 5}, {1, 9, 11, 13}, {2, 3, 4, 8}};
  uint32_t seed = 700;
  for (const UnaryCase& c : cases) {
    for (const Shape& shape : shapes) {
      ++seed;
      test::CompareOptions o;
      o.seed = seed;
      o.input_min = -8.0f;
      o.input_max = 8.0f;
      o.label = c.name + " " + ir::ShapeToString(shape);
      EXPECT_TRUE(OneDispatch(UnaryGraph(c.op, shape, c.options), o));
    }
  }
}

}  // namespace
}  // namespace vkd
