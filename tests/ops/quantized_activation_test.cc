// Standalone activations of int8/uint8 tensors against TFLite 2.9's builtin
// kernels: LOGISTIC, TANH (float-built lookup tables), RELU, RELU6,
// RELU_N1_TO_1 (requantizing clamps), LEAKY_RELU, HARD_SWISH (16-bit fixed
// point), plus float32 SQRT, RSQRT and EXP. Every input value of the type appears
// (a 16x16 input covers all 256). Tolerance 0 LSB: the kernels are exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

constexpr double kExact = 0;

ir::Quantization Quant(float scale, int64_t zero_point) {
  ir::Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

// TFLite versions of the int8 forms (uint8 is 1 everywhere).
int Int8Version(OpType op) {
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
  g.AddNode(op, {x}, {out}, options, type == DataType::kInt8 ? Int8Version(op) : 1);
  g.MarkOutput(out);
  return g.Build();
}

test::CompareOptions FullRange(uint32_t seed, const std::string& label) {
  test::CompareOptions opts;
  opts.seed = seed;
  opts.input_min = -40000.0f;  // integer inputs: the whole range of the type
  opts.input_max = 40000.0f;
  opts.label = label;
  return opts;
}

std::string Label(OpType op, DataType type, float in_scale, int in_zp, float out_scale,
                  int out_zp) {
  return ir::OpTypeName(op) + " " + ir::DataTypeName(type) + " in " + std::to_string(in_scale) +
         "/" + std::to_string(in_zp) + " out " + std::to_string(out_scale) + "/" +
         std::to_string(out_zp);
}

const Shape kShape = {1, 16, 16, 3};

TEST(QuantizedActivationTest, LogisticTanh) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
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
        const int in_zp = i8 ? in.zp_int8 : in.zp_uint8;
        EXPECT_TRUE(test::BothKernelsMatchTfLite(
            UnaryGraph(op, type, kShape, Quant(in.scale, in_zp), Quant(out_scale, out_zp)),
            FullRange(41, Label(op, type, in.scale, in_zp, out_scale, out_zp)), kExact));
      }
    }
  }
}

struct RescaleCase {
  float in_scale;
  int in_zp;
  float out_scale;
  int out_zp;
};

TEST(QuantizedActivationTest, ReluFamily) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  // Same parameters, a finer output (multiplier above one), a coarser one.
  const std::vector<RescaleCase> int8_cases = {
      {0.05f, -10, 0.05f, -10}, {0.05f, 7, 0.02f, -128}, {0.01f, -3, 0.03f, 20}};
  const std::vector<RescaleCase> uint8_cases = {
      {0.05f, 128, 0.05f, 128}, {0.05f, 140, 0.02f, 0}, {0.01f, 100, 0.03f, 60}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (OpType op : {OpType::kRelu, OpType::kRelu6, OpType::kReluN1To1}) {
      for (const RescaleCase& c : type == DataType::kInt8 ? int8_cases : uint8_cases) {
        EXPECT_TRUE(test::BothKernelsMatchTfLite(
            UnaryGraph(op, type, kShape, Quant(c.in_scale, c.in_zp), Quant(c.out_scale, c.out_zp)),
            FullRange(42, Label(op, type, c.in_scale, c.in_zp, c.out_scale, c.out_zp)), kExact));
      }
    }
  }
}

TEST(QuantizedActivationTest, LeakyRelu) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const std::vector<RescaleCase> int8_cases = {{0.05f, -10, 0.05f, -10}, {0.05f, 7, 0.03f, 30}};
  const std::vector<RescaleCase> uint8_cases = {{0.05f, 128, 0.04f, 100}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (float alpha : {0.2f, 0.01f, 1.5f}) {
      for (const RescaleCase& c : type == DataType::kInt8 ? int8_cases : uint8_cases) {
        EXPECT_TRUE(test::BothKernelsMatchTfLite(
            UnaryGraph(OpType::kLeakyRelu, type, kShape, Quant(c.in_scale, c.in_zp),
                       Quant(c.out_scale, c.out_zp), alpha),
            FullRange(43,
                      Label(OpType::kLeakyRelu, type, c.in_scale, c.in_zp, c.out_scale, c.out_zp) +
                          " alpha=" + std::to_string(alpha)),
            kExact));
      }
    }
  }
}

TEST(QuantizedActivationTest, HardSwish) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  // Input ranges from about +-1 (reluish shift left) to about +-60 (shift right).
  const std::vector<RescaleCase> int8_cases = {{0.05f, -10, 0.04f, -60},
                                               {0.008f, 3, 0.005f, -100},
                                               {0.5f, -128, 0.45f, -20},
                                               {0.1f, 0, 0.07f, -90}};
  const std::vector<RescaleCase> uint8_cases = {{0.05f, 128, 0.04f, 30}, {0.2f, 60, 0.1f, 10}};
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (const RescaleCase& c : type == DataType::kInt8 ? int8_cases : uint8_cases) {
      EXPECT_TRUE(test::BothKernelsMatchTfLite(
          UnaryGraph(OpType::kHardSwish, type, kShape, Quant(c.in_scale, c.in_zp),
                     Quant(c.out_scale, c.out_zp)),
          FullRange(44,
                    Label(OpType::kHardSwish, type, c.in_scale, c.in_zp, c.out_scale, c.out_zp)),
          kExact));
    }
  }
}

TEST(QuantizedActivationTest, ThreadsAndLargeTensors) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  for (OpType op : {OpType::kLogistic, OpType::kRelu6, OpType::kHardSwish}) {
    test::CompareOptions opts = FullRange(45, ir::OpTypeName(op) + " INT8 threads=2");
    opts.num_threads = 2;
    const ir::Quantization out_q =
        op == OpType::kLogistic ? Quant(1.0f / 256, -128) : Quant(0.04f, -60);
    EXPECT_TRUE(test::MatchesTfLite(
        UnaryGraph(op, DataType::kInt8, {1, 96, 96, 17}, Quant(0.05f, -10), out_q), opts, kExact));
  }
}

// int16 LOGISTIC/TANH (version 3 in TFLite's converter; the builtin kernel
// takes any version): symmetric, output 2^-15. Power-of-two input scales run
// gemmlowp's fixed point, the others the interpolated sigmoid table. The full
// int16 range appears (FullRange), so saturation is covered. Exact (0 LSB).
TEST(QuantizedActivationTest, LogisticTanhInt16) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const float kScales[] = {1.0f / 4096, 1.0f / 2048, 1.0f / 1024, 0.001f, 0.0003f, 1.0f / 32768};
  for (OpType op : {OpType::kLogistic, OpType::kTanh}) {
    for (float scale : kScales) {
      EXPECT_TRUE(test::BothKernelsMatchTfLite(
          UnaryGraph(op, DataType::kInt16, {1, 64, 64, 4}, Quant(scale, 0), Quant(1.0f / 32768, 0)),
          FullRange(47, Label(op, DataType::kInt16, scale, 0, 1.0f / 32768, 0)), kExact));
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

TEST(QuantizedActivationTest, SqrtRsqrtFloat) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  for (OpType op : {OpType::kSqrt, OpType::kRsqrt}) {
    test::CompareOptions opts;
    opts.seed = 46;
    opts.input_min = 0.01f;
    opts.input_max = 50.0f;
    opts.label = ir::OpTypeName(op) + " FLOAT32";
    EXPECT_TRUE(test::BothKernelsMatchTfLite(
        UnaryGraph(op, DataType::kFloat32, {2, 7, 9, 5}, {}, {}), opts, 1e-6));
  }
}

// EXP, float32 (the op added end to end through the op table: its CPU
// kernel in kernels/activation.cc).
TEST(QuantizedActivationTest, ExpFloat) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  test::CompareOptions opts;
  opts.seed = 47;
  opts.input_min = -10.0f;
  opts.input_max = 10.0f;
  opts.label = "EXP FLOAT32";
  EXPECT_TRUE(test::BothKernelsMatchTfLite(
      UnaryGraph(OpType::kExp, DataType::kFloat32, {2, 7, 9, 5}, {}, {}), opts, 1e-6));
}

}  // namespace
}  // namespace vkd
