// FULLY_CONNECTED against TFLite 2.9: float and hybrid (int8 weights, inputs
// quantized symmetrically or asymmetrically) over input ranks, odd sizes,
// keep_num_dims, bias and fused activations. Optimized and reference kernels
// both run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

struct FullyConnectedCase {
  ir::Shape input_shape = {2, 5};
  int units = 3;
  bool keep_num_dims = false;
  bool bias = true;
  bool hybrid = false;
  bool asymmetric = false;
  ir::Activation activation = ir::Activation::kNone;

  int input_size() const { return input_shape.back(); }

  std::string Label() const {
    return "input=" + ir::ShapeToString(input_shape) + " units=" + std::to_string(units) +
           (keep_num_dims ? " keep_num_dims" : "") + (bias ? " bias" : " no-bias") +
           (hybrid ? (asymmetric ? " hybrid/asymmetric" : " hybrid/symmetric") : " float") +
           " act=" + ir::ActivationName(activation);
  }
};

ir::Graph BuildFullyConnected(const FullyConnectedCase& c, uint32_t seed) {
  writer::GraphBuilder b;
  const int input = b.AddInput(ir::DataType::kFloat32, c.input_shape);
  const int64_t weight_count = static_cast<int64_t>(c.units) * c.input_size();
  int weights;
  if (c.hybrid) {
    ir::Quantization q;
    q.scale = {0.0137f};
    q.zero_point = {0};
    weights = b.AddConstant<int8_t>({c.units, c.input_size()}, test::RandomInt8(weight_count, seed),
                                    "weights", q);
  } else {
    weights =
        b.AddConstant<float>({c.units, c.input_size()}, test::RandomFloats(weight_count, seed));
  }
  int bias = ir::kNoTensor;
  if (c.bias)
    bias = b.AddConstant<float>({c.units}, test::RandomFloats(c.units, seed + 1, -0.5f, 0.5f));
  ir::Shape output_shape;
  if (c.keep_num_dims) {
    output_shape = c.input_shape;
    output_shape.back() = c.units;
  } else {
    output_shape = {static_cast<int32_t>(ir::NumElements(c.input_shape) / c.input_size()), c.units};
  }
  const int output = b.AddTensor(ir::DataType::kFloat32, output_shape);
  ir::FullyConnectedOptions options;
  options.activation = c.activation;
  options.keep_num_dims = c.keep_num_dims;
  options.asymmetric_quantize_inputs = c.asymmetric;
  // Version 5 brings keep_num_dims (and covers hybrid weights, version 3).
  b.AddNode(ir::OpType::kFullyConnected, {input, weights, bias}, {output}, options, 5);
  b.MarkOutput(output);
  return b.Build();
}

constexpr ir::Activation kActivations[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                           ir::Activation::kRelu6, ir::Activation::kReluN1To1};

void RunSweep(bool hybrid, bool asymmetric, double tolerance) {
  const ir::Shape input_shapes[] = {{1, 1},  {1, 3},  {2, 8},    {1, 13},
                                    {2, 16}, {3, 33}, {2, 3, 5}, {1, 2, 2, 7}};
  int index = 0;
  for (const ir::Shape& shape : input_shapes) {
    for (int units : {1, 5, 16, 17}) {
      for (bool keep_num_dims : {false, true}) {
        FullyConnectedCase c;
        c.input_shape = shape;
        c.units = units;
        c.keep_num_dims = keep_num_dims;
        c.hybrid = hybrid;
        c.asymmetric = asymmetric;
        c.bias = index % 3 != 2;
        c.activation = kActivations[index % 4];
        ++index;
        test::CompareOptions options;
        options.seed = 4000 + index;
        options.label = c.Label();
        EXPECT_TRUE(
            test::BothKernelsMatchTfLite(BuildFullyConnected(c, 600 + index), options, tolerance));
      }
    }
  }
}

TEST(FullyConnectedTest, FloatSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  RunSweep(/*hybrid=*/false, /*asymmetric=*/false, 1e-5);
}

TEST(FullyConnectedTest, HybridSymmetricSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  RunSweep(/*hybrid=*/true, /*asymmetric=*/false, 1e-3);
}

TEST(FullyConnectedTest, HybridAsymmetricSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  RunSweep(/*hybrid=*/true, /*asymmetric=*/true, 1e-3);
}

TEST(FullyConnectedTest, LargeThreaded) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  for (bool hybrid : {false, true}) {
    for (int batch : {1, 7}) {
      FullyConnectedCase c;
      c.input_shape = {batch, 300};
      c.units = 77;
      c.hybrid = hybrid;
      c.activation = ir::Activation::kRelu;
      test::CompareOptions options;
      options.num_threads = 2;
      options.label = c.Label();
      EXPECT_TRUE(
          test::BothKernelsMatchTfLite(BuildFullyConnected(c, 31), options, hybrid ? 1e-3 : 1e-5));
    }
  }
}

// TFLite 2.9 rejects TANH and SIGN_BIT on float FC, but its hybrid kernel
// applies them (ApplyActivationToVector).
TEST(FullyConnectedTest, HybridTanhAndSignBit) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  for (ir::Activation activation : {ir::Activation::kTanh, ir::Activation::kSignBit}) {
    for (bool asymmetric : {false, true}) {
      FullyConnectedCase c;
      c.input_shape = {2, 9};
      c.units = 6;
      c.hybrid = true;
      c.asymmetric = asymmetric;
      c.activation = activation;
      test::CompareOptions options;
      options.label = c.Label();
      EXPECT_TRUE(test::BothKernelsMatchTfLite(BuildFullyConnected(c, 37), options, 1e-3));
    }
  }
}

}  // namespace
}  // namespace vkd
