// vkdelegate inside the real TFLite 2.9 C library, through both front doors:
//  (a) linked: VkdDelegateCreate + TfLiteInterpreterOptionsAddDelegate;
//  (b) plug-in: TFLite's external delegate (libexternal_delegate_obj.so,
//      TfLiteExternalDelegateCreate) dlopens libvkdelegate.so and calls
//      tflite_plugin_create_delegate, as benchmark_model and Python do.
// Every output is compared with the same TFLite without the delegate, on the
// same inputs. The validation layer is on; any validation error fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/host_tensor.h"
#include "bench/image.h"
#include "bench/model_zoo.h"
#include "bench/tflite_runner.h"
#include "model/reader/model_reader.h"
#include "model/transform/dequantize_model.h"
#include "model/writer/graph_builder.h"
#include "model/writer/model_writer.h"
#include "vkdelegate/vkdelegate.h"

namespace vkd {
namespace {

// CI's device is lavapipe, which vkdelegate uses only when asked for: these
// tests ask (unless the caller chose a device already).
const bool kAskForAnyDevice = ::setenv("VKD_DEVICE", "any", /*overwrite=*/0) == 0;

std::string SharedPath(const std::string& rel) { return std::string(VKD_SHARED_DIR) + "/" + rel; }

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

bool NoVulkanRun() {
  const char* v = std::getenv("VKD_EXPECT_NO_VULKAN");
  return v && std::string(v) == "1";
}

// Options every test delegate gets: validation on, a disk cache shared by the
// tests so that a re-created delegate does not recompile every shader.
VkdDelegateOptions TestOptions() {
  static const std::string cache = ::testing::TempDir() + "vkd_host_test_cache";
  VkdDelegateOptions o = VkdDelegateOptionsDefault();
  o.enable_validation = 1;
  o.cache_dir = cache.c_str();
  return o;
}

std::vector<std::pair<std::string, std::string>> TestPluginOptions() {
  return {{"validation", "true"},
          {"cache_dir", ::testing::TempDir() + "vkd_host_test_cache"},
          {"log_level", "info"}};
}

struct DelegateDeleter {
  void operator()(TfLiteDelegate* d) const { VkdDelegateDelete(d); }
};
using DelegatePtr = std::unique_ptr<TfLiteDelegate, DelegateDeleter>;

DelegatePtr NewDelegate(VkdDelegateOptions o = TestOptions()) {
  return DelegatePtr(VkdDelegateCreate(&o));
}

std::unique_ptr<tools::TfLiteRunner> NewRunner(const std::vector<uint8_t>& model,
                                               tools::TfLiteRunOptions options) {
  auto r = tools::TfLiteRunner::Create(model, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<tools::HostTensor> RandomInputs(const tools::TfLiteRunner& runner, uint32_t seed) {
  std::vector<tools::HostTensor> inputs;
  for (int i = 0; i < runner.num_inputs(); ++i) {
    const tools::HostTensor spec = runner.InputSpec(i);
    inputs.push_back(tools::RandomTensor(spec.type, spec.shape, seed + 31u * i, -1, 1));
  }
  return inputs;
}

// Sets the inputs, invokes, and returns the worst relative output error
// max |ours - ref| / max(1, max |ref|) against `reference` run on the same
// inputs.
double RunAndCompare(tools::TfLiteRunner& ours, tools::TfLiteRunner& reference,
                     const std::vector<tools::HostTensor>& inputs) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(ours.SetInput(static_cast<int>(i), inputs[i]).ok());
    EXPECT_TRUE(reference.SetInput(static_cast<int>(i), inputs[i]).ok());
  }
  Status s = ours.Invoke();
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = reference.Invoke();
  EXPECT_TRUE(s.ok()) << s.ToString();
  double worst = 0;
  for (int o = 0; o < reference.num_outputs(); ++o) {
    const tools::HostTensor a = ours.GetOutput(o), b = reference.GetOutput(o);
    EXPECT_EQ(a.shape, b.shape) << "output " << o;
    EXPECT_EQ(a.type, ir::DataType::kFloat32);
    if (a.bytes.size() != b.bytes.size() || a.type != ir::DataType::kFloat32) return INFINITY;
    double err = 0, ref = 0;
    for (int64_t k = 0; k < b.num_elements(); ++k) {
      const double x = a.as<float>()[k], y = b.as<float>()[k];
      err = std::isnan(x) != std::isnan(y) ? INFINITY : std::max(err, std::fabs(x - y));
      ref = std::max(ref, std::fabs(y));
    }
    worst = std::max(worst, err / std::max(1.0, ref));
  }
  return worst;
}

int NodeCount(const std::vector<uint8_t>& model) {
  auto m = reader::ReadModelFromBytes(model);
  return m.ok() ? static_cast<int>(m->graph.nodes.size()) : -1;
}

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
  tools::TfLiteRunOptions o;
  o.delegates = {delegate.get()};
  auto ours = NewRunner(model_, o);
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

// --- behaviour inside the host ---------------------------------------------------------------

class HostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (NoVulkanRun()) GTEST_SKIP() << "the no-Vulkan run checks only the fallback";
    errors_before_ = VkdValidationErrorCount();
  }
  void TearDown() override {
    EXPECT_EQ(VkdValidationErrorCount(), errors_before_) << "Vulkan validation errors (stderr)";
  }
  int64_t errors_before_ = 0;
};

// CONV_2D -> SIN -> CONV_2D: SIN is not a GPU op, so TFLite keeps running it
// between two delegated partitions.
std::vector<uint8_t> ConvSinConvModel() {
  writer::GraphBuilder g;
  const int in = g.AddInput(ir::DataType::kFloat32, {1, 8, 8, 4}, "in");
  auto conv = [&](int x, uint32_t seed, const std::string& name) {
    std::vector<float> w(4 * 3 * 3 * 4), b(4);
    for (size_t i = 0; i < w.size(); ++i) w[i] = 0.1f * std::sin(seed + 0.7f * i);
    for (size_t i = 0; i < b.size(); ++i) b[i] = 0.05f * i;
    const int wt = g.AddConstant<float>({4, 3, 3, 4}, w, name + "/w");
    const int bt = g.AddConstant<float>({4}, b, name + "/b");
    const int out = g.AddTensor(ir::DataType::kFloat32, {1, 8, 8, 4}, name);
    ir::Conv2DOptions o;
    o.activation = ir::Activation::kRelu;
    g.AddNode(ir::OpType::kConv2d, {x, wt, bt}, {out}, o);
    return out;
  };
  const int c1 = conv(in, 1, "conv1");
  const int e = g.AddTensor(ir::DataType::kFloat32, {1, 8, 8, 4}, "sin");
  g.AddNode(ir::OpType::kSin, {c1}, {e});
  const int c2 = conv(e, 2, "conv2");
  g.MarkOutput(c2);
  auto bytes = writer::SerializeGraph(g.Build());
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

TEST_F(HostTest, UnsupportedOpStaysInTfLiteBetweenTwoPartitions) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  ASSERT_FALSE(model.empty());
  auto reference = NewRunner(model, {});
  DelegatePtr delegate = NewDelegate();
  tools::TfLiteRunOptions o;
  o.delegates = {delegate.get()};
  auto ours = NewRunner(model, o);
  ASSERT_TRUE(reference && ours);
  EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 2);
  EXPECT_EQ(VkdDelegatePartitions(delegate.get()), 2);
  EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 7)), 1e-5);
}

// Faults injected into the GPU runtime (gpu_runtime/fault_injection.h)
// inside the host: partitions whose GPU kernels cannot be compiled, or whose
// device fails at run time, are answered by vkdelegate's CPU kernels, so
// TFLite's AllocateTensors and Invoke succeed with TFLite's answers (the
// standalone side is tests/gpu_ops/fault_test.cc).
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
    tools::TfLiteRunOptions o;
    o.delegates = {delegate.get()};
    auto ours = NewRunner(model, o);
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
    tools::TfLiteRunOptions o;
    o.delegates = {delegate.get()};
    auto ours = NewRunner(model, o);
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
    tools::TfLiteRunOptions o;
    o.delegates = {delegate.get()};
    auto ours = NewRunner(model, o);
    ASSERT_TRUE(ours);
    EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 1);
    EXPECT_EQ(VkdDelegatePartitions(delegate.get()), 1);
    EXPECT_LE(RunAndCompare(*ours, *reference, RandomInputs(*reference, 8)), 1e-5);
  }
  {
    VkdDelegateOptions opt = TestOptions();
    opt.min_nodes_per_partition = 2;
    DelegatePtr delegate = NewDelegate(opt);
    tools::TfLiteRunOptions o;
    o.delegates = {delegate.get()};
    auto ours = NewRunner(model, o);
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
  tools::TfLiteRunOptions o;
  o.delegates = {delegate.get()};
  auto ours = NewRunner(model, o);
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
    tools::TfLiteRunOptions o;
    o.delegates = {delegate.get()};
    auto ours = NewRunner(model, o);
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
    tools::TfLiteRunOptions o;
    o.delegates = {delegate.get()};
    auto ours = NewRunner(model, o);
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

// --- the plug-in ABI -------------------------------------------------------------------------

std::vector<std::string> g_reported;
void Report(const char* message) { g_reported.push_back(message); }

TfLiteDelegate* CreatePlugin(std::vector<std::pair<std::string, std::string>> kv,
                             size_t count_bits = 0) {
  std::vector<char*> keys, values;
  for (auto& [k, v] : kv) {
    keys.push_back(k.data());
    values.push_back(v.data());
  }
  const size_t count = count_bits ? count_bits : kv.size();
  return tflite_plugin_create_delegate(keys.data(), values.data(), count, &Report);
}

TEST(PluginOptionsTest, UnknownKeyOrBadValueIsReportedByName) {
  g_reported.clear();
  EXPECT_EQ(CreatePlugin({{"precision", "fp16"}, {"colour", "blue"}}), nullptr);
  ASSERT_EQ(g_reported.size(), 1u);
  EXPECT_NE(g_reported[0].find("unknown option 'colour'"), std::string::npos) << g_reported[0];
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"precision", "fp8"},          {"device", "first"},
      {"max_partitions", "-1"},      {"min_nodes_per_partition", "0"},
      {"enable_quant", "yes"},       {"log_level", "loud"},
      {"validation", "2"},           {"tuning", "sometimes"},
      {"gpu_memory_budget_mb", "-5"}, {"device", "-3"},
      {"is_precision_loss_allowed", "maybe"}, {"inference_priority1", "fastest"},
      {"inference_priority3", "4"},  {"inference_preference", "3"},
      {"experimental_flags", "16"},  {"max_delegated_partitions", "-1"}};
  for (const auto& kv : bad) {
    g_reported.clear();
    EXPECT_EQ(CreatePlugin({kv}), nullptr) << kv.first;
    ASSERT_EQ(g_reported.size(), 1u) << kv.first;
    EXPECT_NE(g_reported[0].find("'" + kv.first + "'"), std::string::npos) << g_reported[0];
    EXPECT_NE(g_reported[0].find("'" + kv.second + "'"), std::string::npos) << g_reported[0];
  }
}

TEST(PluginOptionsTest, EveryKeyIsAccepted) {
  g_reported.clear();
  TfLiteDelegate* d = CreatePlugin({{"precision", "fp16"},
                                    {"device", "any"},
                                    {"is_precision_loss_allowed", "1"},
                                    {"inference_preference", "sustained_speed"},
                                    {"inference_priority1", "min_latency"},
                                    {"inference_priority2", "max_precision"},
                                    {"inference_priority3", "min_memory_usage"},
                                    {"max_delegated_partitions", "1"},
                                    {"serialization_dir", ""},
                                    {"model_token", "mnv2"},
                                    {"experimental_flags", "1"},
                                    {"max_partitions", "3"},
                                    {"min_nodes_per_partition", "2"},
                                    {"cache_dir", ""},
                                    {"enable_quant", "false"},
                                    {"log_level", "warning"},
                                    {"validation", "false"},
                                    {"tuning", "full"},
                                    {"gpu_memory_budget_mb", "512"}});
  EXPECT_NE(d, nullptr);
  EXPECT_TRUE(g_reported.empty());
  EXPECT_EQ(VkdDelegateNodesOnGpu(d), -1);  // not prepared yet
  tflite_plugin_destroy_delegate(d);
}

// Python's load_delegate passes the count as a C int: the upper half of the
// size_t register holds garbage.
TEST(PluginOptionsTest, CountWithGarbageUpperBitsIsReadAsInt) {
  g_reported.clear();
  const size_t garbage = (size_t{0xdeadbeef} << 32) | 2u;
  TfLiteDelegate* d = CreatePlugin({{"precision", "fp32"}, {"log_level", "error"}}, garbage);
  EXPECT_NE(d, nullptr);
  EXPECT_TRUE(g_reported.empty());
  tflite_plugin_destroy_delegate(d);
}

// TFLite GPU delegate's option names (TfLiteGpuDelegateOptionsV2) do what
// TFLite's do: max_delegated_partitions keeps the largest partitions, and the
// precision follows is_precision_loss_allowed, else the priorities (fp16 when
// MIN_LATENCY ranks before MAX_PRECISION). The info line names the precision.
TEST(PluginOptionsTest, TfLiteGpuDelegateNamesMapToVkdelegate) {
  if (NoVulkanRun()) GTEST_SKIP() << "needs a Vulkan device";
  const std::vector<uint8_t> model = ConvSinConvModel();  // two GPU partitions around SIN
  struct Case {
    std::vector<std::pair<std::string, std::string>> options;
    int partitions;
    const char* precision;
  };
  const std::vector<Case> cases = {
      {{}, 2, "fp32"},
      {{{"max_delegated_partitions", "1"}}, 1, "fp32"},
      {{{"is_precision_loss_allowed", "true"}}, 2, "fp16"},
      {{{"inference_priority1", "min_latency"}}, 2, "fp16"},
      {{{"inference_priority1", "max_precision"}, {"inference_priority2", "min_latency"}},
       2,
       "fp32"},
      {{{"inference_priority1", "min_memory_usage"}, {"inference_priority2", "2"}}, 2, "fp16"},
      // A given is_precision_loss_allowed wins over the priorities, as in TFLite.
      {{{"is_precision_loss_allowed", "0"}, {"inference_priority1", "min_latency"}}, 2, "fp32"},
  };
  for (const Case& c : cases) {
    std::vector<std::pair<std::string, std::string>> kv = c.options;
    kv.push_back({"validation", "true"});
    kv.push_back({"log_level", "info"});
    std::string label;
    for (const auto& [k, v] : c.options) label += k + ":" + v + " ";
    g_reported.clear();
    TfLiteDelegate* d = CreatePlugin(kv);
    ASSERT_NE(d, nullptr) << label << (g_reported.empty() ? "" : g_reported[0]);
    tools::TfLiteRunOptions o;
    o.delegates = {d};
    ::testing::internal::CaptureStderr();
    auto runner = NewRunner(model, o);
    const std::string log = ::testing::internal::GetCapturedStderr();
    ASSERT_TRUE(runner) << label;
    EXPECT_EQ(VkdDelegatePartitions(d), c.partitions) << label << log;
    EXPECT_NE(log.find(std::string(", ") + c.precision + ")"), std::string::npos) << label << log;
    runner.reset();
    tflite_plugin_destroy_delegate(d);
  }
}

// Without being asked, a software Vulkan device (lavapipe) is not used: the
// delegate claims nothing and says why. On a machine with a hardware GPU the
// GPU is used instead.
TEST(PluginOptionsTest, SoftwareDeviceOnlyWhenAskedFor) {
  const std::vector<uint8_t> model = ConvSinConvModel();
  const char* env = std::getenv("VKD_DEVICE");
  const std::string saved = env ? env : "";
  ::unsetenv("VKD_DEVICE");
  g_reported.clear();
  TfLiteDelegate* d = CreatePlugin({{"validation", "true"}, {"log_level", "info"}});
  ASSERT_NE(d, nullptr);
  tools::TfLiteRunOptions o;
  o.delegates = {d};
  ::testing::internal::CaptureStderr();
  auto runner = NewRunner(model, o);
  const std::string log = ::testing::internal::GetCapturedStderr();
  if (env) ::setenv("VKD_DEVICE", saved.c_str(), 1);
  ASSERT_TRUE(runner);
  if (log.find("llvmpipe") != std::string::npos || log.find("no hardware GPU") != std::string::npos) {
    EXPECT_EQ(VkdDelegateNodesOnGpu(d), 0) << log;
    EXPECT_NE(log.find("used only when asked for"), std::string::npos) << log;
    EXPECT_NE(log.find("device:any"), std::string::npos) << log;
  } else if (log.find("no usable Vulkan device") == std::string::npos) {
    EXPECT_GT(VkdDelegateNodesOnGpu(d), 0) << log;  // a hardware GPU
  }
  runner.reset();
  tflite_plugin_destroy_delegate(d);
  // Asked for: the same delegate options plus device:any take the software device.
  TfLiteDelegate* any = CreatePlugin({{"validation", "true"}, {"device", "any"}});
  o.delegates = {any};
  runner = NewRunner(model, o);
  ASSERT_TRUE(runner);
  if (!NoVulkanRun()) EXPECT_GT(VkdDelegateNodesOnGpu(any), 0);
  runner.reset();
  tflite_plugin_destroy_delegate(any);
}

// Not tested through TfLiteExternalDelegateCreate: TFLite 2.9's external
// delegate wraps the plug-in's NULL in a non-NULL delegate and then calls
// through it in TfLiteInterpreterCreate (a crash inside TFLite). A host
// must check what tflite_plugin_create_delegate returns, as benchmark_model
// does; the tests above check that it is NULL and why.

TEST(PluginOptionsTest, InvalidCOptionsGiveNull) {
  VkdDelegateOptions o = VkdDelegateOptionsDefault();
  o.min_nodes_per_partition = 0;
  EXPECT_EQ(VkdDelegateCreate(&o), nullptr);
  o = VkdDelegateOptionsDefault();
  o.log_level = 9;
  EXPECT_EQ(VkdDelegateCreate(&o), nullptr);
  EXPECT_EQ(VkdDelegateNodesOnGpu(nullptr), -1);
  VkdDelegateDelete(nullptr);  // a no-op, like delete
}

// Run by ctest with the Vulkan driver hidden (VK_ICD_FILENAMES pointing at
// nothing, VKD_EXPECT_NO_VULKAN=1): the delegate claims nothing, says so once,
// and TFLite runs the whole model.
TEST(HostNoVulkanTest, DelegatesNothingAndTfLiteRunsEverything) {
  if (!NoVulkanRun()) GTEST_SKIP() << "only in the no-Vulkan ctest run";
  const std::vector<uint8_t> model = ConvSinConvModel();
  auto reference = NewRunner(model, {});
  DelegatePtr delegate = NewDelegate();
  tools::TfLiteRunOptions o;
  o.delegates = {delegate.get()};
  auto ours = NewRunner(model, o);
  ASSERT_TRUE(reference && ours);
  EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 0);
  EXPECT_EQ(RunAndCompare(*ours, *reference, RandomInputs(*reference, 3)), 0.0);
}

}  // namespace
}  // namespace vkd
