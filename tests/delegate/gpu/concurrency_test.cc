// A bounded soak of the standalone front door: several threads, each with
// its own ModelRunner on one shared GPU context (one device, one queue), run
// interleaved invokes with different inputs; every output equals the CPU
// interpreter's for the same input, and the validation layer stays silent.
// (Interpreters sharing one delegate inside TFLite: tests/delegate/tflite/.)
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>

#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

// CONV_2D -> DEPTHWISE_CONV_2D -> MEAN -> FULLY_CONNECTED -> SOFTMAX.
ir::Graph Model() {
  writer::GraphBuilder b;
  const int x = b.AddInput(ir::DataType::kFloat32, {1, 12, 12, 3}, "x");
  const int w = b.AddConstant<float>({16, 3, 3, 3}, test::RandomFloats(16 * 27, 1, -0.3f, 0.3f));
  const int bias = b.AddConstant<float>({16}, test::RandomFloats(16, 2));
  const int c = b.AddTensor(ir::DataType::kFloat32, {1, 12, 12, 16}, "conv");
  ir::Conv2DOptions co;
  co.activation = ir::Activation::kRelu6;
  b.AddNode(ir::OpType::kConv2d, {x, w, bias}, {c}, co);
  const int dw = b.AddConstant<float>({1, 3, 3, 16}, test::RandomFloats(144, 3, -0.3f, 0.3f));
  const int d = b.AddTensor(ir::DataType::kFloat32, {1, 6, 6, 16}, "dw");
  ir::DepthwiseConv2DOptions dwo;
  dwo.stride_h = dwo.stride_w = 2;
  b.AddNode(ir::OpType::kDepthwiseConv2d, {c, dw, bias}, {d}, dwo);
  const int axes = b.AddConstant<int32_t>({2}, {1, 2});
  const int m = b.AddTensor(ir::DataType::kFloat32, {1, 16}, "mean");
  b.AddNode(ir::OpType::kMean, {d, axes}, {m}, ir::ReducerOptions{});
  const int fw = b.AddConstant<float>({10, 16}, test::RandomFloats(160, 4, -0.3f, 0.3f));
  const int f = b.AddTensor(ir::DataType::kFloat32, {1, 10}, "fc");
  b.AddNode(ir::OpType::kFullyConnected, {m, fw, ir::kNoTensor}, {f}, ir::FullyConnectedOptions{});
  const int out = b.AddTensor(ir::DataType::kFloat32, {1, 10}, "out");
  b.AddNode(ir::OpType::kSoftmax, {f}, {out}, ir::SoftmaxOptions{1.0f});
  b.MarkOutput(out);
  return b.Build();
}

std::vector<float> InvokeWith(ModelRunner& r, uint32_t seed) {
  const std::vector<float> x = test::RandomFloats(12 * 12 * 3, seed);
  std::memcpy(r.input_data(0), x.data(), x.size() * sizeof(float));
  if (!r.Invoke().ok()) return {};
  const float* o = reinterpret_cast<const float*>(r.output_data(0));
  return std::vector<float>(o, o + 10);
}

TEST(GpuConcurrencyTest, RunnersSharingAContextInThreads) {
  VKD_REQUIRE_GPU();
  constexpr int kThreads = 4, kInvokes = 15;
  const int errors_before = test::GpuValidationErrors();
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RunnerOptions gpu_options, cpu_options;
      gpu_options.shared_context = test::SharedGpuContext();
      cpu_options.use_gpu = false;
      auto gpu = ModelRunner::Create(Model(), gpu_options);
      auto cpu = ModelRunner::Create(Model(), cpu_options);
      if (!gpu.ok() || !cpu.ok() || !(*gpu)->AllocateTensors().ok() ||
          !(*cpu)->AllocateTensors().ok() || !(*gpu)->gpu_active()) {
        ++failures;
        return;
      }
      for (int i = 0; i < kInvokes; ++i) {
        const uint32_t seed = 1000u * t + i;
        const std::vector<float> a = InvokeWith(**gpu, seed), b = InvokeWith(**cpu, seed);
        if (a.empty() || a.size() != b.size()) {
          ++failures;
          continue;
        }
        for (size_t k = 0; k < a.size(); ++k) {
          if (std::fabs(a[k] - b[k]) > 1e-5) ++mismatches;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(test::GpuValidationErrors(), errors_before);
}

}  // namespace
}  // namespace vkd
