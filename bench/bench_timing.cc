#include "bench/bench_timing.h"

#include <chrono>
#include <cstdio>
#include <thread>

namespace vkd::tools {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// TFLite's BenchmarkModel::RunImpl: keep going while fewer than `min_runs`
// runs or less than `min_secs` have passed, and never past `max_secs`.
Status Phase(bool warmup, int min_runs, double min_secs, const RunPolicy& policy,
             const std::function<Status()>& invoke,
             const std::function<void(bool, int, double)>& observe, std::vector<double>* out) {
  const Clock::time_point start = Clock::now();
  for (int run = 0;; ++run) {
    const double elapsed = SecondsSince(start);
    if (run >= min_runs && elapsed >= min_secs) break;
    if (policy.max_secs > 0 && elapsed > policy.max_secs) break;
    const Clock::time_point t = Clock::now();
    VKD_RETURN_IF_ERROR(invoke());
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t).count();
    out->push_back(ms);
    if (observe) observe(warmup, run, ms);
    if (policy.run_delay_secs > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(policy.run_delay_secs));
    }
  }
  return Status::Ok();
}

}  // namespace

Status TimeRuns(const RunPolicy& policy, const std::function<Status()>& invoke,
                const std::function<void(bool, int, double)>& observe,
                const std::function<void()>& before_timed, RunTimes* times) {
  *times = {};
  VKD_RETURN_IF_ERROR(Phase(true, policy.warmup_runs, policy.warmup_min_secs, policy, invoke,
                            observe, &times->warmup_ms));
  if (before_timed) before_timed();
  return Phase(false, policy.num_runs, policy.min_secs, policy, invoke, observe, &times->runs_ms);
}

std::string TimingSummary(double init_ms, const RunTimes& times) {
  const LatencyStats w = Stats(times.warmup_ms);
  const LatencyStats r = Stats(times.runs_ms);
  char buf[768];
  std::snprintf(buf, sizeof(buf),
                "  timings      Init: %.0f us, First inference: %.0f us, Warmup (avg): %.0f us, "
                "Inference (avg): %.0f us\n"
                "  runs         count=%zu first=%.3f min=%.3f max=%.3f avg=%.3f std=%.3f ms; "
                "p50 %.3f  p90 %.3f  p99 %.3f ms (warm-up: %zu runs)\n",
                init_ms * 1000, times.first_ms() * 1000, w.mean * 1000, r.mean * 1000, r.count,
                times.runs_ms.empty() ? 0 : times.runs_ms.front(), r.min, r.max, r.mean, r.std_dev,
                r.median, r.p90, r.p99, w.count);
  return buf;
}

}  // namespace vkd::tools
