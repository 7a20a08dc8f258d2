// vkd-bench built without TFLite: its host mode and --compare_tflite say how
// to get it.
#include "bench/bench_common.h"
#include "bench/bench_host.h"

namespace vkd::tools {

Status CompareWithTfLite(const BenchOptions&, const std::vector<HostTensor>&,
                         const std::vector<HostTensor>&, const LatencyStats&, nlohmann::json*) {
  return UnavailableError(
      "--compare_tflite: vkd-bench was built without TFLite (run scripts/setup.sh)");
}

int RunInTfLiteHost(const BenchOptions&, const Flags&) {
  return Fail(
      "--external_delegate_path: vkd-bench was built without TFLite (run scripts/setup.sh)");
}

}  // namespace vkd::tools
