// Quantized FULLY_CONNECTED against TFLite 2.9 on the CPU backends (reference
// and optimized kernels): int8 and uint8 (non-zero input/weights/output zero
// points), batch > 1, keep_num_dims, optional bias, fused activations, input
// sizes that are and are not multiples of 4, large and small multipliers,
// MobileNet's classifier, 1 and 2 threads. Exact (tolerance 0).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/conv_cases.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedFullyConnectedTest, kCpuBackends);

struct QFcCase {
  test::GemmQuantization q;
  ir::Shape input_shape = {2, 8};
  int units = 5;
  bool keep_num_dims = false;
  bool bias = true;
  ir::Activation activation = ir::Activation::kNone;

  int input_size() const { return input_shape.back(); }
  std::string Label() const {
    return std::string("FC ") + ir::DataTypeName(q.type) +
           " input=" + ir::ShapeToString(input_shape) + " units=" + std::to_string(units) +
           (keep_num_dims ? " keep_num_dims" : "") + (bias ? " bias" : " no-bias") +
           " act=" + ir::ActivationName(activation) + q.Label();
  }
};

ir::Graph BuildQuantizedFc(const QFcCase& c, uint32_t seed) {
  writer::GraphBuilder b;
  const float weights_scale = 0.0137f;
  const int input = b.AddInput(c.q.type, c.input_shape, "input",
                               test::Quant(c.q.input_scale, c.q.input_zero_point));
  const int weights = c.q.AddWeights(b, {c.units, c.input_size()}, seed, "weights",
                                     c.q.WeightsQuant(weights_scale));
  int bias = ir::kNoTensor;
  if (c.bias) {
    const int range = 4096 * static_cast<int>(std::sqrt(c.input_size()) + 1);
    bias = b.AddConstant<int32_t>({c.units},
                                  test::RandomInts<int32_t>(c.units, seed + 1, -range, range),
                                  "bias", test::Quant(c.q.input_scale * weights_scale, 0));
  }
  const ir::Shape output_shape =
      test::FullyConnectedOutputShape(c.input_shape, c.units, c.keep_num_dims);
  const int output =
      b.AddTensor(c.q.type, output_shape, "output", c.q.OutputQuant(weights_scale, c.input_size()));
  ir::FullyConnectedOptions options;
  options.activation = c.activation;
  options.keep_num_dims = c.keep_num_dims;
  // Version 5: keep_num_dims (int8 needs 4).
  b.AddNode(ir::OpType::kFullyConnected, {input, weights, bias}, {output}, options, 5);
  b.MarkOutput(output);
  return b.Build();
}

::testing::AssertionResult QFcMatches(const test::BackendTest& t, const QFcCase& c, uint32_t seed) {
  return t.Matches(BuildQuantizedFc(c, seed), c.q.Options(seed, c.Label()), 0.0);
}

void Sweep(const test::BackendTest& t, DataType type) {
  const ir::Shape input_shapes[] = {{1, 1}, {1, 3}, {2, 8}, {1, 13}, {3, 32}, {2, 3, 5}, {7, 64}};
  int index = 0;
  for (const ir::Shape& shape : input_shapes) {
    for (int units : {1, 5, 16, 17, 70}) {
      QFcCase c;
      c.q.type = type;
      c.input_shape = shape;
      c.units = units;
      c.keep_num_dims = index % 3 == 1;
      c.bias = index % 5 != 2;
      c.activation = test::kConvActivations[index % 4];
      c.q.threads = 1 + index % 2;
      const float ranges[] = {1.0f, 0.3f, 4.0f, 1e-3f};
      c.q.output_range = ranges[index % 4];
      c.q.SetZeroPoints(index / 2);
      ++index;
      EXPECT_TRUE(QFcMatches(t, c, 300 + index));
    }
  }
}

TEST_P(QuantizedFullyConnectedTest, Int8Sweep) { Sweep(*this, DataType::kInt8); }

TEST_P(QuantizedFullyConnectedTest, UInt8Sweep) { Sweep(*this, DataType::kUInt8); }

// MobileNetV2's classifier (1280 -> 1001), in both model forms, and a batch.
TEST_P(QuantizedFullyConnectedTest, MobileNetClassifier) {
  int index = 0;
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (int batch : {1, 3}) {
      QFcCase c;
      c.q.type = type;
      c.input_shape = {batch, 1280};
      c.units = 1001;
      c.q.input_zero_point = type == DataType::kInt8 ? -128 : 0;
      c.q.weights_zero_point = type == DataType::kInt8 ? 0 : 113;
      c.q.output_zero_point = type == DataType::kInt8 ? -20 : 60;
      c.q.threads = 2;
      ++index;
      EXPECT_TRUE(QFcMatches(*this, c, 800 + index));
    }
  }
}

}  // namespace
}  // namespace vkd
