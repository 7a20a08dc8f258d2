// Helpers shared by the GPU op tests: skip without Vulkan, compare against
// TFLite on the GPU path (fp32 and fp16), fail on validation errors.
#pragma once

#include <gtest/gtest.h>

#include "tests/util/op_test_util.h"

#define VKD_REQUIRE_GPU()                                                                 \
  do {                                                                                    \
    if (!::vkd::test::GpuAvailable()) GTEST_SKIP() << "no Vulkan device with validation"; \
  } while (0)

namespace vkd::test {

// fp32 on the GPU must match TFLite within 1e-4 relative (the bound).
constexpr double kGpuFp32Tolerance = 1e-4;

inline ::testing::AssertionResult GpuMatchesTfLite(const ir::Graph& graph, CompareOptions options,
                                                   double tolerance = kGpuFp32Tolerance,
                                                   CompareReport* report = nullptr) {
  options.use_gpu = true;
  return MatchesTfLite(graph, options, tolerance, report);
}

}  // namespace vkd::test
