// ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE against TFLite 2.9:
// broadcast shapes (same, scalar, per-channel, both-sided, rank 1..5), fused
// activations, float32 and int32, one and two threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Shape;

constexpr double kTolerance = 1e-5;

// NumPy broadcasting, spelled out independently of the kernels' helper.
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

ir::Graph BinaryGraph(OpType op, DataType type, const Shape& a, const Shape& b,
                      const ir::OpOptions& options, int version = 1, bool b_constant = false) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, a, "a");
  int y;
  if (b_constant) {
    y = g.AddConstant<float>(b, test::RandomFloats(ir::NumElements(b), 99, -2.0f, 2.0f), "b");
  } else {
    y = g.AddInput(type, b, "b");
  }
  const int out = g.AddTensor(type, BroadcastOf(a, b), "out");
  g.AddNode(op, {x, y}, {out}, options, version);
  g.MarkOutput(out);
  return g.Build();
}

std::string Label(OpType op, DataType type, const Shape& a, const Shape& b, Activation act,
                  int threads) {
  return ir::OpTypeName(op) + " " + ir::DataTypeName(type) + " " + ir::ShapeToString(a) + " x " +
         ir::ShapeToString(b) + " act=" + ir::ActivationName(act) +
         " threads=" + std::to_string(threads);
}

bool TakesActivation(OpType op) {
  return op == OpType::kAdd || op == OpType::kSub || op == OpType::kMul || op == OpType::kDiv;
}

ir::OpOptions OptionsFor(OpType op, Activation act) {
  if (!TakesActivation(op)) return std::monostate{};
  ir::ElementwiseOptions o;
  o.activation = act;
  return o;
}

const std::vector<std::pair<Shape, Shape>>& ShapePairs() {
  static const std::vector<std::pair<Shape, Shape>> pairs = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}},  // same shape
      {{7}, {7}},                    // rank 1
      {{3, 5}, {3, 5}},              // rank 2
      {{2, 3, 4, 5}, {}},            // scalar (rank 0)
      {{1}, {2, 3, 4}},              // scalar on the left
      {{1, 5, 7, 3}, {3}},           // per-channel
      {{3}, {1, 5, 7, 3}},           // per-channel on the left
      {{2, 1, 3}, {1, 4, 1}},        // both sides broadcast
      {{4, 1}, {3}},                 // rank 2 x rank 1
      {{2, 3, 1, 5}, {2, 1, 4, 1}},  // alternating
      {{1, 1, 1, 9}, {2, 3, 4, 1}},  // outer product
  };
  return pairs;
}

TEST(ElementwiseTest, FloatBroadcastSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const OpType ops[] = {OpType::kAdd,
                        OpType::kSub,
                        OpType::kMul,
                        OpType::kDiv,
                        OpType::kMaximum,
                        OpType::kMinimum,
                        OpType::kSquaredDifference};
  for (OpType op : ops) {
    for (const auto& [a, b] : ShapePairs()) {
      test::CompareOptions opts;
      opts.seed = 11;
      opts.label = Label(op, DataType::kFloat32, a, b, Activation::kNone, 1);
      EXPECT_TRUE(test::BothKernelsMatchTfLite(
          BinaryGraph(op, DataType::kFloat32, a, b, OptionsFor(op, Activation::kNone)), opts,
          kTolerance));
    }
  }
}

TEST(ElementwiseTest, FloatFusedActivations) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const OpType ops[] = {OpType::kAdd, OpType::kSub, OpType::kMul, OpType::kDiv};
  // TANH and SIGN_BIT: TFLite's float clamp ignores them; so must we.
  const Activation acts[] = {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1,
                             Activation::kTanh, Activation::kSignBit};
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{1, 4, 5, 3}, {1, 4, 5, 3}}, {{1, 4, 5, 3}, {3}}, {{2, 1, 3}, {1, 4, 1}}};
  for (OpType op : ops) {
    for (Activation act : acts) {
      for (const auto& [a, b] : shapes) {
        test::CompareOptions opts;
        opts.seed = 5;
        opts.input_min = -4.0f;  // so RELU6 and RELU_N1_TO_1 clamp both ends
        opts.input_max = 4.0f;
        opts.label = Label(op, DataType::kFloat32, a, b, act, 1);
        EXPECT_TRUE(test::BothKernelsMatchTfLite(
            BinaryGraph(op, DataType::kFloat32, a, b, OptionsFor(op, act)), opts, kTolerance));
      }
    }
  }
}

TEST(ElementwiseTest, ConstantOperandAndThreads) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  // Big enough to split across two threads; odd channel count for remainders.
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{1, 64, 64, 33}, {33}}, {{1, 64, 64, 33}, {1, 64, 64, 33}}, {{2, 96, 1, 80}, {1, 1, 90, 1}}};
  for (OpType op : {OpType::kAdd, OpType::kMul, OpType::kMaximum}) {
    for (const auto& [a, b] : shapes) {
      for (bool constant : {false, true}) {
        test::CompareOptions opts;
        opts.seed = 3;
        opts.num_threads = 2;
        opts.label = Label(op, DataType::kFloat32, a, b, Activation::kRelu6, 2) +
                     (constant ? " b=constant" : "");
        EXPECT_TRUE(test::BothKernelsMatchTfLite(
            BinaryGraph(op, DataType::kFloat32, a, b, OptionsFor(op, Activation::kRelu6), 1,
                        constant),
            opts, kTolerance));
      }
    }
  }
}

TEST(ElementwiseTest, Rank5SameShape) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const Shape s = {2, 3, 2, 3, 5};
  for (OpType op : {OpType::kAdd, OpType::kSub, OpType::kMul, OpType::kDiv}) {
    test::CompareOptions opts;
    opts.label = Label(op, DataType::kFloat32, s, s, Activation::kNone, 1);
    EXPECT_TRUE(test::BothKernelsMatchTfLite(
        BinaryGraph(op, DataType::kFloat32, s, s, OptionsFor(op, Activation::kNone)), opts,
        kTolerance));
  }
}

// TFLite 2.9 broadcasts rank 5 only in MAXIMUM/MINIMUM (ADD, MUL, SUB, DIV,
// SQUARED_DIFFERENCE abort there), so those two carry the rank-5 check of
// the shared broadcast loops.
TEST(ElementwiseTest, Rank5Broadcast) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const std::vector<std::pair<Shape, Shape>> shapes = {{{2, 1, 3, 1, 5}, {1, 4, 1, 2, 5}},
                                                       {{2, 3, 4, 5, 6}, {6}},
                                                       {{1, 3, 1, 1, 1}, {2, 1, 4, 5, 3}}};
  for (OpType op : {OpType::kMaximum, OpType::kMinimum}) {
    for (const auto& [a, b] : shapes) {
      test::CompareOptions opts;
      opts.seed = 23;
      opts.label = Label(op, DataType::kFloat32, a, b, Activation::kNone, 1);
      EXPECT_TRUE(test::BothKernelsMatchTfLite(
          BinaryGraph(op, DataType::kFloat32, a, b, std::monostate{}), opts, kTolerance));
    }
  }
}

TEST(ElementwiseTest, Int32) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const OpType ops[] = {OpType::kAdd,     OpType::kSub,     OpType::kMul,
                        OpType::kMaximum, OpType::kMinimum, OpType::kSquaredDifference};
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}}, {{1, 5, 7, 3}, {3}}, {{2, 1, 3}, {1, 4, 1}}, {{6}, {}}};
  for (OpType op : ops) {
    for (Activation act : {Activation::kNone, Activation::kRelu, Activation::kRelu6}) {
      if (act != Activation::kNone && !TakesActivation(op)) continue;
      for (const auto& [a, b] : shapes) {
        test::CompareOptions opts;
        opts.seed = 17;
        opts.input_min = -20.0f;
        opts.input_max = 20.0f;
        opts.label = Label(op, DataType::kInt32, a, b, act, 1);
        EXPECT_TRUE(test::BothKernelsMatchTfLite(
            BinaryGraph(op, DataType::kInt32, a, b, OptionsFor(op, act)), opts, 0.0));
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

TEST(ElementwiseTest, PrepareErrors) {
  const ir::OpOptions none = ir::ElementwiseOptions{};
  Status s = PrepareStatus(BinaryGraph(OpType::kAdd, DataType::kFloat32, {2, 3}, {4, 3}, none));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 1: shape [4,3] not broadcastable to [2,3]"), std::string::npos)
      << s.ToString();

  // Quantized tensors need their parameters.
  s = PrepareStatus(BinaryGraph(OpType::kMul, DataType::kInt8, {2, 3}, {2, 3}, none));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 0: INT8 without quantization parameters"), std::string::npos)
      << s.ToString();

  s = PrepareStatus(BinaryGraph(OpType::kDiv, DataType::kInt8, {2, 3}, {2, 3}, none));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("INT8"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
