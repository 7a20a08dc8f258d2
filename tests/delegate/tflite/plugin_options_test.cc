// The plug-in ABI as TFLite hosts call it (option keys and values, TFLite
// GPU delegate's names, the device choice, bad input), and the delegate with
// no Vulkan driver at all (the vkd_host_no_vulkan ctest run).
#include "tests/delegate/tflite/host_test_util.h"

namespace vkd {
namespace {

using namespace host_test;  // NOLINT(build/namespaces): the tests' own helpers

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
      {"precision", "fp8"},
      {"device", "first"},
      {"max_partitions", "-1"},
      {"min_nodes_per_partition", "0"},
      {"enable_quant", "yes"},
      {"log_level", "loud"},
      {"validation", "2"},
      {"tuning", "sometimes"},
      {"gpu_memory_budget_mb", "-5"},
      {"device", "-3"},
      {"is_precision_loss_allowed", "maybe"},
      {"inference_priority1", "fastest"},
      {"inference_priority3", "4"},
      {"inference_preference", "3"},
      {"experimental_flags", "16"},
      {"max_delegated_partitions", "-1"}};
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
  if (log.find("llvmpipe") != std::string::npos ||
      log.find("no hardware GPU") != std::string::npos) {
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
  if (!NoVulkanRun()) {
    EXPECT_GT(VkdDelegateNodesOnGpu(any), 0);
  }
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
  auto ours = NewDelegatedRunner(model, delegate.get());
  ASSERT_TRUE(reference && ours);
  EXPECT_EQ(VkdDelegateNodesOnGpu(delegate.get()), 0);
  EXPECT_EQ(RunAndCompare(*ours, *reference, RandomInputs(*reference, 3)), 0.0);
}

}  // namespace
}  // namespace vkd
