// vkd-tflite-bench: the CPU speed anchor. Runs a .tflite on the reference
// TFLite 2.9 C library (builtin kernels, or XNNPACK with --use_xnnpack) with
// the same timing method as vkd-bench, so the two print comparable medians.
//   vkd-tflite-bench --graph=m.tflite --num_runs=50 --num_threads=1 --use_xnnpack=true

#include <cstdio>

#include "bench/flags.h"
#include "bench/tflite_timing.h"

int main(int argc, char** argv) {
  using namespace vkd::tools;
  Flags flags;
  flags.Define("graph", "", "path of the .tflite model");
  flags.Define("num_runs", "50", "timed invocations");
  flags.Define("warmup_runs", "1", "untimed invocations first");
  flags.Define("num_threads", "1", "TFLite threads");
  flags.Define("use_xnnpack", "false", "apply TFLite's XNNPACK delegate");
  flags.Define("help", "false", "print this help");
  if (vkd::Status s = flags.Parse(argc, argv); !s.ok()) {
    std::fprintf(stderr, "vkd-tflite-bench: %s\n", s.message().c_str());
    return 2;
  }
  if (flags.GetString("help") == "true" || flags.GetString("graph").empty()) {
    std::printf("%s", flags.Usage("vkd-tflite-bench").c_str());
    return flags.GetString("help") == "true" ? 0 : 2;
  }
  auto runs = flags.GetInt("num_runs"), warm = flags.GetInt("warmup_runs"),
       threads = flags.GetInt("num_threads");
  auto xnn = flags.GetBool("use_xnnpack");
  for (const vkd::Status& s : {runs.status(), warm.status(), threads.status(), xnn.status()}) {
    if (!s.ok()) {
      std::fprintf(stderr, "vkd-tflite-bench: %s\n", s.message().c_str());
      return 2;
    }
  }
  TfLiteRunOptions o;
  o.num_threads = *threads;
  o.use_xnnpack = *xnn;
  auto t = TimeTfLite(flags.GetString("graph"), o, {}, 1, *warm, *runs);
  if (!t.ok()) {
    std::fprintf(stderr, "vkd-tflite-bench: %s\n", t.status().message().c_str());
    return 1;
  }
  const LatencyStats st = t->stats();
  std::printf("tflite %s (%s, %d thread%s): median %.3f ms, min %.3f ms (%d runs)\n",
              TfLiteRunner::Version().c_str(), *xnn ? "XNNPACK" : "builtin kernels", *threads,
              *threads == 1 ? "" : "s", st.median, st.min, *runs);
  return 0;
}
