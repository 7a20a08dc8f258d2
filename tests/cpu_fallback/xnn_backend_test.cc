// The XNNPACK float backend behind the CPU kernels: which nodes it takes,
// that it agrees with the reference kernels, and the pthreadpool-backed
// ThreadPool every kernel shares with it. The same tests run again with
// VKD_CPU_FLOAT_BACKEND=builtin (ctest vkd_unit_test_builtin_float), where
// every node must stay on vkdelegate's own kernels.
#include "cpu_fallback/xnnpack/xnn_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "cpu_fallback/optimized/cpu_isa.h"
#include "cpu_fallback/optimized/depthwise_conv_3x3.h"
#include "cpu_fallback/thread_pool.h"
#include "model/writer/graph_builder.h"

namespace vkd::cpu {
namespace {

using ir::DataType;
using ir::OpType;

bool BuiltinForced() {
  const char* env = std::getenv("VKD_CPU_FLOAT_BACKEND");
  return env != nullptr && std::string(env) == "builtin";
}

std::vector<float> Random(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// in [1,9,9,8] -> CONV_2D 3x3 stride 2 SAME (asymmetric padding) + RELU6
// -> DEPTHWISE_CONV_2D 3x3 multiplier 2 + RELU -> FULLY_CONNECTED [10, 5*5*16].
// `const_filter` false feeds the conv filter as a second graph input.
ir::Graph SmallNet(bool const_filter) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {1, 9, 9, 8}, "in");
  int filter = const_filter ? b.AddConstant<float>({12, 3, 3, 8}, Random(12 * 9 * 8, 1), "conv_w")
                            : b.AddInput(DataType::kFloat32, {12, 3, 3, 8}, "conv_w");
  int conv_b = b.AddConstant<float>({12}, Random(12, 2), "conv_b");
  int conv = b.AddTensor(DataType::kFloat32, {1, 5, 5, 12}, "conv");
  ir::Conv2DOptions co;
  co.stride_h = co.stride_w = 2;
  co.activation = ir::Activation::kRelu6;
  b.AddNode(OpType::kConv2d, {in, filter, conv_b}, {conv}, co);
  int dw_w = b.AddConstant<float>({1, 3, 3, 24}, Random(9 * 24, 3), "dw_w");
  int dw_b = b.AddConstant<float>({24}, Random(24, 4), "dw_b");
  int dw = b.AddTensor(DataType::kFloat32, {1, 5, 5, 24}, "dw");
  ir::DepthwiseConv2DOptions dwo;
  dwo.depth_multiplier = 2;
  dwo.activation = ir::Activation::kRelu;
  b.AddNode(OpType::kDepthwiseConv2d, {conv, dw_w, dw_b}, {dw}, dwo);
  int fc_w = b.AddConstant<float>({10, 5 * 5 * 24}, Random(10 * 600, 5), "fc_w");
  int fc_b = b.AddConstant<float>({10}, Random(10, 6), "fc_b");
  int out = b.AddTensor(DataType::kFloat32, {1, 10}, "out");
  b.AddNode(OpType::kFullyConnected, {dw, fc_w, fc_b}, {out}, ir::FullyConnectedOptions{});
  b.MarkOutput(out);
  return b.Build();
}

std::vector<float> RunNet(bool const_filter, bool reference, int threads,
                          std::vector<std::string>* implementations) {
  InterpreterOptions o;
  o.use_reference_kernels = reference;
  o.num_threads = threads;
  auto interp = Interpreter::Create(SmallNet(const_filter), o);
  EXPECT_TRUE(interp.ok()) << interp.status().ToString();
  if (!interp.ok()) return {};
  EXPECT_TRUE((*interp)->AllocateTensors().ok());
  const std::vector<float> in = Random(9 * 9 * 8, 7);
  std::memcpy((*interp)->input_data(0), in.data(), in.size() * sizeof(float));
  if (!const_filter) {
    const std::vector<float> w = Random(12 * 9 * 8, 1);
    std::memcpy((*interp)->input_data(1), w.data(), w.size() * sizeof(float));
  }
  Status s = (*interp)->Invoke();
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (implementations != nullptr) {
    implementations->clear();
    for (int n = 0; n < 3; ++n) implementations->push_back((*interp)->node_implementation(n));
  }
  const float* out = reinterpret_cast<const float*>((*interp)->output_data(0));
  return std::vector<float>(out, out + 10);
}

void ExpectClose(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  ASSERT_FALSE(got.empty());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], 1e-5f * std::max(1.0f, std::fabs(want[i]))) << "output " << i;
  }
}

TEST(XnnBackend, TakesConstantWeightFloatNodesAndMatchesTheReference) {
#ifdef VKD_HAVE_XNNPACK
  const bool expect_xnn = !BuiltinForced();
#else
  const bool expect_xnn = false;
#endif
  EXPECT_EQ(xnn::Available(), expect_xnn) << xnn::UnavailableReason();
  std::vector<std::string> impl;
  const std::vector<float> want = RunNet(true, /*reference=*/true, 1, &impl);
  EXPECT_EQ(impl, std::vector<std::string>(3, "reference"));
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    ExpectClose(RunNet(true, false, threads, &impl), want);
    EXPECT_EQ(impl, std::vector<std::string>(3, expect_xnn ? "xnnpack" : "vkdelegate"));
  }
}

TEST(XnnBackend, NonConstantFilterStaysOnOwnKernels) {
  std::vector<std::string> impl;
  const std::vector<float> want = RunNet(false, /*reference=*/true, 1, nullptr);
  ExpectClose(RunNet(false, false, 2, &impl), want);
  // XNNPACK packs filters at Prepare: a filter that is an activation cannot go there.
  EXPECT_EQ(impl[0], "vkdelegate");
}

// Hybrid CONV_2D (float in, int8 filter): XNNPACK computes the integer sums
// exactly, so its output must equal the reference kernel's bit for bit.
std::vector<float> RunHybridConv(bool per_channel, bool reference, int threads,
                                 std::string* implementation) {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {2, 11, 10, 16}, "in");
  std::mt19937 rng(11);
  std::vector<int8_t> w(24 * 3 * 3 * 16);
  for (int8_t& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  ir::Quantization q;
  if (per_channel) {
    for (int c = 0; c < 24; ++c) q.scale.push_back(0.01f + 0.001f * c);
  } else {
    q.scale = {0.02f};
  }
  q.zero_point.assign(q.scale.size(), 0);
  int filter = b.AddConstant<int8_t>({24, 3, 3, 16}, w, "w", q);
  int bias = b.AddConstant<float>({24}, Random(24, 12), "b");
  int out = b.AddTensor(DataType::kFloat32, {2, 11, 10, 24}, "out");
  ir::Conv2DOptions co;
  co.activation = ir::Activation::kRelu6;
  b.AddNode(OpType::kConv2d, {in, filter, bias}, {out}, co);
  b.MarkOutput(out);
  InterpreterOptions o;
  o.use_reference_kernels = reference;
  o.num_threads = threads;
  auto interp = Interpreter::Create(b.Build(), o);
  EXPECT_TRUE(interp.ok()) << interp.status().ToString();
  if (!interp.ok()) return {};
  EXPECT_TRUE((*interp)->AllocateTensors().ok());
  const std::vector<float> x = Random(2 * 11 * 10 * 16, 13);
  std::memcpy((*interp)->input_data(0), x.data(), x.size() * sizeof(float));
  EXPECT_TRUE((*interp)->Invoke().ok());
  *implementation = (*interp)->node_implementation(0);
  const float* y = reinterpret_cast<const float*>((*interp)->output_data(0));
  return std::vector<float>(y, y + 2 * 11 * 10 * 24);
}

TEST(XnnBackend, HybridConvIsBitExactWithTheReference) {
  for (bool per_channel : {false, true}) {
    SCOPED_TRACE(per_channel ? "per-channel (asymmetric inputs)" : "per-tensor");
    std::string impl;
    const std::vector<float> want = RunHybridConv(per_channel, true, 1, &impl);
    for (int threads : {1, 2}) {
      const std::vector<float> got = RunHybridConv(per_channel, false, threads, &impl);
      EXPECT_EQ(impl, xnn::Available() ? "xnnpack" : "vkdelegate");
      ASSERT_EQ(got.size(), want.size());
      if (impl != "xnnpack") {
        // vkdelegate's own GEMM epilogue may round one ulp away from the
        // reference's (its products are fused differently): near, not equal.
        ExpectClose(got, want);
        continue;
      }
      int mismatches = 0;
      for (size_t i = 0; i < got.size(); ++i) {
        if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0 && mismatches++ < 5) {
          ADD_FAILURE() << "element " << i << ": " << got[i] << " vs reference " << want[i];
        }
      }
      EXPECT_EQ(mismatches, 0);
    }
  }
}

// VKD_CPU_ISA caps the dispatch (ctest runs the op sweeps with avx2 and
// portable too); the 3x3 depthwise kernel exists only from AVX2 up.
TEST(CpuIsa, EnvironmentCapsTheDispatch) {
  const opt::CpuIsa isa = opt::DetectedCpuIsa();
  const char* cap = std::getenv("VKD_CPU_ISA");
  if (cap != nullptr && std::string(cap) == "portable") EXPECT_EQ(isa, opt::CpuIsa::kPortable);
  if (cap != nullptr && std::string(cap) == "avx2") {
    EXPECT_LE(static_cast<int>(isa), static_cast<int>(opt::CpuIsa::kAvx2));
  }
  ref::ConvGeometry g;
  g.batches = 1;
  g.input_height = g.input_width = 5;
  g.input_depth = g.output_depth = 16;
  g.filter_height = g.filter_width = 3;
  g.filter_input_depth = 1;
  g.output_height = g.output_width = 5;
  g.padding_top = g.padding_left = 1;
  EXPECT_EQ(opt::DepthwiseConv3x3Supported(g), isa != opt::CpuIsa::kPortable)
      << opt::CpuIsaName(isa);
  g.output_depth = 32;  // multiplier 2: not this kernel's
  EXPECT_FALSE(opt::DepthwiseConv3x3Supported(g));
}

TEST(ThreadPool, ParallelForCoversEveryIndexOnce) {
  for (int threads : {1, 2, 5}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.num_threads(), threads);
    EXPECT_EQ(pool.pthreadpool() != nullptr, threads > 1);
    for (int64_t n : {1, 7, 1000, 100003}) {
      std::vector<std::atomic<int>> hits(n);
      std::atomic<int> chunks{0};
      pool.ParallelFor(n, 16, [&](int64_t b, int64_t e) {
        ++chunks;
        for (int64_t i = b; i < e; ++i) ++hits[i];
      });
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "n " << n << " i " << i;
      // Never more chunks than threads, and small loops stay on one thread.
      EXPECT_LE(chunks.load(), threads);
      if (n < 32) EXPECT_EQ(chunks.load(), 1);
    }
  }
}

}  // namespace
}  // namespace vkd::cpu
