// vkd-bench's uses of the real TFLite 2.9: the TFLite host mode
// (--external_delegate_path, the plug-in loaded by TFLite's external
// delegate, as benchmark_model does) and --compare_tflite (TFLite's CPU path
// on the same inputs). Without TFLite in the build both fail with the fix.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/flags.h"
#include "bench/host_tensor.h"
#include "bench/latency.h"
#include "common/status.h"

namespace vkd::tools {

// TFLite's CPU path (XNNPACK per --use_xnnpack) on `inputs`: its latency and
// the largest difference from `ours` (our first run's outputs) go into the
// report and a printed line.
Status CompareWithTfLite(const BenchOptions& o, const std::vector<HostTensor>& inputs,
                         const std::vector<HostTensor>& ours, const LatencyStats& our_stats,
                         nlohmann::json* report);

// The whole run in the TFLite host; returns the exit status.
int RunInTfLiteHost(const BenchOptions& o, const Flags& flags);

}  // namespace vkd::tools
