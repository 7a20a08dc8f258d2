// FULLY_CONNECTED against TFLite 2.9 on every backend: float and hybrid (int8
// weights, inputs quantized symmetrically or asymmetrically) over input ranks,
// odd sizes, keep_num_dims, bias and fused activations; and, on the GPU, every
// GEMM variant the heuristics or the tuner may pick, forced.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/conv_cases.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

VKD_BACKEND_TEST_SUITE(FullyConnectedTest, kAllBackends);
VKD_BACKEND_TEST_SUITE(FullyConnectedGpuTest, kGpuBackends);

struct FullyConnectedCase {
  ir::Shape input_shape = {2, 5};
  int units = 3;
  bool keep_num_dims = false;
  bool bias = true;
  bool hybrid = false;
  bool asymmetric = false;
  ir::Activation activation = ir::Activation::kNone;

  int input_size() const { return input_shape.back(); }
  test::Bounds Bounds() const {
    return hybrid ? test::Bounds::Hybrid(input_size()) : test::Bounds::Dot(input_size());
  }

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
  const ir::Shape output_shape =
      test::FullyConnectedOutputShape(c.input_shape, c.units, c.keep_num_dims);
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

void RunSweep(const test::BackendTest& t, bool hybrid, bool asymmetric) {
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
        EXPECT_TRUE(t.Matches(BuildFullyConnected(c, 600 + index), options, c.Bounds()));
      }
    }
  }
}

TEST_P(FullyConnectedTest, FloatSweep) { RunSweep(*this, /*hybrid=*/false, /*asymmetric=*/false); }

TEST_P(FullyConnectedTest, HybridSymmetricSweep) {
  RunSweep(*this, /*hybrid=*/true, /*asymmetric=*/false);
}

TEST_P(FullyConnectedTest, HybridAsymmetricSweep) {
  RunSweep(*this, /*hybrid=*/true, /*asymmetric=*/true);
}

TEST_P(FullyConnectedTest, LargeThreaded) {
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
      EXPECT_TRUE(Matches(BuildFullyConnected(c, 31), options, c.Bounds()));
    }
  }
}

// TFLite 2.9 rejects TANH and SIGN_BIT on float FC, but its hybrid kernel
// applies them (ApplyActivationToVector). The GPU's kernels do not, so its
// support check leaves these nodes to the CPU (this once gave silently wrong
// answers on the GPU).
TEST_P(FullyConnectedTest, HybridTanhAndSignBit) {
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
      options.allow_cpu_nodes = true;
      test::CompareReport report;
      // On the CPU whatever the backend: the hybrid CPU bound everywhere.
      EXPECT_TRUE(Matches(BuildFullyConnected(c, 37), options, {1e-3, 1e-3, 1e-3}, &report));
      EXPECT_EQ(report.gpu_nodes, 0) << c.Label();
    }
  }
}

// Float FULLY_CONNECTED over shapes x units on the GPU with one kernel choice
// forced (`options` carries it); activations rotate.
void CheckGpuGemms(const test::BackendTest& t, const std::vector<ir::Shape>& shapes,
                   std::initializer_list<int> units_list, const test::CompareOptions& options,
                   const std::string& what) {
  int index = 0;
  for (const ir::Shape& shape : shapes) {
    for (int units : units_list) {
      FullyConnectedCase c;
      c.input_shape = shape;
      c.units = units;
      c.activation = kActivations[++index % 4];
      test::CompareOptions o = options;
      o.seed = index;
      o.label = what + " " + c.Label();
      EXPECT_TRUE(t.Matches(BuildFullyConnected(c, 80 + index), o, c.Bounds()));
    }
  }
}

// Every GEMM variant the heuristics or the tuner may pick (lower_conv.cc
// GemmVariants), forced on this device so that each is checked against
// TFLite: rows and channels around the 64 x 16 tiles and 16-channel steps
// of gemm_tiled, rows around the 4 and 8 rows per workgroup of the K-split
// kernels and K around their 64 invocations; then the same for 1x1 CONV_2D.
TEST_P(FullyConnectedGpuTest, EveryGemmVariant) {
  for (const char* variant : {"gemm_reg4x4", "gemm_tiled", "gemm_ksplit4", "gemm_ksplit8"}) {
    test::CompareOptions options;
    options.force_variant = variant;
    CheckGpuGemms(*this, {{1, 16}, {3, 7}, {65, 20}, {130, 33}, {1, 640}, {9, 260}, {5, 1280}},
                  {1, 5, 17, 64}, options, variant);
    for (int hw : {7, 9}) {
      test::ConvCase c;
      c.height = c.width = hw;
      c.filter_size = 1;
      c.input_channels = hw == 7 ? 320 : 24;
      c.output_channels = 40;
      c.activation = ir::Activation::kRelu6;
      ir::Graph graph;
      ASSERT_TRUE(test::BuildConv(c, 99, &graph));
      options.label = std::string(variant) + " " + c.Label();
      EXPECT_TRUE(Matches(graph, options, test::ConvBounds(c)));
    }
  }
}

// The shared-memory kernels real GPUs get by default, forced on this device.
TEST_P(FullyConnectedGpuTest, SharedMemoryTiledVariant) {
  test::CompareOptions options;
  options.shared_memory_kernels = true;
  CheckGpuGemms(*this, {{1, 16}, {65, 20}, {1, 640}}, {1, 17}, options, "shared-memory");
}

}  // namespace
}  // namespace vkd
