// DEQUANTIZE against TFLite 2.9: int8, uint8, int16 inputs (activation and
// constant), per-tensor and per-channel (int8, several quantized
// dimensions), and float16 constants (subnormals, infinities included),
// within the harness's CPU bound (1e-5 relative).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

// Integer and float16 inputs run on the CPU kernels only (the GPU folds a
// constant DEQUANTIZE into its weights: delegate/gpu tests).
VKD_BACKEND_TEST_SUITE(DequantizeTest, kCpuBackends);

// TFLite versions: INT8 2, INT16 and FLOAT16 3, UINT8 1.
int VersionFor(DataType type) {
  switch (type) {
    case DataType::kInt8:
      return 2;
    case DataType::kInt16:
    case DataType::kFloat16:
      return 3;
    default:
      return 1;
  }
}

std::vector<uint8_t> RandomBytes(DataType type, size_t n, uint32_t seed) {
  const std::vector<int8_t> v = test::RandomInt8(n * ir::DataTypeSize(type), seed, -128, 127);
  std::vector<uint8_t> bytes(v.size());
  std::memcpy(bytes.data(), v.data(), v.size());
  return bytes;
}

ir::Graph DequantizeGraph(DataType type, const Shape& shape, const ir::Quantization& q,
                          bool constant) {
  writer::GraphBuilder g;
  const int x = constant ? g.AddConstantBytes(type, shape,
                                              RandomBytes(type, ir::NumElements(shape), 13), "q", q)
                         : g.AddInput(type, shape, "q", q);
  const int out = g.AddTensor(DataType::kFloat32, shape, "out");
  g.AddNode(OpType::kDequantize, {x}, {out}, {}, VersionFor(type));
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(DequantizeTest, PerTensor) {
  struct Case {
    DataType type;
    float scale;
    int64_t zero_point;
  };
  const Case cases[] = {
      {DataType::kInt8, 0.05f, -3},   {DataType::kInt8, 0.0078125f, 0},
      {DataType::kUInt8, 0.02f, 128}, {DataType::kUInt8, 1.5f, 7},
      {DataType::kInt16, 0.001f, 0},  {DataType::kInt16, 3.0517578e-05f, 0},
  };
  for (const Case& c : cases) {
    for (const Shape& shape : {Shape{7}, Shape{1, 5, 6, 3}, Shape{2, 3, 2, 3, 2}}) {
      for (bool constant : {false, true}) {
        // Integer inputs: the whole range of the type.
        const test::CompareOptions opts = test::ClampedRange(
            81, std::string("DEQUANTIZE ") + ir::DataTypeName(c.type) + " " +
                    ir::ShapeToString(shape) + " scale=" + std::to_string(c.scale) +
                    " zp=" + std::to_string(c.zero_point) + (constant ? " constant" : " input"));
        EXPECT_TRUE(Matches(
            DequantizeGraph(c.type, shape, test::Quant(c.scale, c.zero_point), constant), opts));
      }
    }
  }
}

TEST_P(DequantizeTest, PerChannelInt8) {
  const Shape shape = {4, 3, 3, 5};
  for (int dim : {0, 3, 1}) {
    for (bool constant : {true, false}) {
      ir::Quantization q;
      q.quantized_dimension = dim;
      for (int c = 0; c < shape[dim]; ++c) {
        q.scale.push_back(0.01f * static_cast<float>(c + 1));
        q.zero_point.push_back(0);
      }
      test::CompareOptions opts;
      opts.seed = 82;
      opts.label = "DEQUANTIZE INT8 per-channel dim " + std::to_string(dim) +
                   (constant ? " constant" : " input");
      EXPECT_TRUE(Matches(DequantizeGraph(DataType::kInt8, shape, q, constant), opts));
    }
  }
}

// A DEQUANTIZE of a float16 constant, its result also fed through MAXIMUM with
// a graph input so the model has one.
ir::Graph Float16Graph(const std::vector<uint16_t>& values) {
  const Shape shape = {static_cast<int32_t>(values.size())};
  std::vector<uint8_t> bytes(values.size() * 2);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  writer::GraphBuilder g;
  const int h = g.AddConstantBytes(DataType::kFloat16, shape, bytes, "half");
  const int f = g.AddTensor(DataType::kFloat32, shape, "f");
  g.AddNode(OpType::kDequantize, {h}, {f}, {}, 3);
  const int x = g.AddInput(DataType::kFloat32, shape, "x");
  const int out = g.AddTensor(DataType::kFloat32, shape, "out");
  g.AddNode(OpType::kMaximum, {f, x}, {out}, {}, 1);
  g.MarkOutput(f);
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(DequantizeTest, Float16Constant) {
  // The tolerance scales with the largest output, so small and large values
  // go in separate graphs. Infinities are left out: inf - inf compares as NaN.
  // Small: zeros, subnormals (0x0001, 0x03ff, 0x8200), normals below 2.
  std::vector<uint16_t> small = {0x0000, 0x8000, 0x0001, 0x03ff, 0x8200,
                                 0x0400, 0x3c00, 0xbc00, 0x3555, 0x3bff};
  const std::vector<int8_t> noise = test::RandomInt8(2 * 200, 9, -128, 127);
  for (size_t i = 0; i + 1 < noise.size(); i += 2) {
    const uint16_t h = static_cast<uint16_t>((static_cast<uint8_t>(noise[i]) << 8) |
                                             static_cast<uint8_t>(noise[i + 1]));
    if (((h >> 10) & 0x1f) <= 15) small.push_back(h);  // |value| < 2
  }
  std::vector<uint16_t> large = {0x7bff, 0xfbff, 0x4248, 0x5640, 0xd640, 0x6000, 0x4000};
  for (const std::vector<uint16_t>* values : {&small, &large}) {
    test::CompareOptions opts;
    opts.label = "DEQUANTIZE FLOAT16 constant, " + std::to_string(values->size()) +
                 (values == &small ? " values below 2" : " large values");
    EXPECT_TRUE(Matches(Float16Graph(*values), opts));
  }
}

}  // namespace
}  // namespace vkd
