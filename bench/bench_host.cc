#include "bench/bench_host.h"

#include <chrono>
#include <cstdio>
#include <sstream>

#include "bench/bench_common.h"
#include "bench/tflite_timing.h"

namespace vkd::tools {

namespace {

// "k:v;k:v" -> pairs; a piece without ':' is an error.
StatusOr<std::vector<std::pair<std::string, std::string>>> ParseDelegateOptions(
    const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ';')) {
    if (item.empty()) continue;
    const size_t colon = item.find(':');
    if (colon == std::string::npos) {
      return InvalidArgumentError("--external_delegate_options: '" + item + "' is not key:value");
    }
    out.emplace_back(item.substr(0, colon), item.substr(colon + 1));
  }
  return out;
}

// The inputs of a host run, as standalone mode makes them: positional .npy
// files, named value files, or the same seeded random tensors.
StatusOr<std::vector<HostTensor>> HostInputs(const BenchOptions& o) {
  VKD_ASSIGN_OR_RETURN(std::unique_ptr<TfLiteRunner> probe,
                       TfLiteRunner::CreateFromFile(o.graph, {}));
  std::vector<HostTensor> inputs;
  for (int i = 0; i < probe->num_inputs(); ++i) {
    HostTensor spec = probe->InputSpec(i);
    for (size_t k = 0; k < o.input_layer.size() && k < o.input_layer_shape.size(); ++k) {
      if (o.input_layer[k] == probe->InputName(i)) spec.shape = o.input_layer_shape[k];
    }
    HostTensor value = RandomTensor(spec.type, spec.shape, o.seed + static_cast<uint32_t>(i));
    if (static_cast<size_t>(i) < o.input_npy.size()) {
      VKD_ASSIGN_OR_RETURN(value, ReadInputFile(o.input_npy[i], spec.type, spec.shape));
    }
    for (const auto& [name, path] : o.input_layer_value_files) {
      if (name == probe->InputName(i)) {
        VKD_ASSIGN_OR_RETURN(value, ReadInputFile(path, spec.type, spec.shape));
      }
    }
    inputs.push_back(std::move(value));
  }
  if (!o.input_npy.empty() && o.input_npy.size() != inputs.size()) {
    return InvalidArgumentError("--input_npy names " + std::to_string(o.input_npy.size()) +
                                " files, the model has " + std::to_string(inputs.size()) +
                                " inputs");
  }
  return inputs;
}

}  // namespace

Status CompareWithTfLite(const BenchOptions& o, const std::vector<HostTensor>& inputs,
                         const std::vector<HostTensor>& ours, const LatencyStats& our_stats,
                         nlohmann::json* report) {
  TfLiteRunOptions t_opts;
  t_opts.num_threads = o.num_threads;
  t_opts.use_xnnpack = o.use_xnnpack;
  const int runs = std::max<int>(o.policy.num_runs, static_cast<int>(our_stats.count));
  VKD_ASSIGN_OR_RETURN(TfLiteTiming t,
                       TimeTfLite(o.graph, t_opts, inputs, 0, o.policy.warmup_runs, runs));
  VKD_ASSIGN_OR_RETURN(double diff, MaxAbsDifference(ours, t.outputs));
  const LatencyStats st = t.stats();
  const char* kernels = o.use_xnnpack ? "xnnpack" : "builtin";
  std::printf(
      "  tflite cpu   TFLite %s (%s kernels), %d thread%s: median %.3f ms (%d runs); "
      "latency ratio vkdelegate/TFLite %.2f; max |output difference| %.3g\n",
      TfLiteRunner::Version().c_str(), kernels, o.num_threads, o.num_threads == 1 ? "" : "s",
      st.median, runs, our_stats.median / st.median, diff);
  (*report)["tflite_cpu"] = {{"version", TfLiteRunner::Version()}, {"kernels", kernels},
                             {"num_threads", o.num_threads},       {"latency_ms", LatencyJson(st)},
                             {"runs_ms", t.latencies_ms},          {"init_ms", t.init_ms}};
  (*report)["max_abs_difference_vs_tflite"] = diff;
  (*report)["speedup_vs_tflite"] = st.median / our_stats.median;
  return Status::Ok();
}

int RunInTfLiteHost(const BenchOptions& o, const Flags& flags) {
  TfLiteRunOptions t_opts;
  t_opts.num_threads = o.num_threads;
  t_opts.external_delegate_path = o.external_delegate_path;
  auto kv = ParseDelegateOptions(o.external_delegate_options);
  if (!kv.ok()) return Fail(kv.status().message());
  t_opts.external_delegate_options = *kv;
  // Probe the plug-in before anything else: a missing or refusing plug-in is
  // a clear error here, not TFLite's wrapper calling through NULL later.
  if (Status s = ProbeDelegatePlugin(t_opts.external_delegate_path, *kv); !s.ok()) {
    return Fail(s.message());
  }
  auto inputs = HostInputs(o);
  if (!inputs.ok()) return Fail(inputs.status().message());
  // The same run policy as standalone mode (benchmark_model's).
  const auto t0 = std::chrono::steady_clock::now();
  for (const HostTensor& in : *inputs) t_opts.input_shapes.push_back(in.shape);
  auto runner = TfLiteRunner::CreateFromFile(o.graph, t_opts);
  if (!runner.ok()) return Fail(runner.status().message());
  for (int i = 0; i < (*runner)->num_inputs(); ++i) {
    if (Status s = (*runner)->SetInput(i, (*inputs)[i]); !s.ok()) return Fail(s.message());
  }
  const double init_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::vector<HostTensor> outputs;
  RunTimes times;
  auto observe = [&](bool, int, double) {
    if (!outputs.empty()) return;
    for (int i = 0; i < (*runner)->num_outputs(); ++i) outputs.push_back((*runner)->GetOutput(i));
  };
  Status run = TimeRuns(
      o.policy, [&] { return (*runner)->Invoke(); }, observe, nullptr, &times);
  if (!run.ok()) return Fail(run.message());
  if (Status s = WriteOutputs(o.output_dir, outputs); !s.ok()) return Fail(s.message());
  const LatencyStats st = Stats(times.runs_ms);
  std::printf("vkd-bench: %s\n", o.graph.c_str());
  std::printf("  backend      TFLite %s host + external delegate %s, %d CPU thread%s\n",
              TfLiteRunner::Version().c_str(), o.external_delegate_path.c_str(), o.num_threads,
              o.num_threads == 1 ? "" : "s");
  std::printf("  init         %.2f ms (interpreter, delegate prepare, allocation)\n", init_ms);
  std::printf("%s", TimingSummary(init_ms, times).c_str());
  std::printf("  latency      min %.3f  median %.3f  mean %.3f  max %.3f ms  (%zu runs)\n", st.min,
              st.median, st.mean, st.max, st.count);
  nlohmann::json report;
  AddRunRecord(flags, &report);
  report["model"] = o.graph;
  report["backend"] = "tflite_host+external_delegate";
  report["external_delegate"] = {{"path", o.external_delegate_path},
                                 {"options", o.external_delegate_options}};
  report["num_threads"] = o.num_threads;
  report["num_runs"] = st.count;
  report["latency_ms"] = TimingJson(times);
  report["runs_ms"] = times.runs_ms;
  report["warmup_ms"] = times.warmup_ms;
  report["init_ms"] = init_ms;
  if (o.compare_tflite) {
    if (Status s = CompareWithTfLite(o, *inputs, outputs, st, &report); !s.ok()) {
      return Fail(s.message());
    }
  }
  if (Status s = WriteReport(o.report_json, report); !s.ok()) return Fail(s.message());
  return 0;
}

}  // namespace vkd::tools
