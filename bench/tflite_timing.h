// Times a model in the TFLite 2.9 host — builtin kernels, XNNPACK, or with a
// delegate plug-in — the way vkd-bench times vkdelegate: same inputs, warm-up
// runs first, one wall-clock sample per invoke.
#pragma once

#include <string>
#include <vector>

#include "bench/host_tensor.h"
#include "bench/latency.h"
#include "bench/tflite_runner.h"
#include "common/status.h"

namespace vkd::tools {

struct TfLiteTiming {
  double init_ms = 0;                // interpreter creation, delegate Prepare, allocation
  std::vector<double> latencies_ms;  // one per timed invoke
  std::vector<HostTensor> outputs;   // of the first (warm-up) invoke
  LatencyStats stats() const { return Stats(latencies_ms); }
};

// `inputs`: one per model input (their shapes resize the model's inputs when
// they differ); empty: seeded random inputs, RandomTensor(type, shape, seed + i).
StatusOr<TfLiteTiming> TimeTfLite(const std::string& model_path, TfLiteRunOptions options,
                                  const std::vector<HostTensor>& inputs, uint32_t seed,
                                  int warmup_runs, int num_runs);

// The largest |a - b| over all elements of all outputs (float or integer),
// or an error when the outputs' count, types or shapes differ.
StatusOr<double> MaxAbsDifference(const std::vector<HostTensor>& a,
                                  const std::vector<HostTensor>& b);

}  // namespace vkd::tools
