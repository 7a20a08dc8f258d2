// One op-family test body, run on every backend that takes the op.
//
// A backend is one way vkdelegate can run a graph: the CPU interpreter's
// reference kernels, its optimized kernels (XNNPACK for float where it takes
// the node), or the GPU path in fp32 or fp16 (lavapipe in CI, validation layer
// on). A test suite declares which backends take its ops, once:
//
//   VKD_BACKEND_TEST_SUITE(Conv2DTest, kAllBackends);
//   TEST_P(Conv2DTest, FloatSweep) { ... EXPECT_TRUE(Matches(graph, options, 1e-5)); }
//
// and gtest runs the body once per backend (Backends/Conv2DTest.FloatSweep/GpuFp16).
// GPU backends skip without a Vulkan device; every backend skips without the
// TFLite reference. On a GPU backend every node must be placed on the GPU
// (CompareOptions::allow_cpu_nodes relaxes that), so a body over kAllBackends
// also checks that the GPU support check takes the op.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/util/gpu_test_util.h"

namespace vkd::test {

enum class Backend { kCpuReference, kCpuOptimized, kGpuFp32, kGpuFp16 };

inline constexpr Backend kAllBackends[] = {Backend::kCpuReference, Backend::kCpuOptimized,
                                           Backend::kGpuFp32, Backend::kGpuFp16};
inline constexpr Backend kCpuBackends[] = {Backend::kCpuReference, Backend::kCpuOptimized};
inline constexpr Backend kGpuBackends[] = {Backend::kGpuFp32, Backend::kGpuFp16};

// fp16 storage and arithmetic: 1e-2 of max(1, max |tflite|).
constexpr double kGpuFp16Tolerance = 1e-2;

// What a body accepts from each kind of backend against TFLite, stated once:
// float outputs within bound * max(1, max |tflite|), integer outputs within
// bound units. `cpu` bounds both CPU kernels.
struct Bounds {
  Bounds(double cpu_bound = 1e-5, double gpu_fp32_bound = kGpuFp32Tolerance,  // NOLINT: implicit
         double gpu_fp16_bound = kGpuFp16Tolerance)
      : cpu(cpu_bound), gpu_fp32(gpu_fp32_bound), gpu_fp16(gpu_fp16_bound) {}

  // Dot products of `length` terms (conv taps x input channels, FC inputs):
  // fp16 storage rounds every operand (2^-11), and the errors add up like a
  // random walk, so the fp16 bound grows with sqrt(length).
  static Bounds Dot(int64_t length, double cpu_bound = 1e-5);
  // Hybrid ops (int8 weights, float activations): our CPU kernels quantize
  // the activations on the fly as TFLite's do (1e-3). The GPU computes in
  // float with dequantized weights, so it is held to the float bounds against
  // TFLite on the dequantized graph (CompareOptions::reference_dequantized).
  static Bounds Hybrid(int64_t length);

  double cpu, gpu_fp32, gpu_fp16;
  bool gpu_against_dequantized = false;
};

const char* BackendName(Backend backend);
std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);

class BackendTest : public ::testing::TestWithParam<Backend> {
 public:
  void SetUp() override;

  Backend backend() const { return GetParam(); }
  bool OnGpu() const { return backend() == Backend::kGpuFp32 || backend() == Backend::kGpuFp16; }
  double Bound(const Bounds& bounds) const;
  // `options` with this backend's kernels and device chosen.
  CompareOptions OnThisBackend(CompareOptions options) const;

  // Runs `graph` on this test's backend and on TFLite (MatchesTfLite); the
  // failure names the backend.
  ::testing::AssertionResult Matches(const ir::Graph& graph, CompareOptions options,
                                     const Bounds& bounds = {},
                                     CompareReport* report = nullptr) const;
  // Matches, and on a GPU backend the graph takes exactly `dispatches`
  // compute dispatches per invoke (fusion and aliasing did their job).
  ::testing::AssertionResult MatchesInDispatches(const ir::Graph& graph,
                                                 const CompareOptions& options, int dispatches,
                                                 const Bounds& bounds = {}) const;
  // Runs `graph` on this backend alone (every node on the GPU for a GPU
  // backend) with float `inputs` and returns output 0; empty after a test
  // failure. For graphs TFLite refuses, checked against values worked out by
  // hand.
  std::vector<float> RunFloat(const ir::Graph& graph,
                              const std::vector<std::vector<float>>& inputs) const;
};

}  // namespace vkd::test

// Declares the fixture `Suite` and runs its TEST_P bodies on `backends`
// (kAllBackends, kCpuBackends or kGpuBackends).
#define VKD_BACKEND_TEST_SUITE(Suite, backends)                                         \
  class Suite : public ::vkd::test::BackendTest {};                                     \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(::vkd::test::backends), \
                           ::vkd::test::BackendParamName)
