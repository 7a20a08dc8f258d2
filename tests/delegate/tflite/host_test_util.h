// Shared by the host tests (tflite_host_test.cc, plugin_options_test.cc):
// TFLite runners with and without the delegate, their comparison, and the
// small models the tests build.
#pragma once

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

namespace vkd::host_test {

// CI's device is lavapipe, which vkdelegate uses only when asked for: these
// tests ask (unless the caller chose a device already).
inline const bool kAskForAnyDevice = ::setenv("VKD_DEVICE", "any", /*overwrite=*/0) == 0;

inline std::string SharedPath(const std::string& rel) {
  return std::string(VKD_SHARED_DIR) + "/" + rel;
}

inline std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

inline bool NoVulkanRun() {
  const char* v = std::getenv("VKD_EXPECT_NO_VULKAN");
  return v && std::string(v) == "1";
}

// Options every test delegate gets: validation on, a disk cache shared by the
// tests so that a re-created delegate does not recompile every shader.
inline VkdDelegateOptions TestOptions() {
  static const std::string cache = ::testing::TempDir() + "vkd_host_test_cache";
  VkdDelegateOptions o = VkdDelegateOptionsDefault();
  o.enable_validation = 1;
  o.cache_dir = cache.c_str();
  return o;
}

inline std::vector<std::pair<std::string, std::string>> TestPluginOptions() {
  return {{"validation", "true"},
          {"cache_dir", ::testing::TempDir() + "vkd_host_test_cache"},
          {"log_level", "info"}};
}

struct DelegateDeleter {
  void operator()(TfLiteDelegate* d) const { VkdDelegateDelete(d); }
};
using DelegatePtr = std::unique_ptr<TfLiteDelegate, DelegateDeleter>;

inline DelegatePtr NewDelegate(VkdDelegateOptions o = TestOptions()) {
  return DelegatePtr(VkdDelegateCreate(&o));
}

inline std::unique_ptr<tools::TfLiteRunner> NewRunner(const std::vector<uint8_t>& model,
                                                      tools::TfLiteRunOptions options) {
  auto r = tools::TfLiteRunner::Create(model, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

// An interpreter for `model` with `delegate` applied (as a host does).
inline std::unique_ptr<tools::TfLiteRunner> NewDelegatedRunner(const std::vector<uint8_t>& model,
                                                               TfLiteDelegate* delegate) {
  tools::TfLiteRunOptions options;
  options.delegates = {delegate};
  return NewRunner(model, options);
}

inline std::vector<tools::HostTensor> RandomInputs(const tools::TfLiteRunner& runner,
                                                   uint32_t seed) {
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
inline double RunAndCompare(tools::TfLiteRunner& ours, tools::TfLiteRunner& reference,
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

inline int NodeCount(const std::vector<uint8_t>& model) {
  auto m = reader::ReadModelFromBytes(model);
  return m.ok() ? static_cast<int>(m->graph.nodes.size()) : -1;
}

// The delegate inside the host: skipped in the no-Vulkan run, and failing on any
// validation error.

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
// CONV_2D -> SIN -> CONV_2D: SIN is not a GPU op, so TFLite keeps running it
// between two delegated partitions.
inline std::vector<uint8_t> ConvSinConvModel() {
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

}  // namespace vkd::host_test
