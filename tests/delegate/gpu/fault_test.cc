// Faults injected into the GPU runtime (gpu_runtime/fault_injection.h),
// through the standalone front door (ModelRunner): a partition that cannot
// be compiled (out of memory, a pipeline the driver refuses) falls back to
// the CPU at AllocateTensors with a reason; a device that fails at run time
// (lost, a fence timeout) has that invoke and every later one answered by
// the CPU kernels. Outputs always equal a CPU-only run. The plug-in's side is
// in tests/delegate/tflite/tflite_host_test.cc.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

// CONV_2D 3x3 -> FULLY_CONNECTED -> SOFTMAX, all on the GPU when it works.
ir::Graph Model() {
  writer::GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, {1, 6, 6, 3}, "x");
  const int w = b.AddConstant<float>({8, 3, 3, 3}, test::RandomFloats(8 * 27, 1, -0.3f, 0.3f));
  const int bias = b.AddConstant<float>({8}, test::RandomFloats(8, 2));
  const int c = b.AddTensor(ir::DataType::kFloat32, {1, 6, 6, 8}, "conv");
  ir::Conv2DOptions co;
  co.activation = ir::Activation::kRelu;
  b.AddNode(ir::OpType::kConv2d, {in, w, bias}, {c}, co);
  const int fw = b.AddConstant<float>({10, 288}, test::RandomFloats(2880, 3, -0.1f, 0.1f));
  const int f = b.AddTensor(ir::DataType::kFloat32, {1, 10}, "fc");
  b.AddNode(ir::OpType::kFullyConnected, {c, fw, ir::kNoTensor}, {f}, ir::FullyConnectedOptions{});
  const int out = b.AddTensor(ir::DataType::kFloat32, {1, 10}, "out");
  b.AddNode(ir::OpType::kSoftmax, {f}, {out}, ir::SoftmaxOptions{1.0f});
  b.MarkOutput(out);
  return b.Build();
}

std::unique_ptr<ModelRunner> NewRunner(bool gpu) {
  RunnerOptions ro;
  ro.use_gpu = gpu;
  ro.gpu.enable_validation = true;
  ro.gpu.tuning = gpu_delegate::GpuOptions::Tuning::kOff;
  ro.warn_on_fallback = false;
  auto r = ModelRunner::Create(Model(), ro);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<float> InvokeWith(ModelRunner& r, uint32_t seed) {
  const std::vector<float> x = test::RandomFloats(108, seed);
  std::memcpy(r.input_data(0), x.data(), x.size() * sizeof(float));
  Status s = r.Invoke();
  EXPECT_TRUE(s.ok()) << s.ToString();
  const float* o = reinterpret_cast<const float*>(r.output_data(0));
  return std::vector<float>(o, o + 10);
}

void ExpectNear(const std::vector<float>& a, const std::vector<float>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << what << " element " << i;
}

class GpuFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VKD_REQUIRE_GPU();
    cpu_ = NewRunner(false);
    ASSERT_TRUE(cpu_ && cpu_->AllocateTensors().ok());
  }
  void TearDown() override { ::unsetenv("VKD_INJECT_FAULT"); }
  std::unique_ptr<ModelRunner> cpu_;
};

TEST_F(GpuFaultTest, PrepareFaultsFallBackToTheCpu) {
  for (const char* fault : {"alloc", "pipeline", "alloc@3"}) {
    SCOPED_TRACE(fault);
    ::setenv("VKD_INJECT_FAULT", (std::string(fault) + ";prepare").c_str(), 1);
    auto gpu = NewRunner(true);
    ASSERT_TRUE(gpu);
    ASSERT_TRUE(gpu->AllocateTensors().ok());
    EXPECT_FALSE(gpu->gpu_active());
    EXPECT_NE(gpu->gpu_fallback_reason().find("injected fault"), std::string::npos)
        << gpu->gpu_fallback_reason();
    ExpectNear(InvokeWith(*gpu, 5), InvokeWith(*cpu_, 5), fault);
    ::unsetenv("VKD_INJECT_FAULT");
  }
}

// A partition over the GPU memory budget is a prepare-time failure like any
// other: the model runs on the CPU, and the reason gives figure and limit.
TEST_F(GpuFaultTest, GpuMemoryBudgetMovesThePartitionToTheCpu) {
  RunnerOptions ro;
  ro.gpu.enable_validation = true;
  ro.gpu.memory_budget_bytes = 1024;
  ro.warn_on_fallback = false;
  auto gpu = ModelRunner::Create(Model(), ro);
  ASSERT_TRUE(gpu.ok());
  ASSERT_TRUE((*gpu)->AllocateTensors().ok());
  EXPECT_FALSE((*gpu)->gpu_active());
  EXPECT_NE((*gpu)->gpu_fallback_reason().find("over the GPU memory budget"), std::string::npos)
      << (*gpu)->gpu_fallback_reason();
  ExpectNear(InvokeWith(**gpu, 11), InvokeWith(*cpu_, 11), "budget");
}

TEST_F(GpuFaultTest, DeviceFailureAtInvokeIsAnsweredOnTheCpu) {
  for (const char* fault : {"device_lost", "timeout"}) {
    SCOPED_TRACE(fault);
    auto gpu = NewRunner(true);
    ASSERT_TRUE(gpu && gpu->AllocateTensors().ok());
    ASSERT_TRUE(gpu->gpu_active());
    ExpectNear(InvokeWith(*gpu, 6), InvokeWith(*cpu_, 6), "before the fault");
    ::setenv("VKD_INJECT_FAULT", (std::string(fault) + ";invoke").c_str(), 1);
    for (uint32_t seed : {7u, 8u, 9u})
      ExpectNear(InvokeWith(*gpu, seed), InvokeWith(*cpu_, seed), fault);
    EXPECT_FALSE(gpu->gpu_active());
    EXPECT_NE(gpu->gpu_fallback_reason().find("GPU invoke failed"), std::string::npos)
        << gpu->gpu_fallback_reason();
    ::unsetenv("VKD_INJECT_FAULT");
    // Later invokes stay on the CPU (the device is not trusted again).
    ExpectNear(InvokeWith(*gpu, 10), InvokeWith(*cpu_, 10), "after the fault");
  }
}

}  // namespace
}  // namespace vkd
