#include "tests/util/backend_test.h"

#include <cmath>
#include <cstring>

#include "delegate/model_runner.h"

namespace vkd::test {

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kCpuReference:
      return "CpuReference";
    case Backend::kCpuOptimized:
      return "CpuOptimized";
    case Backend::kGpuFp32:
      return "GpuFp32";
    case Backend::kGpuFp16:
      return "GpuFp16";
  }
  return "?";
}

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return BackendName(info.param);
}

void BackendTest::SetUp() {
  if (!TfLiteAvailable()) GTEST_SKIP() << "TFLite reference not built";
  if (OnGpu() && !GpuAvailable()) GTEST_SKIP() << "no Vulkan device with validation";
}

Bounds Bounds::Dot(int64_t length, double cpu_bound) {
  return Bounds(cpu_bound, kGpuFp32Tolerance,
                std::max(kGpuFp16Tolerance, 1.5e-3 * std::sqrt(static_cast<double>(length))));
}

Bounds Bounds::Hybrid(int64_t length) {
  Bounds bounds = Dot(length, 1e-3);
  bounds.gpu_against_dequantized = true;
  return bounds;
}

CompareOptions BackendTest::OnThisBackend(CompareOptions options) const {
  options.use_reference = backend() == Backend::kCpuReference;
  options.use_gpu = OnGpu();
  options.fp16 = backend() == Backend::kGpuFp16;
  return options;
}

double BackendTest::Bound(const Bounds& bounds) const {
  switch (backend()) {
    case Backend::kGpuFp32:
      return bounds.gpu_fp32;
    case Backend::kGpuFp16:
      return bounds.gpu_fp16;
    default:
      return bounds.cpu;
  }
}

::testing::AssertionResult BackendTest::Matches(const ir::Graph& graph, CompareOptions options,
                                                const Bounds& bounds, CompareReport* report) const {
  options = OnThisBackend(options);
  if (OnGpu() && bounds.gpu_against_dequantized) options.reference_dequantized = true;
  auto result = MatchesTfLite(graph, options, Bound(bounds), report);
  if (!result) result << "(" << BackendName(backend()) << ")";
  return result;
}

::testing::AssertionResult BackendTest::MatchesInDispatches(const ir::Graph& graph,
                                                            const CompareOptions& options,
                                                            int dispatches,
                                                            const Bounds& bounds) const {
  CompareReport report;
  auto result = Matches(graph, options, bounds, &report);
  if (result && OnGpu() && report.dispatches != dispatches) {
    return ::testing::AssertionFailure()
           << "[" << options.label << "] " << report.dispatches << " dispatches, expected "
           << dispatches << " (" << BackendName(backend()) << ")";
  }
  return result;
}

std::vector<float> BackendTest::RunFloat(const ir::Graph& graph,
                                         const std::vector<std::vector<float>>& inputs) const {
  auto runner = ModelRunner::Create(graph, RunnerOptionsFor(OnThisBackend({})));
  if (!runner.ok()) {
    ADD_FAILURE() << "create: " << runner.status().ToString();
    return {};
  }
  if (Status s = (*runner)->AllocateTensors(); !s.ok()) {
    ADD_FAILURE() << "allocate: " << s.ToString();
    return {};
  }
  if (OnGpu() && (*runner)->plan().num_gpu_nodes() != static_cast<int>(graph.nodes.size())) {
    ADD_FAILURE() << "not every node on the GPU: " << (*runner)->gpu_fallback_reason();
    return {};
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::memcpy((*runner)->input_data(static_cast<int>(i)), inputs[i].data(),
                inputs[i].size() * sizeof(float));
  }
  if (Status s = (*runner)->Invoke(); !s.ok()) {
    ADD_FAILURE() << "invoke: " << s.ToString();
    return {};
  }
  const float* out = reinterpret_cast<const float*>((*runner)->output_data(0));
  return std::vector<float>(out, out + (*runner)->interpreter().output_tensor(0).num_elements());
}

}  // namespace vkd::test
