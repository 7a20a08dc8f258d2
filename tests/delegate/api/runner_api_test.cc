// The standalone C API (include/vkdelegate/runner.h) from a user's side:
// linked against libvkdelegate.so only, every call's error path (NULLs,
// out-of-range indices, bad options, wrong sizes) gives a status and a
// message that names the problem, and the reports vkd-bench prints agree
// with each other (stats, dispatches, profile, graph).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "model/writer/model_writer.h"
#include "vkdelegate/runner.h"

namespace vkd {
namespace {

// CONV_2D -> RELU6 -> SQRT -> MEAN: the conv and its activation fuse on the
// GPU, SQRT (no GPU kernel) stays on the CPU, MEAN forms a second partition.
std::vector<uint8_t> SmallModel() {
  writer::GraphBuilder g;
  const int in = g.AddInput(ir::DataType::kFloat32, {1, 8, 8, 4}, "in");
  const int w = g.AddConstant<float>({4, 3, 3, 4}, std::vector<float>(144, 0.05f), "w");
  const int c = g.AddTensor(ir::DataType::kFloat32, {1, 8, 8, 4}, "conv");
  g.AddNode(ir::OpType::kConv2d, {in, w, ir::kNoTensor}, {c}, ir::Conv2DOptions{});
  const int r = g.AddTensor(ir::DataType::kFloat32, {1, 8, 8, 4}, "relu6");
  g.AddNode(ir::OpType::kRelu6, {c}, {r});
  const int s = g.AddTensor(ir::DataType::kFloat32, {1, 8, 8, 4}, "sqrt");
  g.AddNode(ir::OpType::kSqrt, {r}, {s});
  const int axes = g.AddConstant<int32_t>({2}, {1, 2}, "axes");
  const int m = g.AddTensor(ir::DataType::kFloat32, {1, 4}, "mean");
  g.AddNode(ir::OpType::kMean, {s, axes}, {m}, ir::ReducerOptions{false});
  g.MarkOutput(m);
  auto bytes = writer::SerializeGraph(g.Build());
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

struct RunnerDeleter {
  void operator()(VkdRunner* r) const { VkdRunnerDelete(r); }
};
using RunnerPtr = std::unique_ptr<VkdRunner, RunnerDeleter>;

RunnerPtr Create(const VkdRunnerOptions& o) {
  const std::vector<uint8_t> model = SmallModel();
  VkdRunner* r = nullptr;
  EXPECT_EQ(VkdRunnerCreateFromBuffer(model.data(), model.size(), &o, &r), kVkdOk)
      << VkdLastError();
  return RunnerPtr(r);
}

TEST(RunnerApiTest, BadCallsGiveAStatusAndAMessage) {
  VkdRunner* r = nullptr;
  EXPECT_EQ(VkdRunnerCreateFromFile(nullptr, nullptr, &r), kVkdInvalidArgument);
  EXPECT_EQ(VkdRunnerCreateFromFile("/nonexistent/m.tflite", nullptr, &r), kVkdNotFound);
  EXPECT_NE(std::string(VkdLastError()).find("/nonexistent/m.tflite"), std::string::npos)
      << VkdLastError();
  EXPECT_EQ(r, nullptr);
  const std::vector<uint8_t> model = SmallModel();
  EXPECT_EQ(VkdRunnerCreateFromBuffer(model.data(), model.size() / 2, nullptr, &r),
            kVkdInvalidArgument);  // truncated

  struct BadOption {
    void (*set)(VkdRunnerOptions*);
    const char* field;
  };
  const BadOption bad[] = {
      {[](VkdRunnerOptions* o) { o->device_index = -5; }, "device_index"},
      {[](VkdRunnerOptions* o) { o->enable_fp16 = 2; }, "enable_fp16"},
      {[](VkdRunnerOptions* o) { o->tuning = 7; }, "tuning"},
      {[](VkdRunnerOptions* o) { o->num_threads = 0; }, "num_threads"},
      {[](VkdRunnerOptions* o) { o->min_nodes_per_partition = 0; }, "min_nodes_per_partition"},
      {[](VkdRunnerOptions* o) { o->gpu_memory_budget_mb = -1; }, "gpu_memory_budget_mb"},
      {[](VkdRunnerOptions* o) { o->cpu_memory_budget_mb = -1; }, "cpu_memory_budget_mb"},
  };
  for (const BadOption& b : bad) {
    VkdRunnerOptions o = VkdRunnerOptionsDefault();
    b.set(&o);
    EXPECT_EQ(VkdRunnerCreateFromBuffer(model.data(), model.size(), &o, &r), kVkdInvalidArgument)
        << b.field;
    EXPECT_NE(std::string(VkdLastError()).find(b.field), std::string::npos) << VkdLastError();
  }

  VkdRunnerOptions o = VkdRunnerOptionsDefault();
  o.use_gpu = 0;
  RunnerPtr runner = Create(o);
  ASSERT_TRUE(runner);
  VkdRunner* x = runner.get();
  ASSERT_EQ(VkdRunnerAllocateTensors(x), kVkdOk);
  VkdTensorInfo info;
  VkdNodeInfo node;
  VkdDispatchInfo dispatch;
  VkdProfileEntry entry;
  EXPECT_EQ(VkdRunnerInputInfo(x, 1, &info), kVkdInvalidArgument);
  EXPECT_NE(std::string(VkdLastError()).find("input 1 out of range"), std::string::npos);
  EXPECT_EQ(VkdRunnerTensorInfo(x, VkdRunnerTensorCount(x), &info), kVkdInvalidArgument);
  EXPECT_EQ(VkdRunnerNodeInfo(x, -1, &node), kVkdInvalidArgument);
  EXPECT_EQ(VkdRunnerNodeInfo(x, 0, nullptr), kVkdInvalidArgument);
  EXPECT_EQ(VkdRunnerDispatchInfo(x, 0, &dispatch), kVkdInvalidArgument);  // CPU only: none
  EXPECT_EQ(VkdRunnerProfileEntry(x, 0, &entry), kVkdInvalidArgument);     // profiling off
  EXPECT_EQ(VkdRunnerGetStats(x, nullptr), kVkdInvalidArgument);
  EXPECT_EQ(VkdRunnerInputTensor(x, 5), -1);
  EXPECT_EQ(VkdRunnerOutputTensor(nullptr, 0), -1);
  float small[3] = {};
  EXPECT_EQ(VkdRunnerSetInput(x, 0, small, sizeof small), kVkdInvalidArgument);
  EXPECT_NE(std::string(VkdLastError()).find("holds 1024 bytes, given 12"), std::string::npos)
      << VkdLastError();
  EXPECT_EQ(VkdRunnerGetStats(nullptr, nullptr), kVkdInvalidArgument);
  EXPECT_EQ(VkdRunnerResetProfile(nullptr), kVkdInvalidArgument);
}

TEST(RunnerApiTest, CpuRunReportsAgree) {
  VkdRunnerOptions o = VkdRunnerOptionsDefault();
  o.use_gpu = 0;
  o.enable_profiling = 1;
  RunnerPtr runner = Create(o);
  ASSERT_TRUE(runner);
  VkdRunner* r = runner.get();
  ASSERT_EQ(VkdRunnerAllocateTensors(r), kVkdOk) << VkdLastError();
  std::vector<float> in(256, 0.5f), out(4);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(VkdRunnerSetInput(r, 0, in.data(), in.size() * 4), kVkdOk);
    ASSERT_EQ(VkdRunnerInvoke(r), kVkdOk) << VkdLastError();
  }
  ASSERT_EQ(VkdRunnerGetOutput(r, 0, out.data(), out.size() * 4), kVkdOk);
  VkdRunnerStats st;
  ASSERT_EQ(VkdRunnerGetStats(r, &st), kVkdOk);
  EXPECT_EQ(st.nodes, 4);
  EXPECT_EQ(st.nodes, VkdRunnerNodeCount(r));
  EXPECT_EQ(st.partitions, 0);
  EXPECT_STREQ(st.device_name, "");
  EXPECT_EQ(st.last_invoke_gpu_ms, -1);
  EXPECT_GT(st.cpu_arena_bytes, 0u);
  EXPECT_GT(st.read_ms, 0);
  EXPECT_GE(st.create_ms, st.read_ms);
  // Every node ran on the CPU three times, in graph order.
  ASSERT_EQ(VkdRunnerProfileCount(r), 4);
  for (int i = 0; i < 4; ++i) {
    VkdProfileEntry e;
    ASSERT_EQ(VkdRunnerProfileEntry(r, i, &e), kVkdOk);
    EXPECT_EQ(e.node, i);
    EXPECT_EQ(e.partition, -1);
    EXPECT_EQ(e.invokes, 3);
  }
  ASSERT_EQ(VkdRunnerResetProfile(r), kVkdOk);
  VkdProfileEntry e;
  ASSERT_EQ(VkdRunnerProfileEntry(r, 0, &e), kVkdOk);
  EXPECT_EQ(e.invokes, 0);
  // The graph as the model has it.
  VkdNodeInfo n;
  ASSERT_EQ(VkdRunnerNodeInfo(r, 3, &n), kVkdOk);
  EXPECT_STREQ(n.op, "MEAN");
  EXPECT_EQ(n.builtin_code, 40);
  ASSERT_EQ(n.num_outputs, 1);
  EXPECT_EQ(n.outputs[0], VkdRunnerOutputTensor(r, 0));
  VkdTensorInfo t;
  ASSERT_EQ(VkdRunnerTensorInfo(r, n.outputs[0], &t), kVkdOk);
  EXPECT_STREQ(t.name, "mean");
}

TEST(RunnerApiTest, GpuRunReportsAgree) {
  ::setenv("VKD_DEVICE", "any", /*overwrite=*/0);
  VkdRunnerOptions o = VkdRunnerOptionsDefault();
  o.enable_profiling = 1;
  o.enable_validation = 1;
  o.cache_dir = "";
  RunnerPtr runner = Create(o);
  ASSERT_TRUE(runner);
  VkdRunner* r = runner.get();
  ASSERT_EQ(VkdRunnerAllocateTensors(r), kVkdOk) << VkdLastError();
  if (*VkdRunnerGpuFallbackReason(r) != '\0') {
    GTEST_SKIP() << "no Vulkan device: " << VkdRunnerGpuFallbackReason(r);
  }
  std::vector<float> in(256, 0.25f);
  ASSERT_EQ(VkdRunnerSetInput(r, 0, in.data(), in.size() * 4), kVkdOk);
  ASSERT_EQ(VkdRunnerInvoke(r), kVkdOk) << VkdLastError();
  VkdRunnerStats st;
  ASSERT_EQ(VkdRunnerGetStats(r, &st), kVkdOk);
  EXPECT_STRNE(st.device_name, "");
  EXPECT_EQ(st.partitions, 2);  // CONV+RELU6, then MEAN, around SQRT
  EXPECT_EQ(st.nodes_on_gpu, 3);
  EXPECT_GE(st.last_invoke_gpu_ms, 0);
  // Compute dispatches are listed; the I/O layout conversions only counted.
  EXPECT_EQ(st.dispatches_per_invoke, VkdRunnerDispatchCount(r) + st.io_dispatches_per_invoke);
  EXPECT_EQ(VkdRunnerDispatchCount(r), 2);
  EXPECT_GT(st.shaders_compiled + st.shader_disk_hits + st.shader_memory_hits, 0);
  // The conv dispatch computes both the conv and its RELU6.
  bool fused = false;
  for (int i = 0; i < VkdRunnerDispatchCount(r); ++i) {
    VkdDispatchInfo d;
    ASSERT_EQ(VkdRunnerDispatchInfo(r, i, &d), kVkdOk);
    EXPECT_GE(d.partition, 0);
    EXPECT_LT(d.partition, st.partitions);
    for (int k = 0; k < d.num_nodes; ++k) {
      EXPECT_GE(d.nodes[k], 0);
      EXPECT_LT(d.nodes[k], st.nodes);
    }
    fused = fused || (d.num_nodes == 2 && d.nodes[0] == 0 && d.nodes[1] == 1);
    EXPECT_EQ(d.invokes, 1) << d.kernel;
  }
  EXPECT_TRUE(fused);
  // Run order: partition 0, SQRT on the CPU, partition 1.
  ASSERT_EQ(VkdRunnerProfileCount(r), 3);
  VkdProfileEntry e;
  ASSERT_EQ(VkdRunnerProfileEntry(r, 1, &e), kVkdOk);
  EXPECT_EQ(e.node, 2);
  EXPECT_EQ(e.partition, -1);
  ASSERT_EQ(VkdRunnerProfileEntry(r, 2, &e), kVkdOk);
  EXPECT_EQ(e.partition, 1);
  VkdNodePlacement p;
  ASSERT_EQ(VkdRunnerNodePlacement(r, 2, &p), kVkdOk);
  EXPECT_EQ(p.on_gpu, 0);
  EXPECT_NE(std::string(p.reason).find("SQRT"), std::string::npos) << p.reason;
}

}  // namespace
}  // namespace vkd
