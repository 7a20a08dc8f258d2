// Quantized ADD, SUB, MUL (int8, uint8, int16), 8-bit MAXIMUM/MINIMUM, int32
// DIV, FLOOR_DIV and FLOOR_MOD (int32, float32) against TFLite 2.9's builtin
// kernels: non-zero zero points, rescale multipliers above and below one,
// saturating outputs, broadcasting (rank 0..5), fused activations, one and
// two threads. Tolerance 0 LSB throughout: the kernels follow TFLite's
// integer arithmetic exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "ops/shape_rules.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Shape;

using test::Quant;

// Quantized and integer tensors run on the CPU kernels only (float ADD, SUB,
// MUL, ... on the GPU: gpu_elementwise_test.cc).
VKD_BACKEND_TEST_SUITE(QuantizedElementwiseTest, kCpuBackends);

// The NumPy broadcast of two valid operand shapes.
Shape BroadcastOf(const Shape& a, const Shape& b) { return *ops::BroadcastShapes(a, b); }

// Scales and zero points of input 1, input 2, output.
struct QuantCase {
  float s1;
  int zp1;
  float s2;
  int zp2;
  float so;
  int zpo;
};

std::string QuantLabel(const QuantCase& q) {
  return " s1=" + std::to_string(q.s1) + " zp1=" + std::to_string(q.zp1) +
         " s2=" + std::to_string(q.s2) + " zp2=" + std::to_string(q.zp2) +
         " so=" + std::to_string(q.so) + " zpo=" + std::to_string(q.zpo);
}

// TFLite versions: int8 2, int16 3 (ADD/SUB) or 4 (general-scale int16), uint8 1.
int VersionFor(OpType op, DataType type, bool pot_scale_int16) {
  if (type == DataType::kInt8) return 2;
  if (type == DataType::kInt16) {
    if (op == OpType::kMul) return 4;
    if (op == OpType::kMaximum || op == OpType::kMinimum) return 4;
    return pot_scale_int16 ? 3 : 4;
  }
  return 1;
}

ir::Graph QuantizedBinaryGraph(OpType op, DataType type, const Shape& a, const Shape& b,
                               const QuantCase& q, Activation act, bool pot_scale_int16 = true) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, a, "a", Quant(q.s1, q.zp1));
  const int y = g.AddInput(type, b, "b", Quant(q.s2, q.zp2));
  const int out = g.AddTensor(type, BroadcastOf(a, b), "out", Quant(q.so, q.zpo));
  ir::OpOptions options = std::monostate{};
  if (op == OpType::kAdd || op == OpType::kSub || op == OpType::kMul) {
    ir::ElementwiseOptions o;
    o.activation = act;
    o.pot_scale_int16 = pot_scale_int16;
    options = o;
  }
  g.AddNode(op, {x, y}, {out}, options, VersionFor(op, type, pot_scale_int16));
  g.MarkOutput(out);
  return g.Build();
}

const std::vector<std::pair<Shape, Shape>>& ShapePairs() {
  static const std::vector<std::pair<Shape, Shape>> pairs = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}},        // same shape
      {{1, 5, 7, 3}, {3}},                 // per-channel
      {{2, 3, 4}, {}},                     // scalar (rank 0)
      {{1}, {2, 3, 4}},                    // scalar on the left
      {{2, 1, 3}, {1, 4, 1}},              // both sides broadcast
      {{2, 3, 1, 5}, {2, 1, 4, 1}},        // alternating
      {{1, 2, 3, 2, 3}, {1, 2, 3, 2, 3}},  // rank 5, same shape
  };
  return pairs;
}

std::string Label(OpType op, DataType type, const Shape& a, const Shape& b, Activation act) {
  return ir::OpTypeName(op) + " " + ir::DataTypeName(type) + " " + ir::ShapeToString(a) + " x " +
         ir::ShapeToString(b) + " act=" + ir::ActivationName(act);
}

// ADD, SUB and MUL of `type` over every quantization case and shape pair.
void AddSubMulSweep(const test::BackendTest& t, DataType type, const std::vector<QuantCase>& cases,
                    uint32_t seed) {
  for (OpType op : {OpType::kAdd, OpType::kSub, OpType::kMul}) {
    for (const QuantCase& q : cases) {
      for (const auto& [a, b] : ShapePairs()) {
        EXPECT_TRUE(t.Matches(
            QuantizedBinaryGraph(op, type, a, b, q, Activation::kNone),
            test::ClampedRange(seed, Label(op, type, a, b, Activation::kNone) + QuantLabel(q)),
            test::kExact));
      }
    }
  }
}

TEST_P(QuantizedElementwiseTest, AddSubMulInt8) {
  AddSubMulSweep(*this, DataType::kInt8,
                 {
                     {0.05f, -3, 0.02f, 10, 0.06f, 5},         // all multipliers below one
                     {0.1f, 0, 0.1f, 0, 0.01f, -20},           // output finer (MUL: above one)
                     {0.02f, 127, 0.5f, -128, 0.25f, 3},       // extreme zero points
                     {0.007f, -128, 0.009f, 50, 0.002f, 127},  // saturates both ends
                 },
                 21);
}

TEST_P(QuantizedElementwiseTest, AddSubMulUInt8) {
  AddSubMulSweep(*this, DataType::kUInt8,
                 {
                     {0.05f, 128, 0.02f, 100, 0.06f, 120},
                     {0.1f, 0, 0.1f, 255, 0.01f, 30},
                     {0.0235f, 140, 0.0157f, 113, 0.031f, 128},  // mobilenet-like
                 },
                 22);
}

TEST_P(QuantizedElementwiseTest, FusedActivations) {
  // Output scales that put 0, 6, -1 and 1 inside the quantized range, so the clamps bite.
  const QuantCase q8 = {0.05f, 4, 0.04f, -6, 0.03f, -10};
  const QuantCase qu8 = {0.05f, 130, 0.04f, 120, 0.03f, 118};
  const Activation acts[] = {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1,
                             Activation::kTanh};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (OpType op : {OpType::kAdd, OpType::kSub, OpType::kMul}) {
      for (Activation act : acts) {
        const Shape a = {1, 4, 5, 3};
        const Shape b = {3};
        const QuantCase& q = type == DataType::kInt8 ? q8 : qu8;
        EXPECT_TRUE(Matches(QuantizedBinaryGraph(op, type, a, b, q, act),
                            test::ClampedRange(23, Label(op, type, a, b, act) + QuantLabel(q)),
                            test::kExact));
      }
    }
  }
}

TEST_P(QuantizedElementwiseTest, Int16) {
  // General scales (pot_scale_int16 = false), and TFLite's power-of-two path.
  const QuantCase general = {0.0003f, 0, 0.0005f, 0, 0.0007f, 0};
  const QuantCase pot = {1.0f / 4096, 0, 1.0f / 1024, 0, 1.0f / 1024, 0};
  for (OpType op : {OpType::kAdd, OpType::kSub}) {
    for (bool use_pot : {false, true}) {
      for (const auto& [a, b] : {std::pair<Shape, Shape>{{2, 3, 4, 5}, {2, 3, 4, 5}},
                                 std::pair<Shape, Shape>{{1, 5, 7, 3}, {3}}}) {
        // TFLite 2.9's power-of-two kernel has no broadcasting (it aborts).
        if (use_pot && a != b) continue;
        const QuantCase& q = use_pot ? pot : general;
        test::CompareOptions opts =
            test::ClampedRange(24, Label(op, DataType::kInt16, a, b, Activation::kNone) +
                                       QuantLabel(q) + (use_pot ? " pot" : " general"));
        EXPECT_TRUE(
            Matches(QuantizedBinaryGraph(op, DataType::kInt16, a, b, q, Activation::kNone, use_pot),
                    opts, test::kExact));
      }
    }
  }
  const QuantCase mul = {0.001f, 0, 0.002f, 0, 0.0005f, 0};
  EXPECT_TRUE(Matches(QuantizedBinaryGraph(OpType::kMul, DataType::kInt16, {2, 3, 4, 5}, {5}, mul,
                                           Activation::kNone),
                      test::ClampedRange(25, "MUL INT16" + QuantLabel(mul)), test::kExact));
}

TEST_P(QuantizedElementwiseTest, MaximumMinimum) {
  const QuantCase q = {0.05f, 3, 0.05f, 3, 0.05f, 3};
  for (DataType type : {DataType::kInt8, DataType::kUInt8, DataType::kInt16}) {
    for (OpType op : {OpType::kMaximum, OpType::kMinimum}) {
      for (const auto& [a, b] : ShapePairs()) {
        EXPECT_TRUE(Matches(QuantizedBinaryGraph(op, type, a, b, q, Activation::kNone),
                            test::ClampedRange(26, Label(op, type, a, b, Activation::kNone)),
                            test::kExact));
      }
    }
  }
}

TEST_P(QuantizedElementwiseTest, ThreadsAndLargeTensors) {
  const QuantCase q = {0.05f, -3, 0.02f, 10, 0.06f, 5};
  for (OpType op : {OpType::kAdd, OpType::kMul}) {
    for (const auto& [a, b] : {std::pair<Shape, Shape>{{1, 64, 64, 33}, {33}},
                               std::pair<Shape, Shape>{{1, 64, 64, 33}, {1, 64, 64, 33}}}) {
      test::CompareOptions opts = test::ClampedRange(
          27, Label(op, DataType::kInt8, a, b, Activation::kRelu) + " threads=2");
      opts.num_threads = 2;
      EXPECT_TRUE(Matches(QuantizedBinaryGraph(op, DataType::kInt8, a, b, q, Activation::kRelu),
                          opts, test::kExact));
    }
  }
}

// int32 DIV, FLOOR_DIV, FLOOR_MOD with a constant divisor free of zeros
// (TFLite fails the invoke on a zero integer divisor; so do we).
ir::Graph DivisionGraph(OpType op, DataType type, const Shape& a, const Shape& b,
                        Activation act = Activation::kNone) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, a, "a");
  const int64_t n = ir::NumElements(b);
  int y;
  if (type == DataType::kInt32) {
    std::vector<int32_t> values;
    const std::vector<int8_t> r = test::RandomInt8(static_cast<size_t>(n), 31, -9, 9);
    for (int8_t v : r) values.push_back(v == 0 ? 7 : v);
    y = g.AddConstant<int32_t>(b, values, "b");
  } else {
    std::vector<float> values = test::RandomFloats(static_cast<size_t>(n), 31, -3.0f, 3.0f);
    for (float& v : values) v = std::abs(v) < 0.05f ? 0.7f : v;
    y = g.AddConstant<float>(b, values, "b");
  }
  const int out = g.AddTensor(type, BroadcastOf(a, b), "out");
  ir::OpOptions options = std::monostate{};
  if (op == OpType::kDiv) {
    ir::ElementwiseOptions o;
    o.activation = act;
    options = o;
  }
  // TFLite versions: int32 DIV 2, float FLOOR_DIV 2, everything else here 1.
  const int version =
      op == OpType::kDiv || (op == OpType::kFloorDiv && type == DataType::kFloat32) ? 2 : 1;
  g.AddNode(op, {x, y}, {out}, options, version);
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(QuantizedElementwiseTest, IntegerAndFloorDivision) {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3, 4, 5}, {2, 3, 4, 5}}, {{1, 5, 7, 3}, {3}}, {{2, 1, 3}, {1, 4, 1}}};
  struct Case {
    OpType op;
    DataType type;
  };
  const Case cases[] = {{OpType::kDiv, DataType::kInt32},
                        {OpType::kFloorDiv, DataType::kInt32},
                        {OpType::kFloorDiv, DataType::kFloat32},
                        {OpType::kFloorMod, DataType::kInt32},
                        {OpType::kFloorMod, DataType::kFloat32}};
  for (const Case& c : cases) {
    for (const auto& [a, b] : shapes) {
      test::CompareOptions opts;
      opts.seed = 28;
      opts.input_min = -100.0f;
      opts.input_max = 100.0f;
      opts.label = Label(c.op, c.type, a, b, Activation::kNone);
      EXPECT_TRUE(Matches(DivisionGraph(c.op, c.type, a, b), opts,
                          c.type == DataType::kInt32 ? test::kExact : 1e-6));
    }
  }
  for (Activation act : {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1}) {
    test::CompareOptions opts;
    opts.seed = 29;
    opts.label = Label(OpType::kDiv, DataType::kInt32, {3, 7}, {7}, act);
    EXPECT_TRUE(Matches(DivisionGraph(OpType::kDiv, DataType::kInt32, {3, 7}, {7}, act), opts,
                        test::kExact));
  }
}

ir::Graph OneInputGraph(OpType op, DataType in_type, const ir::Quantization& in_q,
                        DataType out_type, const ir::Quantization& out_q) {
  writer::GraphBuilder g;
  const int x = g.AddInput(in_type, {2, 3}, "x", in_q);
  const int out = g.AddTensor(out_type, {2, 3}, "out", out_q);
  g.AddNode(op, {x}, {out});
  g.MarkOutput(out);
  return g.Build();
}

// Prepare's refusals, on vkdelegate alone (TFLite not involved).
TEST(QuantizedElementwiseTest, PrepareErrors) {
  const QuantCase q = {0.05f, 0, 0.05f, 0, 0.05f, 0};
  // A zero point outside the type.
  QuantCase bad_zp = q;
  bad_zp.zp2 = 200;
  Status s = test::PrepareStatus(QuantizedBinaryGraph(OpType::kAdd, DataType::kInt8, {2, 3}, {2, 3},
                                                      bad_zp, Activation::kNone));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 1: zero point 200 outside INT8"), std::string::npos)
      << s.ToString();

  // An output scale so fine that ADD's output multiplier exceeds one.
  QuantCase tiny_out = q;
  tiny_out.so = 1e-9f;
  s = test::PrepareStatus(QuantizedBinaryGraph(OpType::kAdd, DataType::kUInt8, {2, 3}, {2, 3},
                                               tiny_out, Activation::kNone));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("output 0"), std::string::npos) << s.ToString();

  // Activations and softmax without parameters, or with mismatched types.
  s = test::PrepareStatus(OneInputGraph(OpType::kLogistic, DataType::kInt8, {}, DataType::kInt8,
                                        Quant(1.0f / 256, -128)));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 0: INT8 without quantization parameters"), std::string::npos)
      << s.ToString();
  s = test::PrepareStatus(OneInputGraph(OpType::kSoftmax, DataType::kUInt8, Quant(0.1f, 0),
                                        DataType::kUInt8, Quant(1.0f / 256, 5)));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("output 0: uint8 SOFTMAX output needs zero point 0"),
            std::string::npos)
      << s.ToString();
  s = test::PrepareStatus(OneInputGraph(OpType::kRelu, DataType::kInt8, Quant(0.1f, 0),
                                        DataType::kUInt8, Quant(0.1f, 0)));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("output 0: type UINT8"), std::string::npos) << s.ToString();

  // QUANTIZE pairs TFLite 2.9 does not take, and an output without parameters.
  s = test::PrepareStatus(OneInputGraph(OpType::kQuantize, DataType::kUInt8, Quant(0.1f, 0),
                                        DataType::kInt16, Quant(0.1f, 0)));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.message().find("requantizing UINT8 to INT16"), std::string::npos) << s.ToString();
  s = test::PrepareStatus(
      OneInputGraph(OpType::kQuantize, DataType::kFloat32, {}, DataType::kInt8, {}));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("output 0: INT8 without quantization parameters"), std::string::npos)
      << s.ToString();

  // FLOOR_DIV of 8-bit tensors: not a TFLite 2.9 kernel either.
  s = test::PrepareStatus(QuantizedBinaryGraph(OpType::kFloorDiv, DataType::kInt8, {2, 3}, {2, 3},
                                               q, Activation::kNone));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
}

}  // namespace
}  // namespace vkd
