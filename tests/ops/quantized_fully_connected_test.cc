// Quantized FULLY_CONNECTED against TFLite 2.9: int8 and uint8 (non-zero
// input/weights/output zero points), batch > 1, keep_num_dims, optional bias,
// fused activations, input sizes that are and are not multiples of 4, large
// and small multipliers, MobileNet's classifier, 1 and 2 threads. Optimized
// and reference kernels must match TFLite exactly (tolerance 0).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;

struct QFcCase {
  DataType type = DataType::kInt8;
  ir::Shape input_shape = {2, 8};
  int units = 5;
  bool keep_num_dims = false;
  bool bias = true;
  ir::Activation activation = ir::Activation::kNone;
  int input_zero_point = 3;
  int weights_zero_point = 0;
  int output_zero_point = -5;
  float output_range = 1.0f;
  int threads = 1;

  int input_size() const { return input_shape.back(); }
  std::string Label() const {
    return std::string("FC ") + ir::DataTypeName(type) +
           " input=" + ir::ShapeToString(input_shape) + " units=" + std::to_string(units) +
           (keep_num_dims ? " keep_num_dims" : "") + (bias ? " bias" : " no-bias") +
           " act=" + ir::ActivationName(activation) +
           " zp in/w/out=" + std::to_string(input_zero_point) + "/" +
           std::to_string(weights_zero_point) + "/" + std::to_string(output_zero_point) +
           " range=" + std::to_string(output_range) + " threads=" + std::to_string(threads);
  }
};

std::vector<int32_t> RandomInts(size_t n, uint32_t seed, int lo, int hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int32_t> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

ir::Graph BuildQuantizedFc(const QFcCase& c, uint32_t seed) {
  writer::GraphBuilder b;
  const float input_scale = 0.05f, weights_scale = 0.0137f;
  ir::Quantization in_q;
  in_q.scale = {input_scale};
  in_q.zero_point = {c.input_zero_point};
  const int input = b.AddInput(c.type, c.input_shape, "input", in_q);
  ir::Quantization w_q;
  w_q.scale = {weights_scale};
  w_q.zero_point = {c.weights_zero_point};
  const size_t count = static_cast<size_t>(c.units) * c.input_size();
  const std::vector<int32_t> raw = RandomInts(count, seed, c.type == DataType::kInt8 ? -127 : 0,
                                              c.type == DataType::kInt8 ? 127 : 255);
  int weights;
  if (c.type == DataType::kInt8) {
    weights = b.AddConstant<int8_t>({c.units, c.input_size()},
                                    std::vector<int8_t>(raw.begin(), raw.end()), "weights", w_q);
  } else {
    weights = b.AddConstant<uint8_t>({c.units, c.input_size()},
                                     std::vector<uint8_t>(raw.begin(), raw.end()), "weights", w_q);
  }
  int bias = ir::kNoTensor;
  if (c.bias) {
    ir::Quantization b_q;
    b_q.scale = {input_scale * weights_scale};
    b_q.zero_point = {0};
    const int range = 4096 * static_cast<int>(std::sqrt(c.input_size()) + 1);
    bias = b.AddConstant<int32_t>({c.units}, RandomInts(c.units, seed + 1, -range, range), "bias",
                                  b_q);
  }
  ir::Shape output_shape;
  if (c.keep_num_dims) {
    output_shape = c.input_shape;
    output_shape.back() = c.units;
  } else {
    output_shape = {static_cast<int32_t>(ir::NumElements(c.input_shape) / c.input_size()), c.units};
  }
  ir::Quantization out_q;
  out_q.scale = {input_scale * weights_scale * std::sqrt(static_cast<float>(c.input_size())) * 74 *
                 74 / 64 * c.output_range};
  out_q.zero_point = {c.output_zero_point};
  const int output = b.AddTensor(c.type, output_shape, "output", out_q);
  ir::FullyConnectedOptions options;
  options.activation = c.activation;
  options.keep_num_dims = c.keep_num_dims;
  // Version 5: keep_num_dims (int8 needs 4).
  b.AddNode(ir::OpType::kFullyConnected, {input, weights, bias}, {output}, options, 5);
  b.MarkOutput(output);
  return b.Build();
}

::testing::AssertionResult Check(const QFcCase& c, uint32_t seed) {
  test::CompareOptions options;
  options.seed = seed;
  options.num_threads = c.threads;
  options.input_min = c.type == DataType::kUInt8 ? 0.0f : -128.0f;
  options.input_max = c.type == DataType::kUInt8 ? 255.0f : 127.0f;
  options.label = c.Label();
  return test::BothKernelsMatchTfLite(BuildQuantizedFc(c, seed), options, 0.0);
}

constexpr ir::Activation kActivations[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                           ir::Activation::kRelu6, ir::Activation::kReluN1To1};

void Sweep(DataType type) {
  const ir::Shape input_shapes[] = {{1, 1}, {1, 3}, {2, 8}, {1, 13}, {3, 32}, {2, 3, 5}, {7, 64}};
  int index = 0;
  for (const ir::Shape& shape : input_shapes) {
    for (int units : {1, 5, 16, 17, 70}) {
      QFcCase c;
      c.type = type;
      c.input_shape = shape;
      c.units = units;
      c.keep_num_dims = index % 3 == 1;
      c.bias = index % 5 != 2;
      c.activation = kActivations[index % 4];
      c.threads = 1 + index % 2;
      const float ranges[] = {1.0f, 0.3f, 4.0f, 1e-3f};
      c.output_range = ranges[index % 4];
      if (type == DataType::kInt8) {
        const int zps[][2] = {{3, -5}, {-128, 127}, {0, 0}, {100, -90}};
        c.input_zero_point = zps[(index / 2) % 4][0];
        c.output_zero_point = zps[(index / 2) % 4][1];
      } else {
        const int zps[][3] = {{128, 120, 130}, {0, 255, 0}, {255, 0, 255}, {37, 201, 90}};
        c.input_zero_point = zps[(index / 2) % 4][0];
        c.weights_zero_point = zps[(index / 2) % 4][1];
        c.output_zero_point = zps[(index / 2) % 4][2];
      }
      ++index;
      EXPECT_TRUE(Check(c, 300 + index));
    }
  }
}

TEST(QuantizedFullyConnectedTest, Int8Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(DataType::kInt8);
}

TEST(QuantizedFullyConnectedTest, UInt8Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  Sweep(DataType::kUInt8);
}

// MobileNetV2's classifier (1280 -> 1001), in both model forms, and a batch.
TEST(QuantizedFullyConnectedTest, MobileNetClassifier) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  int index = 0;
  for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
    for (int batch : {1, 3}) {
      QFcCase c;
      c.type = type;
      c.input_shape = {batch, 1280};
      c.units = 1001;
      c.input_zero_point = type == DataType::kInt8 ? -128 : 0;
      c.weights_zero_point = type == DataType::kInt8 ? 0 : 113;
      c.output_zero_point = type == DataType::kInt8 ? -20 : 60;
      c.threads = 2;
      ++index;
      EXPECT_TRUE(Check(c, 800 + index));
    }
  }
}

}  // namespace
}  // namespace vkd
