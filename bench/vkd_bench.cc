// vkd-bench: runs a .tflite model with vkdelegate and reports latency, in the
// manner of TFLite's benchmark_model (its flags, run policy, timing summary
// and profile tables; `--help` lists them all).
//
//   vkd-bench --graph=model.tflite [--num_runs=50 --min_secs=1 --max_secs=150]
//             [--warmup_runs=1 --warmup_min_secs=0.5] [--num_threads=1] [--use_gpu=true]
//             [--enable_op_profiling [--profiling_output_csv_file=p.csv --profile_svg=p.svg]]
//             [--partition_svg=g.svg] [--input_npy=a.npy,b.npy | --input_layer=... ]
//             [--output_dir=DIR] [--report_json=report.json] [--compare_tflite=true]
//             [--external_delegate_path=libvkdelegate.so
//              --external_delegate_options='precision:fp16;log_level:verbose']
//
// Supported ops run on the GPU (Vulkan; lavapipe when there is no GPU), the
// rest on vkdelegate's CPU interpreter, in one invoke; every CPU node says
// why. With --external_delegate_path the model runs in the TFLite 2.9 host
// instead (bench_host.h).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "bench/bench_common.h"
#include "bench/bench_host.h"
#include "bench/bench_options.h"
#include "bench/bench_summary.h"
#include "bench/bench_timing.h"
#include "bench/flags.h"
#include "bench/host_tensor.h"
#include "bench/npy.h"
#include "bench/profile_report.h"
#include "bench/runner_view.h"
#include "bench/svg_report.h"
#include "common/timer.h"
#include "vkdelegate/runner.h"

namespace vkd::tools {
namespace {

// vkd-bench's flags as the public API's options; `force_variants` keeps the
// comma list alive while the runner is created.
VkdRunnerOptions MakeRunnerOptions(const BenchOptions& o, std::string* force_variants) {
  VkdRunnerOptions ro = VkdRunnerOptionsDefault();
  ro.use_gpu = o.use_gpu;
  ro.device_index = o.device;
  ro.enable_fp16 = o.fp16;
  ro.num_threads = o.num_threads;
  ro.cache_dir = o.cache_dir.c_str();  // "" with --use_caching=false: memory only
  ro.enable_quant = o.enable_quant;
  ro.max_partitions = o.max_partitions;
  ro.min_nodes_per_partition = o.min_nodes_per_partition;
  ro.enable_profiling = o.profiling;
  ro.enable_validation = o.validation;
  ro.tuning = o.tuning == "off" ? 1 : o.tuning == "full" ? 2 : 0;
  ro.cpu_memory_budget_mb = static_cast<int32_t>(o.cpu_budget_bytes >> 20);
  ro.gpu_memory_budget_mb = static_cast<int32_t>(o.gpu_budget_bytes >> 20);
  for (const std::string& v : o.force_variants) {
    *force_variants += (force_variants->empty() ? "" : ",") + v;
  }
  ro.force_variants = force_variants->c_str();
  return ro;
}

// The model input called `name`, or an error listing the names there are.
StatusOr<int> InputByName(const std::vector<ir::Tensor>& inputs, const std::string& name) {
  std::string names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].name == name) return static_cast<int>(i);
    names += (i ? ", '" : "'") + inputs[i].name + "'";
  }
  return InvalidArgumentError("--input_layer: the model has no input '" + name +
                              "' (inputs: " + names + ")");
}

StatusOr<std::vector<ir::Tensor>> Inputs(const VkdRunner* r) {
  std::vector<ir::Tensor> v;
  for (int i = 0; i < VkdRunnerInputCount(r); ++i) {
    VKD_ASSIGN_OR_RETURN(ir::Tensor t, InputTensor(r, i));
    v.push_back(std::move(t));
  }
  return v;
}

StatusOr<std::vector<ir::Tensor>> Outputs(const VkdRunner* r) {
  std::vector<ir::Tensor> v;
  for (int i = 0; i < VkdRunnerOutputCount(r); ++i) {
    VKD_ASSIGN_OR_RETURN(ir::Tensor t, OutputTensor(r, i));
    v.push_back(std::move(t));
  }
  return v;
}

Status Resize(VkdRunner* r, int index, const ir::Shape& shape) {
  return FromVkd(VkdRunnerResizeInput(r, index, shape.data(), static_cast<int32_t>(shape.size())));
}

// Resizes inputs (named shapes, .npy shapes) before allocation; returns the
// values given by files, by input index (empty: random).
StatusOr<std::vector<HostTensor>> PrepareInputs(const BenchOptions& o, VkdRunner* r) {
  VKD_ASSIGN_OR_RETURN(std::vector<ir::Tensor> specs, Inputs(r));
  std::vector<HostTensor> given(specs.size());
  for (size_t k = 0; k < o.input_layer_shape.size(); ++k) {
    VKD_ASSIGN_OR_RETURN(int i, InputByName(specs, o.input_layer[k]));
    VKD_RETURN_IF_ERROR_CTX(Resize(r, i, o.input_layer_shape[k]),
                            "--input_layer_shape for '" + o.input_layer[k] + "'");
  }
  if (!o.input_npy.empty() && o.input_npy.size() != specs.size()) {
    return InvalidArgumentError("--input_npy names " + std::to_string(o.input_npy.size()) +
                                " files, the model has " + std::to_string(specs.size()) +
                                " inputs");
  }
  VKD_ASSIGN_OR_RETURN(specs, Inputs(r));
  for (size_t i = 0; i < o.input_npy.size(); ++i) {
    VKD_ASSIGN_OR_RETURN(HostTensor npy, ReadNpy(o.input_npy[i]));
    const ir::Tensor& spec = specs[i];
    if (npy.type != spec.type) {
      return InvalidArgumentError(o.input_npy[i] + ": dtype " + ir::DataTypeName(npy.type) +
                                  " but input " + TensorSummary(spec) + " needs " +
                                  ir::DataTypeName(spec.type));
    }
    if (npy.shape != spec.shape) {
      VKD_RETURN_IF_ERROR_CTX(
          Resize(r, static_cast<int>(i), npy.shape),
          o.input_npy[i] + ": shape " + ir::ShapeToString(npy.shape) + " does not fit");
    }
    given[i] = std::move(npy);
  }
  VKD_ASSIGN_OR_RETURN(specs, Inputs(r));
  for (const auto& [name, path] : o.input_layer_value_files) {
    VKD_ASSIGN_OR_RETURN(int i, InputByName(specs, name));
    VKD_ASSIGN_OR_RETURN(given[i], ReadInputFile(path, specs[i].type, specs[i].shape));
  }
  return given;
}

// CPU nodes and GPU partitions in run order, each partition's dispatches
// after it.
std::vector<ProfileRow> CollectProfile(const VkdRunner* r, const RunnerView& v) {
  const ir::Graph& g = v.graph;
  std::vector<ProfileRow> rows;
  const int count = VkdRunnerProfileCount(r);
  for (int i = 0; i < count; ++i) {
    VkdProfileEntry p;
    if (VkdRunnerProfileEntry(r, i, &p) != kVkdOk) break;
    ProfileRow row;
    row.first_ms = p.first_ms;
    row.avg_ms = p.avg_ms;
    if (p.partition < 0) {
      row.node_type = ir::OpTypeName(g.nodes[p.node].op);
      row.name = ir::NodeLabel(g, p.node) +
                 (std::string(p.implementation) == "xnnpack" ? " [xnnpack]" : "");
      rows.push_back(row);
      continue;
    }
    row.kind = ProfileRow::Kind::kGpuPartition;
    row.node_type = "GPU_PARTITION";
    row.name = "partition " + std::to_string(p.partition) + " (wall)";
    row.partition = p.partition;
    rows.push_back(row);
    for (const DispatchView& k : v.dispatches) {
      if (k.partition != p.partition) continue;
      ProfileRow d;
      d.kind = ProfileRow::Kind::kGpuDispatch;
      d.partition = p.partition;
      d.node_type = k.nodes.empty() ? "IO" : ir::OpTypeName(g.nodes[k.nodes[0]].op);
      d.name = k.kernel + (k.variant.empty() ? "" : " {" + k.variant + "}");
      // A fused dispatch names every node it computes, and its type says so.
      for (size_t i = 1; i < k.nodes.size(); ++i) {
        d.name += (i == 1 ? " fused with " : ", ") + ir::NodeLabel(g, k.nodes[i]);
        d.node_type += std::string("+") + ir::OpTypeName(g.nodes[k.nodes[i]].op);
      }
      d.first_ms = k.first_ms;
      d.avg_ms = k.avg_ms;
      d.flops = k.flops;
      rows.push_back(d);
    }
  }
  return rows;
}

PlacementView MakePlacementView(const RunnerView& r) {
  PlacementView v;
  v.graph = &r.graph;
  v.cpu_reason = r.cpu_reason;
  v.node_partition = r.node_partition;
  for (const DispatchView& k : r.dispatches) {
    if (k.nodes.size() >= 2) v.fused_groups.push_back(k.nodes);
  }
  return v;
}

// The profile's outputs: tables, JSON, CSV and the SVG.
Status ReportProfile(const BenchOptions& o, const VkdRunner* runner, RunnerView* view,
                     nlohmann::json* report) {
  view->dispatches = ReadDispatches(runner);  // with the timed runs' GPU times
  const std::vector<ProfileRow> rows = CollectProfile(runner, *view);
  std::printf("%s", ProfileTables(rows).c_str());
  AddProfileJson(o, rows, *view, report);
  if (!o.profiling_csv.empty())
    VKD_RETURN_IF_ERROR(WriteTextFile(o.profiling_csv, ProfileCsv(rows)));
  if (o.profile_svg.empty()) return Status::Ok();
  std::vector<ProfileBar> bars;
  for (const ProfileRow& r : rows) {
    if (r.kind == ProfileRow::Kind::kGpuPartition) continue;
    bars.push_back({r.name, r.kind == ProfileRow::Kind::kCpuNode ? "cpu" : "gpu", r.avg_ms});
  }
  return WriteSvgFile(o.profile_svg, ProfileSvg(bars, o.graph));
}

// Copies every output of the latest invoke.
Status ReadOutputs(const VkdRunner* r, const std::vector<ir::Tensor>& specs,
                   std::vector<HostTensor>* out) {
  out->clear();
  for (size_t i = 0; i < specs.size(); ++i) {
    HostTensor t{specs[i].type, specs[i].shape, std::vector<uint8_t>(specs[i].bytes())};
    VKD_RETURN_IF_ERROR(
        FromVkd(VkdRunnerGetOutput(r, static_cast<int32_t>(i), t.bytes.data(), t.bytes.size())));
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

int RunStandalone(const BenchOptions& o, const Flags& flags) {
  // The CPU float backend is chosen once per process, before any kernel.
  if (!o.use_xnnpack) setenv("VKD_CPU_FLOAT_BACKEND", "builtin", 1);
  const Timer t_init;
  std::string force_variants;
  const VkdRunnerOptions ro = MakeRunnerOptions(o, &force_variants);
  VkdRunner* raw = nullptr;
  if (VkdRunnerCreateFromFile(o.graph.c_str(), &ro, &raw) != kVkdOk) return Fail(VkdLastError());
  RunnerPtr runner(raw);
  auto given = PrepareInputs(o, runner.get());
  if (!given.ok()) return Fail(given.status().message());
  if (VkdRunnerAllocateTensors(runner.get()) != kVkdOk) return Fail(VkdLastError());
  auto input_specs = Inputs(runner.get());
  auto output_specs = Outputs(runner.get());
  if (!input_specs.ok() || !output_specs.ok()) {
    return Fail((input_specs.ok() ? output_specs.status() : input_specs.status()).message());
  }
  std::vector<HostTensor> inputs = std::move(given).value();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Tensor& spec = (*input_specs)[i];
    if (inputs[i].bytes.empty()) inputs[i] = RandomTensor(spec.type, spec.shape, o.seed + i);
    if (VkdRunnerSetInput(runner.get(), static_cast<int32_t>(i), inputs[i].bytes.data(),
                          inputs[i].bytes.size()) != kVkdOk) {
      return Fail(VkdLastError());
    }
  }
  const double init_ms = t_init.ElapsedMs();
  const double init_rss_mib = PeakRssMiB();
  auto read_view = ReadRunnerView(runner.get());
  if (!read_view.ok()) return Fail(read_view.status().message());
  RunnerView view = std::move(read_view).value();
  const ir::Graph& g = view.graph;
  if (o.use_gpu && !view.gpu_fallback_reason.empty()) {
    std::fprintf(stderr, "vkd-bench: warning: running on the CPU: %s\n",
                 view.gpu_fallback_reason.c_str());
  }

  nlohmann::json report;
  AddRunRecord(flags, &report);
  report["model"] = o.graph;
  if (o.verbose) {
    std::printf("vkd-bench %s flags:", VkdVersionString());
    for (const auto& [name, value] : flags.Values()) {
      std::printf(" --%s=%s", name.c_str(), value.c_str());
    }
    std::printf("\n");
  }
  std::vector<std::string> cpu_nodes;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string& reason = view.cpu_reason[n];
    if (!reason.empty()) cpu_nodes.push_back(ir::NodeLabel(g, static_cast<int>(n)) + ": " + reason);
  }
  if (o.require_full_delegation && !cpu_nodes.empty()) {
    std::string list;
    for (const std::string& c : cpu_nodes) list += "\n  " + c;
    return Fail("--require_full_delegation: " + std::to_string(cpu_nodes.size()) + " of " +
                std::to_string(g.nodes.size()) + " nodes run on the CPU:" + list);
  }
  if (!o.partition_svg.empty()) {
    const std::string svg = PartitionSvg(MakePlacementView(view), o.graph);
    if (Status s = WriteSvgFile(o.partition_svg, svg); !s.ok()) return Fail(s.message());
  }

  RunTimes times;
  std::vector<HostTensor> first_outputs;
  std::vector<double> gpu_ms, host_ms;
  Status observed = Status::Ok();
  if (!o.dry_run) {
    auto observe = [&](bool warmup, int index, double ms) {
      if (first_outputs.empty() && (warmup || index == 0) && observed.ok()) {
        observed = ReadOutputs(runner.get(), *output_specs, &first_outputs);
      }
      if (warmup || !view.gpu_active()) return;
      // GPU time of this invoke (timestamps, all partitions); the rest of the
      // wall time is host work: staging copies, submit, wait, CPU nodes.
      VkdRunnerStats st;
      if (VkdRunnerGetStats(runner.get(), &st) != kVkdOk || st.last_invoke_gpu_ms < 0) return;
      gpu_ms.push_back(st.last_invoke_gpu_ms);
      host_ms.push_back(ms - st.last_invoke_gpu_ms);
    };
    auto reset = [&] { VkdRunnerResetProfile(runner.get()); };
    auto invoke = [&] { return FromVkd(VkdRunnerInvoke(runner.get())); };
    if (Status s = TimeRuns(o.policy, invoke, observe, reset, &times); !s.ok()) {
      return Fail(s.message());
    }
    if (!observed.ok()) return Fail(observed.message());
    if (Status s = WriteOutputs(o.output_dir, first_outputs); !s.ok()) return Fail(s.message());
  }
  const LatencyStats st = Stats(times.runs_ms);
  PrintSummary(o, view, *input_specs, *output_specs, init_ms, &report);
  if (o.dry_run) {
    std::printf("  dry run      no invocations (--dry_run)\n");
  } else {
    std::printf("%s", TimingSummary(init_ms, times).c_str());
    std::printf("  latency      min %.3f  median %.3f  mean %.3f  max %.3f ms  (%zu runs)\n",
                st.min, st.median, st.mean, st.max, st.count);
    report["num_runs"] = st.count;
    report["latency_ms"] = TimingJson(times);
    report["runs_ms"] = times.runs_ms;
    report["warmup_ms"] = times.warmup_ms;
    if (!gpu_ms.empty()) {
      const LatencyStats gpu_st = Stats(gpu_ms), host_st = Stats(host_ms);
      std::printf(
          "  gpu / host   GPU %.3f ms + host %.3f ms per invoke (medians; host = wall - GPU)\n",
          gpu_st.median, host_st.median);
      report["gpu_ms_per_invoke"] = gpu_st.median;
      report["host_ms_per_invoke"] = host_st.median;
    }
  }
  if (o.profiling && !o.dry_run) {
    if (Status s = ReportProfile(o, runner.get(), &view, &report); !s.ok()) {
      return Fail(s.message());
    }
  }
  if (o.report_peak_memory) {
    const double overall = PeakRssMiB();
    std::printf("  peak memory  %.2f MiB after init, %.2f MiB overall (peak resident set)\n",
                init_rss_mib, overall);
    report["peak_memory_mib"] = {{"init", init_rss_mib}, {"overall", overall}};
  }
  if (o.compare_tflite && !o.dry_run) {
    if (Status s = CompareWithTfLite(o, inputs, first_outputs, st, &report); !s.ok()) {
      return Fail(s.message());
    }
  }
  if (Status s = WriteReport(o.report_json, report); !s.ok()) return Fail(s.message());
  return 0;
}

int Run(int argc, char** argv) {
  Flags flags;
  DefineBenchFlags(&flags);
  if (Status s = flags.Parse(argc, argv); !s.ok()) {
    std::fprintf(stderr, "vkd-bench: %s\n", s.message().c_str());
    return 2;
  }
  if (flags.GetString("help") == "true") {
    std::printf("%s", flags.Usage("vkd-bench").c_str());
    return 0;
  }
  auto options = ParseBenchOptions(flags);
  if (!options.ok()) {
    std::fprintf(stderr, "vkd-bench: %s\n", options.status().message().c_str());
    return flags.GetString("graph").empty() ? 2 : 1;
  }
  if (!options->external_delegate_path.empty()) return RunInTfLiteHost(*options, flags);
  return RunStandalone(*options, flags);
}

}  // namespace
}  // namespace vkd::tools

int main(int argc, char** argv) { return vkd::tools::Run(argc, argv); }
