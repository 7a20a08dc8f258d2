// vkd-tflite-bench: the CPU speed anchor. Runs a .tflite on the reference
// TFLite 2.9 C library (builtin kernels, or XNNPACK with --use_xnnpack) with
// the same timing method as vkd-bench, so the two print comparable medians.
//   vkd-tflite-bench --graph=m.tflite --num_runs=50 --num_threads=1 --use_xnnpack=true

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bench/flags.h"
#include "bench/tflite_runner.h"

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
  auto r = TfLiteRunner::CreateFromFile(flags.GetString("graph"), o);
  if (!r.ok()) {
    std::fprintf(stderr, "vkd-tflite-bench: %s\n", r.status().message().c_str());
    return 1;
  }
  for (int i = 0; i < (*r)->num_inputs(); ++i) {
    HostTensor spec = (*r)->InputSpec(i);
    if (vkd::Status s = (*r)->SetInput(i, RandomTensor(spec.type, spec.shape, 1 + i)); !s.ok()) {
      std::fprintf(stderr, "vkd-tflite-bench: %s\n", s.message().c_str());
      return 1;
    }
  }
  for (int i = 0; i < std::max(1, *warm); ++i) (void)(*r)->Invoke();
  std::vector<double> ms;
  for (int i = 0; i < *runs; ++i) {
    auto t = std::chrono::steady_clock::now();
    if (!(*r)->Invoke().ok()) {
      std::fprintf(stderr, "vkd-tflite-bench: Invoke failed\n");
      return 1;
    }
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  std::sort(ms.begin(), ms.end());
  const double median =
      ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
  std::printf("tflite %s (%s, %d thread%s): median %.3f ms, min %.3f ms (%d runs)\n",
              TfLiteRunner::Version().c_str(), *xnn ? "XNNPACK" : "builtin kernels", *threads,
              *threads == 1 ? "" : "s", median, ms.front(), *runs);
  return 0;
}
