// QUANTIZE (float32 -> int8/uint8/int16, and requantizing between integer
// types) and CAST between float32, int32, int64, int16, int8, uint8 and bool,
// against TFLite 2.9. Tolerance 0: both are exact.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cpu_fallback/optimized/quantize.h"
#include "cpu_fallback/reference/quantize.h"
#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

using test::Quant;

// Integer tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizeCastTest, kCpuBackends);

// TFLite versions: float -> uint8 1, -> int8 2, int16 involved 3 (4 for
// int16 -> int32 is not needed: 3 covers it in 2.9), requantize 2.
int QuantizeVersion(DataType in, DataType out) {
  if (in == DataType::kInt16 || out == DataType::kInt16) return 3;
  if (in == DataType::kFloat32 && out == DataType::kUInt8) return 1;
  return 2;
}

ir::Graph QuantizeGraph(DataType in_type, const ir::Quantization& in_q, DataType out_type,
                        const ir::Quantization& out_q, const Shape& shape) {
  writer::GraphBuilder g;
  const int x = g.AddInput(in_type, shape, "x", in_q);
  const int out = g.AddTensor(out_type, shape, "out", out_q);
  g.AddNode(OpType::kQuantize, {x}, {out}, {}, QuantizeVersion(in_type, out_type));
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(QuantizeCastTest, FloatToInteger) {
  struct Case {
    DataType type;
    float scale;
    int zp;
  };
  const Case cases[] = {{DataType::kInt8, 0.05f, -3},   {DataType::kInt8, 0.0078125f, 0},
                        {DataType::kInt8, 0.013f, 127}, {DataType::kUInt8, 0.02f, 128},
                        {DataType::kUInt8, 0.007f, 0},  {DataType::kUInt8, 0.031f, 250},
                        {DataType::kInt16, 0.0002f, 0}, {DataType::kInt16, 1.0f / 32768, 0}};
  for (const Case& c : cases) {
    test::CompareOptions opts;
    opts.seed = 61;
    opts.input_min = -5.0f;  // saturates both ends of every case
    opts.input_max = 5.0f;
    opts.label = std::string("QUANTIZE FLOAT32->") + ir::DataTypeName(c.type) +
                 " scale=" + std::to_string(c.scale) + " zp=" + std::to_string(c.zp);
    EXPECT_TRUE(
        Matches(QuantizeGraph(DataType::kFloat32, {}, c.type, Quant(c.scale, c.zp), {2, 9, 11, 3}),
                opts, test::kExact));
  }
}

// The reference and optimized QUANTIZE of `in` to T agree element for element.
template <typename T>
void ExpectSameRounding(const std::vector<float>& in, float scale, int zp) {
  std::vector<T> ref_out(in.size()), opt_out(in.size());
  ref::AffineQuantize(in.data(), ref_out.data(), static_cast<int64_t>(in.size()), scale, zp);
  opt::AffineQuantize(in.data(), opt_out.data(), static_cast<int64_t>(in.size()), scale, zp);
  EXPECT_EQ(ref_out, opt_out) << ir::DataTypeName(ir::DataTypeOf<T>::value) << " zp=" << zp;
}

// Random inputs seldom land on a rounding tie; the optimized QUANTIZE rounds
// ties (and their float neighbours) as std::round does, on both signs.
TEST(QuantizeCastTest, OptimizedRoundingOnTies) {
  const float scale = 0.05f;
  std::vector<float> in;
  for (int k = -300; k <= 300; ++k) {
    const float tie = (static_cast<float>(k) + 0.5f) * scale;
    in.push_back(tie);
    in.push_back(std::nextafter(tie, -1e9f));
    in.push_back(std::nextafter(tie, 1e9f));
    in.push_back(static_cast<float>(k) * scale);
  }
  in.push_back(-0.0f);  // an odd tail past the last vector
  for (int zp : {-3, 0, 100}) {
    ExpectSameRounding<int8_t>(in, scale, zp);
    ExpectSameRounding<int16_t>(in, scale, zp);
    ExpectSameRounding<uint8_t>(in, scale, zp + 128);
  }
}

TEST_P(QuantizeCastTest, Requantize) {
  struct Case {
    DataType in;
    float in_scale;
    int in_zp;
    DataType out;
    float out_scale;
    int out_zp;
  };
  const Case cases[] = {
      // The uint8 <-> int8 pair of models with uint8 I/O: same scale, zero point moved by 128.
      {DataType::kUInt8, 0.0078f, 128, DataType::kInt8, 0.0078f, 0},
      {DataType::kInt8, 0.0039f, -128, DataType::kUInt8, 0.0039f, 0},
      // Different scales: multipliers below and above one.
      {DataType::kUInt8, 0.02f, 100, DataType::kInt8, 0.05f, -7},
      {DataType::kInt8, 0.05f, 4, DataType::kUInt8, 0.013f, 140},
      {DataType::kInt8, 0.05f, 4, DataType::kInt8, 0.03f, -20},
      {DataType::kInt8, 0.01f, -50, DataType::kInt8, 0.04f, 60},
      {DataType::kUInt8, 0.05f, 128, DataType::kUInt8, 0.02f, 10},
      {DataType::kInt16, 0.0005f, 0, DataType::kInt8, 0.05f, -3},
      {DataType::kInt16, 0.0005f, 0, DataType::kInt16, 0.0002f, 0},
      {DataType::kInt16, 0.0005f, 0, DataType::kInt32, 0.0001f, 0},
  };
  for (const Case& c : cases) {
    // Integer inputs: the whole range of the type.
    const test::CompareOptions opts = test::ClampedRange(
        62, std::string("QUANTIZE ") + ir::DataTypeName(c.in) + "->" + ir::DataTypeName(c.out) +
                " in " + std::to_string(c.in_scale) + "/" + std::to_string(c.in_zp) + " out " +
                std::to_string(c.out_scale) + "/" + std::to_string(c.out_zp));
    EXPECT_TRUE(Matches(QuantizeGraph(c.in, Quant(c.in_scale, c.in_zp), c.out,
                                      Quant(c.out_scale, c.out_zp), {1, 13, 17, 5}),
                        opts, test::kExact));
  }
}

ir::Graph CastGraph(DataType in, DataType out, const Shape& shape) {
  writer::GraphBuilder g;
  const int x = g.AddInput(in, shape, "x");
  const int y = g.AddTensor(out, shape, "out");
  ir::CastOptions o;
  o.in_type = in;
  o.out_type = out;
  g.AddNode(OpType::kCast, {x}, {y}, o, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST_P(QuantizeCastTest, Cast) {
  const DataType types[] = {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                            DataType::kInt16,   DataType::kInt8,  DataType::kUInt8,
                            DataType::kBool};
  for (DataType in : types) {
    for (DataType out : types) {
      if (in == out) continue;
      test::CompareOptions opts;
      opts.seed = 63;
      // Values every type holds (float -> integer conversions of out-of-range
      // values are undefined in C++, and so in TFLite): [0, 120], with
      // fractions for float inputs, or [-100, 100] when the output is signed.
      const bool unsigned_out = out == DataType::kUInt8 || out == DataType::kBool;
      opts.input_min = unsigned_out ? 0.0f : -100.0f;
      opts.input_max = unsigned_out ? 120.0f : 100.0f;
      opts.label = std::string("CAST ") + ir::DataTypeName(in) + "->" + ir::DataTypeName(out);
      EXPECT_TRUE(Matches(CastGraph(in, out, {3, 5, 7}), opts, test::kExact));
    }
  }
}

// The post-processing of movenet_single_pose_lightning_ptq in miniature, with
// its quantization parameters: int8 SUB/MUL/ADD with broadcasting and an
// operand squared, DEQUANTIZE -> SQRT -> QUANTIZE, a float DIV requantized,
// LOGISTIC then an int8 requantize, and the int32 FLOOR_DIV/MUL/SUB/CAST
// index arithmetic.
ir::Graph MovenetTailGraph() {
  writer::GraphBuilder g;
  const DataType i8 = DataType::kInt8;
  const int center = g.AddInput(i8, {1, 17}, "center", Quant(0.210099f, -128));
  std::vector<int8_t> grid = test::RandomInt8(48 * 48, 71, -128, 127);
  const int grid_c = g.AddConstant<int8_t>({48, 48, 1}, grid, "grid", Quant(0.184314f, -128));
  const int diff = g.AddTensor(i8, {48, 48, 17}, "diff", Quant(0.388190f, 10));
  g.AddNode(OpType::kSub, {grid_c, center}, {diff}, ir::ElementwiseOptions{}, 2);
  const int sq = g.AddTensor(i8, {48, 48, 17}, "sq", Quant(11.256120f, -128));
  g.AddNode(OpType::kMul, {diff, diff}, {sq}, ir::ElementwiseOptions{}, 2);
  const int other = g.AddInput(i8, {48, 48, 17}, "other", Quant(7.974750f, -128));
  const int sum = g.AddTensor(i8, {48, 48, 17}, "sum", Quant(14.999096f, -128));
  g.AddNode(OpType::kAdd, {sq, other}, {sum}, ir::ElementwiseOptions{}, 2);
  const int sum_f = g.AddTensor(DataType::kFloat32, {48, 48, 17}, "sum_f");
  g.AddNode(OpType::kDequantize, {sum}, {sum_f}, {}, 2);
  const int root = g.AddTensor(DataType::kFloat32, {48, 48, 17}, "root");
  g.AddNode(OpType::kSqrt, {sum_f}, {root}, {}, 1);
  const int root_q = g.AddTensor(i8, {48, 48, 17}, "root_q", Quant(0.242528f, -128));
  g.AddNode(OpType::kQuantize, {root}, {root_q}, {}, 1);
  const int eps = g.AddConstant<int8_t>({}, {-127}, "eps", Quant(0.007059f, -128));
  const int dist = g.AddTensor(i8, {48, 48, 17}, "dist", Quant(0.249587f, -128));
  g.AddNode(OpType::kAdd, {root_q, eps}, {dist}, ir::ElementwiseOptions{}, 2);
  const int dist_f = g.AddTensor(DataType::kFloat32, {48, 48, 17}, "dist_f");
  g.AddNode(OpType::kDequantize, {dist}, {dist_f}, {}, 2);
  const int heat = g.AddInput(DataType::kFloat32, {1, 48, 48, 17}, "heat");
  const int ratio = g.AddTensor(DataType::kFloat32, {1, 48, 48, 17}, "ratio");
  g.AddNode(OpType::kDiv, {heat, dist_f}, {ratio}, ir::ElementwiseOptions{}, 1);
  const int ratio_q = g.AddTensor(i8, {1, 48, 48, 17}, "ratio_q", Quant(0.001992f, -128));
  g.AddNode(OpType::kQuantize, {ratio}, {ratio_q}, {}, 1);
  g.MarkOutput(ratio_q);

  const int logits = g.AddInput(i8, {1, 48, 48, 17}, "logits", Quant(0.280927f, 115));
  const int prob = g.AddTensor(i8, {1, 48, 48, 17}, "prob", Quant(1.0f / 256, -128));
  g.AddNode(OpType::kLogistic, {logits}, {prob}, {}, 2);
  const int prob_q = g.AddTensor(i8, {1, 48, 48, 17}, "prob_q", Quant(0.004097f, -128));
  g.AddNode(OpType::kQuantize, {prob}, {prob_q}, {}, 1);
  g.MarkOutput(prob_q);

  const int index = g.AddInput(DataType::kInt32, {1, 17}, "index");
  const int width = g.AddConstant<int32_t>({}, {48}, "width");
  const int row = g.AddTensor(DataType::kInt32, {1, 17}, "row");
  g.AddNode(OpType::kFloorDiv, {index, width}, {row}, {}, 1);
  const int row_f = g.AddTensor(DataType::kFloat32, {1, 17}, "row_f");
  g.AddNode(OpType::kCast, {row}, {row_f}, ir::CastOptions{DataType::kInt32, DataType::kFloat32},
            1);
  const int row_q = g.AddTensor(i8, {1, 17}, "row_q", Quant(0.184314f, -128));
  g.AddNode(OpType::kQuantize, {row_f}, {row_q}, {}, 1);
  const int base = g.AddTensor(DataType::kInt32, {1, 17}, "base");
  g.AddNode(OpType::kMul, {row, width}, {base}, ir::ElementwiseOptions{}, 2);
  const int col = g.AddTensor(DataType::kInt32, {1, 17}, "col");
  g.AddNode(OpType::kSub, {index, base}, {col}, ir::ElementwiseOptions{}, 2);
  g.MarkOutput(row_q);
  g.MarkOutput(col);
  return g.Build();
}

TEST_P(QuantizeCastTest, MovenetTailPattern) {
  test::CompareOptions opts;
  opts.seed = 72;
  opts.label = "movenet tail";
  // int8 and int32 inputs: the filler's default [-128, 127]; float: [-1, 1].
  EXPECT_TRUE(Matches(MovenetTailGraph(), opts, test::kExact));
}

}  // namespace
}  // namespace vkd
