// ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE against TFLite
// 2.9 on every backend: broadcast shapes (same, scalar, [1], per-channel,
// both-sided, ranks 0 to 4), constant operands on either side, fused
// activations, the same input twice, two CPU threads; on the GPU each is one
// dispatch. Rank 5 and int32 on the CPU kernels (the GPU takes neither), and
// Prepare's refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(ElementwiseTest, kAllBackends);
VKD_BACKEND_TEST_SUITE(ElementwiseCpuTest, kCpuBackends);
VKD_BACKEND_TEST_SUITE(ElementwiseGpuTest, kGpuBackends);

// Which operand is a constant (the other is a graph input).
enum class Const { kNone, kLeft, kRight };

// Constant values of magnitude [0.5, 2] with random sign: usable as a divisor.
std::vector<float> AwayFromZero(size_t n, uint32_t seed) {
  std::vector<float> v = test::RandomFloats(n, seed, 0.5f, 2.0f);
  const std::vector<float> sign = test::RandomFloats(n, seed + 1);
  for (size_t i = 0; i < n; ++i) v[i] = sign[i] < 0 ? -v[i] : v[i];
  return v;
}

bool TakesActivation(OpType op) {
  return op == OpType::kAdd || op == OpType::kSub || op == OpType::kMul || op == OpType::kDiv;
}

ir::Graph BinaryGraph(OpType op, const Shape& a, const Shape& b, Activation act,
                      Const c = Const::kNone, uint32_t seed = 1,
                      DataType type = DataType::kFloat32) {
  writer::GraphBuilder g;
  auto operand = [&](const Shape& s, bool constant, const char* name) {
    if (!constant) return g.AddInput(type, s, name);
    return g.AddConstant<float>(s, AwayFromZero(ir::NumElements(s), seed), name);
  };
  const int x = operand(a, c == Const::kLeft, "a");
  const int y = operand(b, c == Const::kRight, "b");
  const int out = g.AddTensor(type, test::BroadcastShape(a, b), "out");
  ir::OpOptions options;
  if (TakesActivation(op)) options = ir::ElementwiseOptions{act};
  g.AddNode(op, {x, y}, {out}, options, 1);
  g.MarkOutput(out);
  return g.Build();
}

std::string Label(OpType op, const Shape& a, const Shape& b, Activation act, Const c,
                  DataType type = DataType::kFloat32) {
  return ir::OpTypeName(op) + " " + ir::DataTypeName(type) + " " + ir::ShapeToString(a) +
         (c == Const::kLeft ? "(const)" : "") + " x " + ir::ShapeToString(b) +
         (c == Const::kRight ? "(const)" : "") + " act=" + ir::ActivationName(act);
}

// DIV's divisor (and everything else in a DIV graph) stays in [0.5, 2]: one
// input range serves all graph inputs, and a near-zero divisor would turn
// rounding differences into large absolute errors. Elsewhere [-4, 4], so
// RELU6 and RELU_N1_TO_1 clamp both ends.
test::CompareOptions OptionsFor(OpType op, uint32_t seed, const std::string& label) {
  test::CompareOptions o;
  o.seed = seed;
  o.label = label;
  o.input_min = op == OpType::kDiv ? 0.5f : -4.0f;
  o.input_max = op == OpType::kDiv ? 2.0f : 4.0f;
  return o;
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

TEST_P(ElementwiseTest, BroadcastSweep) {
  uint32_t seed = 0;
  for (OpType op : kBinaryOps) {
    for (const auto& [a, b] : ShapePairs()) {
      ++seed;
      const std::string label = Label(op, a, b, Activation::kNone, Const::kNone);
      EXPECT_TRUE(MatchesInDispatches(BinaryGraph(op, a, b, Activation::kNone, Const::kNone, seed),
                                      OptionsFor(op, seed, label), 1));
    }
  }
}

TEST_P(ElementwiseTest, ConstantOperands) {
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
        EXPECT_TRUE(MatchesInDispatches(BinaryGraph(op, a, b, Activation::kNone, c, seed),
                                        OptionsFor(op, seed, label), 1));
      }
    }
  }
}

TEST_P(ElementwiseTest, FusedActivations) {
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
          EXPECT_TRUE(MatchesInDispatches(BinaryGraph(op, a, b, act, c, seed),
                                          OptionsFor(op, seed, label), 1));
        }
      }
    }
  }
}

TEST_P(ElementwiseTest, SameInputTwice) {
  for (OpType op : {OpType::kAdd, OpType::kMul, OpType::kSub}) {
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {1, 3, 4, 5}, "x");
    const int out = g.AddTensor(DataType::kFloat32, {1, 3, 4, 5}, "out");
    g.AddNode(op, {x, x}, {out}, ir::ElementwiseOptions{}, 1);
    g.MarkOutput(out);
    EXPECT_TRUE(
        MatchesInDispatches(g.Build(), OptionsFor(op, 7, ir::OpTypeName(op) + "(x, x)"), 1));
  }
}

TEST_P(ElementwiseGpuTest, LargeDispatchSpillsIntoY) {
  // 1025 * 1024 * 4 vec4 = 65600 workgroups of 64: more than one dimension
  // of groups holds, so the dispatch spills into y.
  writer::GraphBuilder g;
  const Shape s = {1, 1025, 1024, 16};
  const int x = g.AddInput(DataType::kFloat32, s, "x");
  const int y = g.AddInput(DataType::kFloat32, {16}, "y");
  const int out = g.AddTensor(DataType::kFloat32, s, "out");
  g.AddNode(OpType::kAdd, {x, y}, {out}, ir::ElementwiseOptions{Activation::kRelu6}, 1);
  g.MarkOutput(out);
  EXPECT_TRUE(MatchesInDispatches(g.Build(),
                                  OptionsFor(OpType::kAdd, 9, "ADD [1,1025,1024,16] + [16]"), 1));
}

// Big enough to split across two CPU threads; odd channel count for
// remainders.
TEST_P(ElementwiseTest, ConstantOperandAndThreads) {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{1, 64, 64, 33}, {33}}, {{1, 64, 64, 33}, {1, 64, 64, 33}}, {{2, 96, 1, 80}, {1, 1, 90, 1}}};
  for (OpType op : {OpType::kAdd, OpType::kMul, OpType::kMaximum}) {
    for (const auto& [a, b] : shapes) {
      for (Const c : {Const::kNone, Const::kRight}) {
        test::CompareOptions o = OptionsFor(op, 3, Label(op, a, b, Activation::kRelu6, c));
        o.num_threads = 2;
        EXPECT_TRUE(MatchesInDispatches(BinaryGraph(op, a, b, Activation::kRelu6, c, 99), o, 1));
      }
    }
  }
}

TEST_P(ElementwiseCpuTest, Rank5SameShape) {
  const Shape s = {2, 3, 2, 3, 5};
  for (OpType op : {OpType::kAdd, OpType::kSub, OpType::kMul, OpType::kDiv}) {
    EXPECT_TRUE(Matches(BinaryGraph(op, s, s, Activation::kNone),
                        OptionsFor(op, 1, Label(op, s, s, Activation::kNone, Const::kNone))));
  }
}

// TFLite 2.9 broadcasts rank 5 only in MAXIMUM/MINIMUM (ADD, MUL, SUB, DIV,
// SQUARED_DIFFERENCE abort there), so those two carry the rank-5 check of
// the shared broadcast loops.
TEST_P(ElementwiseCpuTest, Rank5Broadcast) {
  const std::vector<std::pair<Shape, Shape>> shapes = {{{2, 1, 3, 1, 5}, {1, 4, 1, 2, 5}},
                                                       {{2, 3, 4, 5, 6}, {6}},
                                                       {{1, 3, 1, 1, 1}, {2, 1, 4, 5, 3}}};
  for (OpType op : {OpType::kMaximum, OpType::kMinimum}) {
    for (const auto& [a, b] : shapes) {
      EXPECT_TRUE(Matches(BinaryGraph(op, a, b, Activation::kNone),
                          OptionsFor(op, 23, Label(op, a, b, Activation::kNone, Const::kNone))));
    }
  }
}

TEST_P(ElementwiseCpuTest, Int32) {
  const OpType ops[] = {OpType::kAdd,     OpType::kSub,     OpType::kMul,
                        OpType::kMaximum, OpType::kMinimum, OpType::kSquaredDifference};
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}}, {{1, 5, 7, 3}, {3}}, {{2, 1, 3}, {1, 4, 1}}, {{6}, {}}};
  for (OpType op : ops) {
    for (Activation act : {Activation::kNone, Activation::kRelu, Activation::kRelu6}) {
      if (act != Activation::kNone && !TakesActivation(op)) continue;
      for (const auto& [a, b] : shapes) {
        test::CompareOptions o =
            OptionsFor(op, 17, Label(op, a, b, act, Const::kNone, DataType::kInt32));
        o.input_min = -20.0f;
        o.input_max = 20.0f;
        EXPECT_TRUE(Matches(BinaryGraph(op, a, b, act, Const::kNone, 1, DataType::kInt32), o, 0.0));
      }
    }
  }
}

// Prepare's refusals, on vkdelegate alone (TFLite not involved).
Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

TEST(ElementwisePrepareTest, Errors) {
  const Activation none = Activation::kNone;
  Status s = PrepareStatus(BinaryGraph(OpType::kAdd, {2, 3}, {4, 3}, none));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 1: shape [4,3] not broadcastable to [2,3]"), std::string::npos)
      << s.ToString();

  // Quantized tensors need their parameters.
  s = PrepareStatus(
      BinaryGraph(OpType::kMul, {2, 3}, {2, 3}, none, Const::kNone, 1, DataType::kInt8));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 0: INT8 without quantization parameters"), std::string::npos)
      << s.ToString();

  s = PrepareStatus(
      BinaryGraph(OpType::kDiv, {2, 3}, {2, 3}, none, Const::kNone, 1, DataType::kInt8));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("INT8"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
