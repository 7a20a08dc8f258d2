// benchmark_model's run policy for vkd-bench: warm-up runs until both a count
// and a time are reached, timed runs likewise, each phase capped by max_secs,
// an optional pause between runs; and its timing summary.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "bench/latency.h"
#include "common/status.h"

namespace vkd::tools {

struct RunPolicy {
  int num_runs = 50;             // at least this many timed runs ...
  double min_secs = 1.0;         // ... and at least this long,
  double max_secs = 150.0;       // but a phase stops after this long (<= 0: no cap)
  int warmup_runs = 1;           // warm-up: at least this many runs ...
  double warmup_min_secs = 0.5;  // ... and at least this long
  double run_delay_secs = -1;    // pause after every run (<= 0: none)
};

struct RunTimes {
  std::vector<double> warmup_ms;  // the first is the first inference
  std::vector<double> runs_ms;
  double first_ms() const {
    return !warmup_ms.empty() ? warmup_ms.front() : runs_ms.empty() ? 0 : runs_ms.front();
  }
};

// Runs `invoke` under `policy`. `observe(warmup, index, ms)` follows every
// run (saving the first outputs, sampling GPU time); `before_timed` runs once
// between the phases (resetting profiles). The first failure stops.
Status TimeRuns(const RunPolicy& policy, const std::function<Status()>& invoke,
                const std::function<void(bool warmup, int index, double ms)>& observe,
                const std::function<void()>& before_timed, RunTimes* times);

// benchmark_model's lines: "Inference timings in us: Init: ..., First
// inference: ..., Warmup (avg): ..., Inference (avg): ..." and the count /
// first / min / max / avg / std line with the percentiles (the caller keeps
// printing its "latency ... median ..." line, which scripts read).
std::string TimingSummary(double init_ms, const RunTimes& times);

}  // namespace vkd::tools
