// Standalone activations of int8/uint8 tensors against TFLite 2.9's builtin
// kernels: LOGISTIC, TANH (float-built lookup tables), RELU, RELU6,
// RELU_N1_TO_1 (requantizing clamps), LEAKY_RELU, HARD_SWISH (16-bit fixed
// point), plus float32 SQRT, RSQRT and EXP (EXP on the GPU too). Every input value of the type
// appears (a 16x16 input covers all 256). Tolerance 0 LSB: the kernels are exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

using test::Quant;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedActivationTest, kCpuBackends);
// EXP is one of the GPU's elementwise ops: its float body runs everywhere.
VKD_BACKEND_TEST_SUITE(ExpTest, kAllBackends);

// TFLite versions of the int8 forms (uint8 is 1 everywhere).
int ActivationVersion(OpType op) {
  switch (op) {
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kRelu6:
    case OpType::kRelu:
    case OpType::kLeakyRelu:
      return 2;
    default:
      return 1;
  }
}

ir::Graph UnaryGraph(OpType op, DataType type, const Shape& shape, const ir::Quantization& in_q,
                     const ir::Quantization& out_q, float alpha = 0.2f) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, shape, "x", in_q);
  const int out = g.AddTensor(type, shape, "out", out_q);
  ir::OpOptions options = std::monostate{};
  if (op == OpType::kLeakyRelu) options = ir::LeakyReluOptions{alpha};
  g.AddNode(op, {x}, {out}, options, type == DataType::kInt8 ? ActivationVersion(op) : 1);
  g.MarkOutput(out);
  return g.Build();
}

// Input and output scale and zero point of one case.
struct RescaleCase {
  float in_scale;
  int in_zp;
  float out_scale;
  int out_zp;
};

std::string Label(OpType op, DataType type, const RescaleCase& c) {
  return ir::OpTypeName(op) + " " + ir::DataTypeName(type) + " in " + std::to_string(c.in_scale) +
         "/" + std::to_string(c.in_zp) + " out " + std::to_string(c.out_scale) + "/" +
         std::to_string(c.out_zp);
}

const Shape kShape = {1, 16, 16, 3};

// One activation of a 16x16x3 tensor, inputs over the whole type, exact.
::testing::AssertionResult RescaleMatches(const test::BackendTest& t, OpType op, DataType type,
                                          const RescaleCase& c, uint32_t seed, float alpha = 0.2f) {
  std::string label = Label(op, type, c);
  if (op == OpType::kLeakyRelu) label += " alpha=" + std::to_string(alpha);
  return t.Matches(
      UnaryGraph(op, type, kShape, Quant(c.in_scale, c.in_zp), Quant(c.out_scale, c.out_zp), alpha),
      test::ClampedRange(seed, label), test::kExact);
}

TEST_P(QuantizedActivationTest, LogisticTanh) {
  // TFLite fixes the outputs: LOGISTIC 1/256 with zero point -128 (int8) or 0
  // (uint8); TANH 1/128 with zero point 0 (int8) or 128 (uint8).
  struct InQuant {
    float scale;
    int zp_int8, zp_uint8;
  };
  const InQuant inputs[] = {{0.1f, 0, 128}, {0.0234f, -17, 111}, {0.5f, 100, 3}, {0.004f, -128, 0}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    const bool i8 = type == DataType::kInt8;
    for (OpType op : {OpType::kLogistic, OpType::kTanh}) {
      const float out_scale = op == OpType::kLogistic ? 1.0f / 256 : 1.0f / 128;
      const int out_zp = op == OpType::kLogistic ? (i8 ? -128 : 0) : (i8 ? 0 : 128);
      for (const InQuant& in : inputs) {
        const RescaleCase c = {in.scale, i8 ? in.zp_int8 : in.zp_uint8, out_scale, out_zp};
        EXPECT_TRUE(RescaleMatches(*this, op, type, c, 41));
      }
    }
  }
}

TEST_P(QuantizedActivationTest, ReluFamily) {
  // Same parameters, a finer output (multiplier above one), a coarser one.
  const std::vector<RescaleCase> int8_cases = {
      {0.05f, -10, 0.05f, -10}, {0.05f, 7, 0.02f, -128}, {0.01f, -3, 0.03f, 20}};
  const std::vector<RescaleCase> uint8_cases = {
      {0.05f, 128, 0.05f, 128}, {0.05f, 140, 0.02f, 0}, {0.01f, 100, 0.03f, 60}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (OpType op : {OpType::kRelu, OpType::kRelu6, OpType::kReluN1To1}) {
      for (const RescaleCase& c : type == DataType::kInt8 ? int8_cases : uint8_cases) {
        EXPECT_TRUE(RescaleMatches(*this, op, type, c, 42));
      }
    }
  }
}

TEST_P(QuantizedActivationTest, LeakyRelu) {
  const std::vector<RescaleCase> int8_cases = {{0.05f, -10, 0.05f, -10}, {0.05f, 7, 0.03f, 30}};
  const std::vector<RescaleCase> uint8_cases = {{0.05f, 128, 0.04f, 100}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (float alpha : {0.2f, 0.01f, 1.5f}) {
      for (const RescaleCase& c : type == DataType::kInt8 ? int8_cases : uint8_cases) {
        EXPECT_TRUE(RescaleMatches(*this, OpType::kLeakyRelu, type, c, 43, alpha));
      }
    }
  }
}

TEST_P(QuantizedActivationTest, HardSwish) {
  // Input ranges from about +-1 (reluish shift left) to about +-60 (shift right).
  const std::vector<RescaleCase> int8_cases = {{0.05f, -10, 0.04f, -60},
                                               {0.008f, 3, 0.005f, -100},
                                               {0.5f, -128, 0.45f, -20},
                                               {0.1f, 0, 0.07f, -90}};
  const std::vector<RescaleCase> uint8_cases = {{0.05f, 128, 0.04f, 30}, {0.2f, 60, 0.1f, 10}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (const RescaleCase& c : type == DataType::kInt8 ? int8_cases : uint8_cases) {
      EXPECT_TRUE(RescaleMatches(*this, OpType::kHardSwish, type, c, 44));
    }
  }
}

TEST_P(QuantizedActivationTest, ThreadsAndLargeTensors) {
  for (OpType op : {OpType::kLogistic, OpType::kRelu6, OpType::kHardSwish}) {
    test::CompareOptions opts = test::ClampedRange(45, ir::OpTypeName(op) + " INT8 threads=2");
    opts.num_threads = 2;
    const ir::Quantization out_q =
        op == OpType::kLogistic ? Quant(1.0f / 256, -128) : Quant(0.04f, -60);
    EXPECT_TRUE(Matches(UnaryGraph(op, DataType::kInt8, {1, 96, 96, 17}, Quant(0.05f, -10), out_q),
                        opts, test::kExact));
  }
}

// int16 LOGISTIC/TANH (version 3 in TFLite's converter; the builtin kernel
// takes any version): symmetric, output 2^-15. Power-of-two input scales run
// gemmlowp's fixed point, the others the interpolated sigmoid table. The full
// int16 range appears (ClampedRange), so saturation is covered. Exact (0 LSB).
TEST_P(QuantizedActivationTest, LogisticTanhInt16) {
  const float kScales[] = {1.0f / 4096, 1.0f / 2048, 1.0f / 1024, 0.001f, 0.0003f, 1.0f / 32768};
  for (OpType op : {OpType::kLogistic, OpType::kTanh}) {
    for (float scale : kScales) {
      const RescaleCase c = {scale, 0, 1.0f / 32768, 0};
      EXPECT_TRUE(Matches(
          UnaryGraph(op, DataType::kInt16, {1, 64, 64, 4}, Quant(scale, 0), Quant(1.0f / 32768, 0)),
          test::ClampedRange(47, Label(op, DataType::kInt16, c)), test::kExact));
    }
  }
}

TEST(QuantizedActivationTest, LogisticTanhInt16Errors) {
  // A non-zero zero point or an output scale other than 2^-15: Prepare fails.
  for (OpType op : {OpType::kLogistic, OpType::kTanh}) {
    ir::Graph bad_zp =
        UnaryGraph(op, DataType::kInt16, {4}, Quant(1.0f / 4096, 3), Quant(1.0f / 32768, 0));
    ir::Graph bad_scale =
        UnaryGraph(op, DataType::kInt16, {4}, Quant(1.0f / 4096, 0), Quant(1.0f / 256, 0));
    for (const ir::Graph* g : {&bad_zp, &bad_scale}) {
      auto runner = ModelRunner::Create(*g, RunnerOptions{});
      ASSERT_TRUE(runner.ok());
      EXPECT_FALSE((*runner)->AllocateTensors().ok());
    }
  }
}

// A float unary op over inputs in [lo, hi], within 1e-6 on the CPU.
::testing::AssertionResult FloatUnaryMatches(const test::BackendTest& t, OpType op, float lo,
                                             float hi, uint32_t seed) {
  test::CompareOptions opts;
  opts.seed = seed;
  opts.input_min = lo;
  opts.input_max = hi;
  opts.label = ir::OpTypeName(op) + " FLOAT32";
  return t.Matches(UnaryGraph(op, DataType::kFloat32, {2, 7, 9, 5}, {}, {}), opts, 1e-6);
}

TEST_P(QuantizedActivationTest, SqrtRsqrtFloat) {
  for (OpType op : {OpType::kSqrt, OpType::kRsqrt}) {
    EXPECT_TRUE(FloatUnaryMatches(*this, op, 0.01f, 50.0f, 46));
  }
}

// EXP, float32 (the op added end to end through the op table: its CPU
// kernel in kernels/activation.cc, its GPU one an elementwise post-op).
TEST_P(ExpTest, Float) { EXPECT_TRUE(FloatUnaryMatches(*this, OpType::kExp, -10.0f, 10.0f, 47)); }

}  // namespace
}  // namespace vkd
