// vkdelegate inside the real TFLite 2.9 C library, through both front doors:
//  (a) linked: VkdDelegateCreate + TfLiteInterpreterOptionsAddDelegate;
//  (b) plug-in: TFLite's external delegate (libexternal_delegate_obj.so,
//      TfLiteExternalDelegateCreate) dlopens libvkdelegate.so and calls
//      tflite_plugin_create_delegate, as benchmark_model and Python do.
// Every output is compared with the same TFLite without the delegate, on the
// same inputs. The validation layer is on; any validation error fails.
#include "tests/delegate/tflite/host_test_util.h"

namespace vkd {
namespace {

using namespace host_test;  // NOLINT(build/namespaces): the tests' own helpers

// --- the models ------------------------------------------------------------------------------

struct ModelCase {
  const char* name;  // a ../shared model, or "zoo:<name>", or "dequantized:<quant model>"
  double tolerance;  // relative; the GPU path's bounds (tests/models/gpu_models_test.cc)
};
void PrintTo(const ModelCase& c, std::ostream* os) { *os << c.name; }

// The model's bytes; empty (with a skip reason) when ../shared is missing.
std::vector<uint8_t> LoadCase(const std::string& name, std::string* skip) {
  if (name.rfind("zoo:", 0) == 0) {
    auto g = tools::MakeZooModel(name.substr(4));
    if (!g.ok()) return {};
    auto bytes = writer::SerializeGraph(*g);
    return bytes.ok() ? *bytes : std::vector<uint8_t>{};
  }
  if (name.rfind("dequantized:", 0) == 0) {
    const std::string path = SharedPath("models/" + name.substr(12) + ".tflite");
    auto m = reader::ReadModelFile(path);
    if (!m.ok()) {
      *skip = path + " not present (../shared is missing)";
      return {};
    }
    auto deq = transform::DequantizeModel(m->graph);
    if (!deq.ok()) return {};
    auto bytes = writer::SerializeGraph(deq->graph);
    return bytes.ok() ? *bytes : std::vector<uint8_t>{};
  }
  const std::string path = SharedPath("models/" + name + ".tflite");
  if (!std::ifstream(path)) {
    *skip = path + " not present (../shared is missing)";
    return {};
  }
  return ReadBytes(path);
}

class HostModelTest : public ::testing::TestWithParam<ModelCase> {
 protected:
  void SetUp() override {
    if (NoVulkanRun()) GTEST_SKIP() << "the no-Vulkan run checks only the fallback";
    std::string skip;
    model_ = LoadCase(GetParam().name, &skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    ASSERT_FALSE(model_.empty()) << "could not make " << GetParam().name;
    reference_ = NewRunner(model_, {});
    ASSERT_TRUE(reference_);
    errors_before_ = VkdValidationErrorCount();
  }
  void TearDown() override {
    EXPECT_EQ(VkdValidationErrorCount(), errors_before_) << "Vulkan validation errors (stderr)";
  }

  // Three invokes with different inputs: each must match (no stale data, a
  // replayed command buffer sees the new inputs).
  void CheckInvokes(tools::TfLiteRunner& ours) {
    for (uint32_t rep = 0; rep < 3; ++rep) {
      const double err = RunAndCompare(ours, *reference_, RandomInputs(*reference_, 100 + rep));
      EXPECT_LE(err, GetParam().tolerance) << GetParam().name << ", invoke " << rep;
      if (rep == 0) std::printf("%s: max relative error %.3g\n", GetParam().name, err);
    }
  }

  std::vector<uint8_t> model_;
  std::unique_ptr<tools::TfLiteRunner> reference_;
  int64_t errors_before_ = 0;
};

TEST_P(HostModelTest, LinkedDelegateRunsEveryNodeAndMatchesTfLite) {
  DelegatePtr delegate = NewDelegate();
  ASSERT_TRUE(delegate);
  auto ours = NewDelegatedRunner(model_, delegate.get());
  ASSERT_TRUE(ours);
  EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), NodeCount(model_));
  EXPECT_EQ(VkdDelegatePartitions(delegate.get()), 1);
  CheckInvokes(*ours);
}

TEST_P(HostModelTest, ExternalDelegatePluginMatchesTfLite) {
  tools::TfLiteRunOptions o;
  o.external_delegate_path = VKD_DELEGATE_LIBRARY;
  o.external_delegate_options = TestPluginOptions();
  auto ours = NewRunner(model_, o);
  ASSERT_TRUE(ours);
  CheckInvokes(*ours);
}

INSTANTIATE_TEST_SUITE_P(
    Models, HostModelTest,
    ::testing::Values(ModelCase{"vww_96_float", 1e-4}, ModelCase{"pretrainedResnet", 1e-4},
                      ModelCase{"ad01_fp32", 1e-4},
                      // Hybrid: TFLite quantizes activations to
                      // int8 on every invoke, the GPU keeps them
                      // float: about 1/127 of the range apart.
                      ModelCase{"kws_ref_model_float32", 1.5e-2},
                      ModelCase{"mobilenet_v2_1.0_224", 1.5e-2},
                      ModelCase{"zoo:mobilenet_v2_1.0_224", 1e-4},
                      ModelCase{"dequantized:mobilenet_v2_1.0_224_quant", 1e-4}),
    [](const auto& info) {
      std::string n = info.param.name;
      std::replace_if(
          n.begin(), n.end(), [](char ch) { return !isalnum(ch); }, '_');
      return n;
    });

TEST_F(HostTest, UnsupportedOpStaysInTfLiteBetweenTwoPartitions) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  ASSERT_FALSE(model.empty());
  auto reference = NewRunner(model, {});
  DelegatePtr delegate = NewDelegate();
  auto ours = NewDelegatedRunner(model, delegate.get());
  ASSERT_TRUE(reference && ours);
  EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 2);
  EXPECT_EQ(VkdDelegatePartitions(delegate.get()), 2);
  EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 7)), 1e-5);
}

// Faults injected into the GPU runtime (gpu_runtime/fault_injection.h)
// inside the host: partitions whose GPU kernels cannot be compiled, or whose
// device fails at run time, are answered by vkdelegate's CPU kernels, so
// TFLite's AllocateTensors and Invoke succeed with TFLite's answers (the
// standalone side is tests/delegate/gpu/fault_test.cc).
class HostFaultTest : public HostTest {
 protected:
  void TearDown() override {
    ::unsetenv("VKD_INJECT_FAULT");
    HostTest::TearDown();
  }
};

TEST_F(HostFaultTest, PrepareFaultsFallBackToTheCpu) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  auto reference = NewRunner(model, {});
  ASSERT_TRUE(reference);
  for (const char* fault : {"pipeline", "alloc"}) {
    SCOPED_TRACE(fault);
    ::setenv("VKD_INJECT_FAULT", (std::string(fault) + ";host-prepare").c_str(), 1);
    DelegatePtr delegate = NewDelegate();
    auto ours = NewDelegatedRunner(model, delegate.get());
    ASSERT_TRUE(ours) << "AllocateTensors must not fail";
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 21)), 1e-5);
    ::unsetenv("VKD_INJECT_FAULT");
  }
}

TEST_F(HostFaultTest, DeviceFailureAtInvokeIsAnsweredOnTheCpu) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  auto reference = NewRunner(model, {});
  ASSERT_TRUE(reference);
  for (const char* fault : {"device_lost", "timeout"}) {
    SCOPED_TRACE(fault);
    DelegatePtr delegate = NewDelegate();
    auto ours = NewDelegatedRunner(model, delegate.get());
    ASSERT_TRUE(ours);
    EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 2);
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 22)), 1e-5);
    ::setenv("VKD_INJECT_FAULT", (std::string(fault) + ";host-invoke").c_str(), 1);
    for (uint32_t seed : {23u, 24u, 25u}) {
      EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, seed)), 1e-5);
    }
    ::unsetenv("VKD_INJECT_FAULT");
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 26)), 1e-5);
  }
}

TEST_F(HostTest, PartitionLimitsAreHonoured) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  auto reference = NewRunner(model, {});
  ASSERT_TRUE(reference);
  {
    VkdDelegateOptions opt = TestOptions();
    opt.max_partitions = 1;
    DelegatePtr delegate = NewDelegate(opt);
    auto ours = NewDelegatedRunner(model, delegate.get());
    ASSERT_TRUE(ours);
    EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 1);
    EXPECT_EQ(VkdDelegatePartitions(delegate.get()), 1);
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 8)), 1e-5);
  }
  {
    VkdDelegateOptions opt = TestOptions();
    opt.min_nodes_per_partition = 2;
    DelegatePtr delegate = NewDelegate(opt);
    auto ours = NewDelegatedRunner(model, delegate.get());
    ASSERT_TRUE(ours);
    EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 0);
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 9)), 0.0);
  }
}

// A bounded soak inside the host: interpreters on several threads share one
// delegate (one device, shared pipelines and caches), each with its own
// reference interpreter, and every invoke matches TFLite.
TEST_F(HostTest, InterpretersSharingADelegateInThreads) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  DelegatePtr delegate = NewDelegate();
  constexpr int kThreads = 4, kInvokes = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto reference = tools::TfLiteRunner::Create(model, {});
      tools::TfLiteRunOptions o;
      o.delegates = {delegate.get()};
      auto ours = tools::TfLiteRunner::Create(model, o);
      if (!reference.ok() || !ours.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < kInvokes; ++i) {
        const double err =
            RunAndCompare(**ours, **reference, RandomInputs(**reference, 100u * t + i));
        if (!(err <= 1e-5)) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 2);
}

// vww_96_float has a dynamic batch: the host resizes the input, TFLite
// re-prepares the delegate kernel, which re-plans its GPU partition.
TEST_F(HostTest, InputResizeReplansTheDelegate) {
  const std::string path = SharedPath("models/vww_96_float.tflite");
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  const std::vector<uint8_t> model = ReadBytes(path);
  auto reference = NewRunner(model, {});
  DelegatePtr delegate = NewDelegate();
  auto ours = NewDelegatedRunner(model, delegate.get());
  ASSERT_TRUE(reference && ours);
  EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 1)), 1e-4);
  for (int batch : {3, 1, 2}) {
    ASSERT_TRUE(ours->ResizeInputs({{batch, 96, 96, 3}}).ok());
    ASSERT_TRUE(reference->ResizeInputs({{batch, 96, 96, 3}}).ok());
    EXPECT_EQ(ours->GetOutput(0).shape, (ir::Shape{batch, 2}));
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 10 + batch)), 1e-4)
        << "batch " << batch;
  }
  EXPECT_GT(VkdDelegateNodesOnGpu(delegate.get()), 0);
}

TEST_F(HostTest, DeleteAndRecreate) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  auto reference = NewRunner(model, {});
  ASSERT_TRUE(reference);
  for (int round = 0; round < 3; ++round) {
    DelegatePtr delegate = NewDelegate();
    auto ours = NewDelegatedRunner(model, delegate.get());
    ASSERT_TRUE(ours);
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 20 + round)), 1e-5);
    ours.reset();  // the interpreter goes first, then its delegate
  }
}

TEST_F(HostTest, TwoInterpretersAtOnce) {
  const std::string path = SharedPath("models/pretrainedResnet.tflite");
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  const std::vector<uint8_t> resnet = ReadBytes(path), small = ConvSinConvModel();
  auto ref_resnet = NewRunner(resnet, {});
  auto ref_small = NewRunner(small, {});
  // One delegate serving two interpreters, and a second delegate beside them.
  DelegatePtr shared = NewDelegate(), other = NewDelegate();
  tools::TfLiteRunOptions a, b;
  a.delegates = {shared.get()};
  b.delegates = {other.get()};
  auto resnet1 = NewRunner(resnet, a);
  auto small1 = NewRunner(small, a);
  auto resnet2 = NewRunner(resnet, b);
  ASSERT_TRUE(ref_resnet && ref_small && resnet1 && small1 && resnet2);
  for (uint32_t rep = 0; rep < 2; ++rep) {
    EXPECT_LE(RunAndCompare(*resnet1, *ref_resnet, RandomInputs(*ref_resnet, 40 + rep)), 1e-4);
    EXPECT_LE(RunAndCompare(*small1, *ref_small, RandomInputs(*ref_small, 50 + rep)), 1e-5);
    EXPECT_LE(RunAndCompare(*resnet2, *ref_resnet, RandomInputs(*ref_resnet, 60 + rep)), 1e-4);
  }
}

// A quantized model in the host: by default the delegate leaves its int8/uint8
// ops to TFLite; with enable_quant it runs them in float on the GPU, and on a
// real image the class is TFLite's.
TEST_F(HostTest, QuantizedModelStaysInTfLiteUnlessEnableQuant) {
  const std::string path = SharedPath("models/mobilenet_v2_1.0_224_quant.tflite");
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not present (../shared is missing)";
  const std::vector<uint8_t> model = ReadBytes(path);
  auto img = tools::ReadBmp(SharedPath("images/cat.bmp"));
  ASSERT_TRUE(img.ok());
  const tools::HostTensor cat =
      tools::ImageToTensor(tools::ResizeBilinear(tools::CenterCropSquare(*img), 224, 224));
  auto reference = NewRunner(model, {});
  ASSERT_TRUE(reference);
  auto top1 = [](const tools::HostTensor& t) {
    return std::max_element(t.bytes.begin(), t.bytes.end()) - t.bytes.begin();
  };
  ASSERT_TRUE(reference->SetInput(0, cat).ok());
  ASSERT_TRUE(reference->Invoke().ok());
  const tools::HostTensor expected = reference->GetOutput(0);
  EXPECT_EQ(top1(expected), 286);  // Egyptian cat
  for (bool enable_quant : {false, true}) {
    VkdDelegateOptions opt = TestOptions();
    opt.enable_quant = enable_quant;
    DelegatePtr delegate = NewDelegate(opt);
    auto ours = NewDelegatedRunner(model, delegate.get());
    ASSERT_TRUE(ours);
    EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), enable_quant ? NodeCount(model) : 0);
    ASSERT_TRUE(ours->SetInput(0, cat).ok());
    ASSERT_TRUE(ours->Invoke().ok());
    const tools::HostTensor got = ours->GetOutput(0);
    EXPECT_EQ(top1(got), top1(expected)) << "enable_quant " << enable_quant;
    int max_diff = 0;
    for (size_t i = 0; i < got.bytes.size(); ++i) {
      max_diff = std::max(max_diff, std::abs(int(got.bytes[i]) - int(expected.bytes[i])));
    }
    std::printf("enable_quant %d: max |diff| %d LSB\n", enable_quant, max_diff);
    if (!enable_quant) {
      EXPECT_EQ(max_diff, 0);  // TFLite ran everything itself
    }
  }
}

}  // namespace
}  // namespace vkd
