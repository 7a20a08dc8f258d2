// SOFTMAX of int8/uint8 tensors against TFLite 2.9's builtin kernel (its float
// lookup-table path): int8 -> int8, uint8 -> uint8, int8/uint8 -> int16, beta
// 1 and not, row lengths from 1 to 1001, one and two threads. Tolerance 0
// LSB: the table and the float sum are computed as TFLite computes them.
#include <gtest/gtest.h>

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

// Quantized tensors run on the CPU kernels only (float SOFTMAX: softmax_test.cc,
// and on the GPU gpu_pool_test.cc).
VKD_BACKEND_TEST_SUITE(QuantizedSoftmaxTest, kCpuBackends);

// TFLite's output contract: scale 1/256 with zero point -128 (int8) or 0
// (uint8); int16 outputs scale 1/32768, zero point 0.
ir::Quantization OutputQuant(DataType type) {
  switch (type) {
    case DataType::kInt8:
      return test::Quant(1.0f / 256, -128);
    case DataType::kUInt8:
      return test::Quant(1.0f / 256, 0);
    default:
      return test::Quant(1.0f / 32768, 0);
  }
}

// TFLite versions: int8 2, int16 output 3, uint8 1.
int VersionFor(DataType in, DataType out) {
  if (out == DataType::kInt16) return 3;
  return in == DataType::kInt8 ? 2 : 1;
}

ir::Graph SoftmaxGraph(DataType in_type, DataType out_type, const Shape& shape, float in_scale,
                       int in_zp, float beta) {
  writer::GraphBuilder g;
  const int x = g.AddInput(in_type, shape, "x", test::Quant(in_scale, in_zp));
  const int out = g.AddTensor(out_type, shape, "out", OutputQuant(out_type));
  g.AddNode(OpType::kSoftmax, {x}, {out}, ir::SoftmaxOptions{beta}, VersionFor(in_type, out_type));
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(QuantizedSoftmaxTest, TypesScalesBetas) {
  struct Io {
    DataType in, out;
  };
  const Io ios[] = {{DataType::kInt8, DataType::kInt8},
                    {DataType::kUInt8, DataType::kUInt8},
                    {DataType::kInt8, DataType::kInt16},
                    {DataType::kUInt8, DataType::kInt16}};
  // Input scales from sharp (one element takes nearly all) to flat.
  const float scales[] = {0.0625f, 0.17f, 0.01f};
  const Shape shapes[] = {{1, 10}, {3, 1001}, {2, 4, 5, 7}, {1}};
  for (const Io& io : ios) {
    for (float scale : scales) {
      for (float beta : {1.0f, 0.37f}) {
        for (const Shape& shape : shapes) {
          const int zp = io.in == DataType::kInt8 ? -5 : 120;
          const std::string label = std::string("SOFTMAX ") + ir::DataTypeName(io.in) + "->" +
                                    ir::DataTypeName(io.out) + " " + ir::ShapeToString(shape) +
                                    " scale=" + std::to_string(scale) +
                                    " beta=" + std::to_string(beta);
          EXPECT_TRUE(Matches(SoftmaxGraph(io.in, io.out, shape, scale, zp, beta),
                              test::ClampedRange(51, label), test::kExact));
        }
      }
    }
  }
}

TEST_P(QuantizedSoftmaxTest, Threads) {
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    test::CompareOptions opts =
        test::ClampedRange(52, std::string("SOFTMAX ") + ir::DataTypeName(type) + " threads=2");
    opts.num_threads = 2;
    EXPECT_TRUE(Matches(SoftmaxGraph(type, type, {64, 40, 21}, 0.1f, 3, 1.0f), opts, test::kExact));
  }
}

}  // namespace
}  // namespace vkd
