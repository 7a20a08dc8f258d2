// Kernel variant choice on a real Vulkan device (lavapipe here): tuning with
// timestamp queries picks one of the variants, remembers it per device and
// shape in the cache directory, and a later start reuses it; forcing and
// "off" bypass it; an unusable cache file costs a re-measurement, never a
// hang or a wrong result. Outputs always equal the CPU interpreter's.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "delegate/model_runner.h"
#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

namespace fs = std::filesystem;

// FULLY_CONNECTED 1x640 -> 96 (GEMM variants) then SOFTMAX (its variants).
ir::Graph FcSoftmax() {
  writer::GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, {1, 640}, "x");
  const int w = b.AddConstant<float>({96, 640}, test::RandomFloats(96 * 640, 5, -0.1f, 0.1f));
  const int bias = b.AddConstant<float>({96}, test::RandomFloats(96, 6));
  const int fc = b.AddTensor(ir::DataType::kFloat32, {1, 96}, "fc");
  b.AddNode(ir::OpType::kFullyConnected, {in, w, bias}, {fc}, ir::FullyConnectedOptions{}, 1);
  const int out = b.AddTensor(ir::DataType::kFloat32, {1, 96}, "out");
  b.AddNode(ir::OpType::kSoftmax, {fc}, {out}, ir::SoftmaxOptions{1.0f}, 1);
  b.MarkOutput(out);
  return b.Build();
}

struct RunResult {
  std::vector<float> output;
  std::vector<gpu_delegate::KernelProfile> kernels;  // variant and chosen_by per kernel
  int tuned_shapes = 0;
};

RunResult RunOnce(const gpu_delegate::GpuOptions& gpu, bool use_gpu = true) {
  RunnerOptions ro;
  ro.use_gpu = use_gpu;
  ro.gpu = gpu;
  ro.gpu.enable_validation = true;
  ro.warn_on_fallback = false;
  RunResult r;
  auto runner = ModelRunner::Create(FcSoftmax(), ro);
  EXPECT_TRUE(runner.ok()) << runner.status().ToString();
  if (!runner.ok()) return r;
  EXPECT_TRUE((*runner)->AllocateTensors().ok());
  const std::vector<float> x = test::RandomFloats(640, 9);
  std::memcpy((*runner)->input_data(0), x.data(), x.size() * sizeof(float));
  EXPECT_TRUE((*runner)->Invoke().ok());
  const float* o = reinterpret_cast<const float*>((*runner)->output_data(0));
  r.output.assign(o, o + 96);
  if (use_gpu) {
    EXPECT_TRUE((*runner)->gpu_active()) << (*runner)->gpu_fallback_reason();
    EXPECT_EQ((*runner)->gpu_context()->instance().validation_error_count(), 0);
    for (const auto& p : (*runner)->partitions()) {
      for (const auto& k : p->profile()) r.kernels.push_back(k);
      r.tuned_shapes += p->init_stats().tuned_shapes;
    }
  }
  return r;
}

void ExpectNear(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << "element " << i;
}

class GpuTuningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VKD_REQUIRE_GPU();
    dir_ = fs::temp_directory_path() /
           ("vkd_tuning_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    cpu_ = RunOnce({}, /*use_gpu=*/false).output;
  }
  void TearDown() override { fs::remove_all(dir_); }
  gpu_delegate::GpuOptions Options(gpu_delegate::GpuOptions::Tuning t) const {
    gpu_delegate::GpuOptions o;
    o.cache_dir = dir_.string();
    o.tuning = t;
    return o;
  }
  fs::path dir_;
  std::vector<float> cpu_;
};

TEST_F(GpuTuningTest, TunesRemembersAndReuses) {
  const RunResult first = RunOnce(Options(gpu_delegate::GpuOptions::Tuning::kFull));
  ASSERT_EQ(first.kernels.size(), 2u);
  EXPECT_EQ(first.tuned_shapes, 2);
  for (const auto& k : first.kernels) {
    EXPECT_EQ(k.chosen_by, "tuned") << k.name;
    EXPECT_FALSE(k.variant.empty()) << k.name;
  }
  ExpectNear(first.output, cpu_);
  ASSERT_TRUE(fs::exists(dir_ / "kernel_choices.tsv"));

  // A new context (a later start) takes the remembered choices.
  const RunResult second = RunOnce(Options(gpu_delegate::GpuOptions::Tuning::kFull));
  ASSERT_EQ(second.kernels.size(), 2u);
  EXPECT_EQ(second.tuned_shapes, 0);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(second.kernels[i].chosen_by, "tuned-cache");
    EXPECT_EQ(second.kernels[i].variant, first.kernels[i].variant);
  }
  ExpectNear(second.output, cpu_);
}

TEST_F(GpuTuningTest, ForcedAndOffSkipTuning) {
  gpu_delegate::GpuOptions o = Options(gpu_delegate::GpuOptions::Tuning::kFull);
  o.force_variants = {"gemm_ksplit4", "softmax_wg"};
  const RunResult forced = RunOnce(o);
  ASSERT_EQ(forced.kernels.size(), 2u);
  EXPECT_EQ(forced.kernels[0].variant, "gemm_ksplit4");
  EXPECT_EQ(forced.kernels[1].variant, "softmax_wg");
  for (const auto& k : forced.kernels) EXPECT_EQ(k.chosen_by, "forced");
  EXPECT_EQ(forced.tuned_shapes, 0);
  ExpectNear(forced.output, cpu_);

  const RunResult off = RunOnce(Options(gpu_delegate::GpuOptions::Tuning::kOff));
  for (const auto& k : off.kernels) EXPECT_EQ(k.chosen_by, "heuristic");
  EXPECT_FALSE(fs::exists(dir_ / "kernel_choices.tsv"));
  ExpectNear(off.output, cpu_);
  // kAuto leaves CPU devices such as lavapipe to the heuristics.
  if (test::SharedGpuContext()->device().info().kind == gpu::DeviceKind::kCpu) {
    const RunResult autom = RunOnce(Options(gpu_delegate::GpuOptions::Tuning::kAuto));
    for (const auto& k : autom.kernels) EXPECT_EQ(k.chosen_by, "heuristic");
  }
}

TEST_F(GpuTuningTest, UnusableCacheIsMeasuredAgain) {
  // Garbage, a line of another device, a variant that does not exist.
  {
    std::ofstream f(dir_ / "kernel_choices.tsv");
    f << "garbage\n\t\t\t\nother device\tkey\tgemm_tiled\t1\n";
  }
  const RunResult garbage = RunOnce(Options(gpu_delegate::GpuOptions::Tuning::kFull));
  for (const auto& k : garbage.kernels) EXPECT_EQ(k.chosen_by, "tuned") << k.name;
  ExpectNear(garbage.output, cpu_);

  // A FIFO in its place must not block start-up.
  fs::remove(dir_ / "kernel_choices.tsv");
  ASSERT_EQ(::mkfifo((dir_ / "kernel_choices.tsv").c_str(), 0600), 0);
  gpu_delegate::GpuOptions o = Options(gpu_delegate::GpuOptions::Tuning::kFull);
  o.force_variants = {"gemm_reg4x4", "softmax_pixel"};  // keep it quick: no measuring
  const RunResult fifo = RunOnce(o);
  ExpectNear(fifo.output, cpu_);
}

}  // namespace
}  // namespace vkd

namespace vkd {
namespace {

// The tuning cache never outgrows what a later start will read: near half
// the loader's limit it is rewritten with this device's choices only.
TEST(KernelChoicesTest, FileIsRewrittenBeforeItOutgrowsTheLoader) {
  const fs::path dir = fs::temp_directory_path() / ("vkd_choices_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "kernel_choices.tsv");
    const std::string other(200, 'x');
    for (size_t n = 0; n * 220 < gpu_delegate::KernelChoices::kMaxFileBytes / 2; ++n) {
      f << "other device\t" << other << n << "\tgemm_tiled\t1.00\n";
    }
  }
  gpu_delegate::KernelChoices choices(dir.string(), "this device");
  choices.Remember("shape", "gemm_ksplit8", 3.5);
  ASSERT_TRUE(choices.Save().ok());
  EXPECT_LT(fs::file_size(dir / "kernel_choices.tsv"), 1000u);
  gpu_delegate::KernelChoices reloaded(dir.string(), "this device");
  EXPECT_EQ(reloaded.Find("shape"), "gemm_ksplit8");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vkd
