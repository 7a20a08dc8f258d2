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
#include <chrono>
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
#include "bench/svg_report.h"
#include "delegate/model_runner.h"
#include "delegate/reader/model_reader.h"

namespace vkd::tools {
namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

RunnerOptions MakeRunnerOptions(const BenchOptions& o) {
  RunnerOptions ro;
  ro.use_gpu = o.use_gpu;
  ro.gpu.device_index = o.device;
  ro.gpu.precision = o.fp16 ? shaders::Precision::kFp16 : shaders::Precision::kFp32;
  ro.gpu.cache_dir = o.cache_dir;
  ro.gpu.tuning = o.tuning == "off"    ? gpu_delegate::GpuOptions::Tuning::kOff
                  : o.tuning == "full" ? gpu_delegate::GpuOptions::Tuning::kFull
                                       : gpu_delegate::GpuOptions::Tuning::kAuto;
  ro.gpu.force_variants = o.force_variants;
  ro.cpu.memory_budget_bytes = o.cpu_budget_bytes;
  ro.gpu.memory_budget_bytes = o.gpu_budget_bytes;
  ro.gpu.enable_validation = o.validation;
  ro.gpu.enable_profiling = o.profiling;
  ro.enable_quant = o.enable_quant;
  ro.partition.max_partitions = o.max_partitions;
  ro.partition.min_nodes_per_partition = o.min_nodes_per_partition;
  ro.cpu.num_threads = o.num_threads;
  ro.cpu.enable_profiling = o.profiling;
  return ro;
}

// The model input called `name`, or an error listing the names there are.
StatusOr<int> InputByName(const ModelRunner& r, const std::string& name) {
  std::string names;
  for (int i = 0; i < r.num_inputs(); ++i) {
    if (r.input_tensor(i).name == name) return i;
    names += (i ? ", '" : "'") + r.input_tensor(i).name + "'";
  }
  return InvalidArgumentError("--input_layer: the model has no input '" + name +
                              "' (inputs: " + names + ")");
}

// Resizes inputs (named shapes, .npy shapes) before allocation; returns the
// values given by files, by input index (empty: random).
StatusOr<std::vector<HostTensor>> PrepareInputs(const BenchOptions& o, ModelRunner* r) {
  std::vector<HostTensor> given(r->num_inputs());
  for (size_t k = 0; k < o.input_layer_shape.size(); ++k) {
    VKD_ASSIGN_OR_RETURN(int i, InputByName(*r, o.input_layer[k]));
    VKD_RETURN_IF_ERROR_CTX(r->ResizeInput(i, o.input_layer_shape[k]),
                            "--input_layer_shape for '" + o.input_layer[k] + "'");
  }
  if (!o.input_npy.empty() && static_cast<int>(o.input_npy.size()) != r->num_inputs()) {
    return InvalidArgumentError("--input_npy names " + std::to_string(o.input_npy.size()) +
                                " files, the model has " + std::to_string(r->num_inputs()) +
                                " inputs");
  }
  for (size_t i = 0; i < o.input_npy.size(); ++i) {
    VKD_ASSIGN_OR_RETURN(HostTensor npy, ReadNpy(o.input_npy[i]));
    const ir::Tensor& spec = r->input_tensor(static_cast<int>(i));
    if (npy.type != spec.type) {
      return InvalidArgumentError(o.input_npy[i] + ": dtype " + ir::DataTypeName(npy.type) +
                                  " but input " + TensorSummary(spec) + " needs " +
                                  ir::DataTypeName(spec.type));
    }
    if (npy.shape != spec.shape) {
      VKD_RETURN_IF_ERROR_CTX(
          r->ResizeInput(static_cast<int>(i), npy.shape),
          o.input_npy[i] + ": shape " + ir::ShapeToString(npy.shape) + " does not fit");
    }
    given[i] = std::move(npy);
  }
  for (const auto& [name, path] : o.input_layer_value_files) {
    VKD_ASSIGN_OR_RETURN(int i, InputByName(*r, name));
    const ir::Tensor& spec = r->input_tensor(i);
    VKD_ASSIGN_OR_RETURN(given[i], ReadInputFile(path, spec.type, spec.shape));
  }
  return given;
}

// CPU nodes and GPU partitions in run order, each partition's dispatches
// after it.
std::vector<ProfileRow> CollectProfile(const ModelRunner& r, const ir::Graph& g) {
  std::vector<ProfileRow> rows;
  const auto& origin = r.run_node_origin();
  for (const auto& p : r.interpreter().profile()) {
    const int o = origin[p.node_index];
    ProfileRow row;
    row.first_ms = p.first_ms;
    row.avg_ms = p.invokes ? p.total_ms / p.invokes : 0;
    if (o >= 0) {
      const std::string lib = r.interpreter().node_implementation(p.node_index);
      row.node_type = ir::OpTypeName(g.nodes[o].op);
      row.name = ir::NodeLabel(g, o) + (lib == "xnnpack" ? " [xnnpack]" : "");
      rows.push_back(row);
      continue;
    }
    const int part = -1 - o;
    row.kind = ProfileRow::Kind::kGpuPartition;
    row.node_type = "GPU_PARTITION";
    row.name = "partition " + std::to_string(part) + " (wall)";
    row.partition = part;
    rows.push_back(row);
    if (static_cast<size_t>(part) >= r.partitions().size()) continue;
    for (const auto& k : r.partitions()[part]->profile()) {
      ProfileRow d;
      d.kind = ProfileRow::Kind::kGpuDispatch;
      d.partition = part;
      d.node_type = k.nodes.empty() ? "IO" : ir::OpTypeName(g.nodes[k.nodes[0]].op);
      d.name = k.name + (k.variant.empty() ? "" : " {" + k.variant + "}");
      // A fused dispatch names every node it computes, and its type says so.
      for (size_t i = 1; i < k.nodes.size(); ++i) {
        d.name += (i == 1 ? " fused with " : ", ") + ir::NodeLabel(g, k.nodes[i]);
        d.node_type += std::string("+") + ir::OpTypeName(g.nodes[k.nodes[i]].op);
      }
      d.first_ms = k.first_ms;
      d.avg_ms = k.invokes ? k.total_ms / k.invokes : 0;
      d.flops = k.flops;
      rows.push_back(d);
    }
  }
  return rows;
}

PlacementView MakePlacementView(const ModelRunner& r, const ir::Graph& g) {
  PlacementView v;
  v.graph = &g;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string reason = r.CpuReason(static_cast<int>(n));
    v.cpu_reason.push_back(reason);
    v.node_partition.push_back(reason.empty() ? r.plan().node_partition[n] : -1);
  }
  for (const auto& part : r.partitions()) {
    for (const auto& k : part->profile()) {
      if (k.nodes.size() >= 2) v.fused_groups.push_back(k.nodes);
    }
  }
  return v;
}

int RunStandalone(const BenchOptions& o, const Flags& flags) {
  // The CPU float backend is chosen once per process, before any kernel.
  if (!o.use_xnnpack) setenv("VKD_CPU_FLOAT_BACKEND", "builtin", 1);
  const auto t_init = Clock::now();
  auto t = Clock::now();
  auto model = reader::ReadModelFile(o.graph);
  if (!model.ok()) return Fail(model.status().message());
  const double read_ms = MsSince(t);
  auto created = ModelRunner::Create(model->graph, MakeRunnerOptions(o));
  if (!created.ok()) return Fail(created.status().message());
  std::unique_ptr<ModelRunner> runner = std::move(created).value();
  auto given = PrepareInputs(o, runner.get());
  if (!given.ok()) return Fail(given.status().message());
  const shaders::SpirvCacheStats cache_before = runner->gpu_context()
                                                    ? runner->gpu_context()->spirv_cache().stats()
                                                    : shaders::SpirvCacheStats{};
  t = Clock::now();
  if (Status s = runner->AllocateTensors(); !s.ok()) return Fail(s.message());
  const double prepare_ms = MsSince(t);
  std::vector<HostTensor> inputs = std::move(given).value();
  for (int i = 0; i < runner->num_inputs(); ++i) {
    const ir::Tensor& spec = runner->input_tensor(i);
    if (inputs[i].bytes.empty()) inputs[i] = RandomTensor(spec.type, spec.shape, o.seed + i);
    std::memcpy(runner->input_data(i), inputs[i].bytes.data(), inputs[i].bytes.size());
  }
  const double init_ms = MsSince(t_init);
  const double init_rss_mib = PeakRssMiB();
  const ir::Graph& g = runner->graph();

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
    const std::string reason = runner->CpuReason(static_cast<int>(n));
    if (!reason.empty()) cpu_nodes.push_back(ir::NodeLabel(g, static_cast<int>(n)) + ": " + reason);
  }
  if (o.require_full_delegation && !cpu_nodes.empty()) {
    std::string list;
    for (const std::string& c : cpu_nodes) list += "\n  " + c;
    return Fail("--require_full_delegation: " + std::to_string(cpu_nodes.size()) + " of " +
                std::to_string(g.nodes.size()) + " nodes run on the CPU:" + list);
  }
  if (!o.partition_svg.empty()) {
    const std::string svg = PartitionSvg(MakePlacementView(*runner, g), o.graph);
    if (Status s = WriteSvgFile(o.partition_svg, svg); !s.ok()) return Fail(s.message());
  }

  RunTimes times;
  std::vector<HostTensor> first_outputs;
  std::vector<double> gpu_ms, host_ms;
  if (!o.dry_run) {
    auto observe = [&](bool warmup, int index, double ms) {
      if (first_outputs.empty() && (warmup || index == 0)) {
        for (int i = 0; i < runner->num_outputs(); ++i) {
          const ir::Tensor& ot = runner->output_tensor(i);
          first_outputs.push_back(
              {ot.type, ot.shape,
               std::vector<uint8_t>(runner->output_data(i), runner->output_data(i) + ot.bytes())});
        }
      }
      if (warmup || runner->partitions().empty()) return;
      // GPU time of this invoke (timestamps, all partitions); the rest of the
      // wall time is host work: staging copies, submit, wait, CPU nodes.
      double gpu = 0;
      for (const auto& p : runner->partitions()) {
        if (p->last_gpu_ms() < 0) return;
        gpu += p->last_gpu_ms();
      }
      gpu_ms.push_back(gpu);
      host_ms.push_back(ms - gpu);
    };
    auto reset = [&] {
      runner->interpreter().ResetProfile();
      for (const auto& p : runner->partitions()) p->ResetProfile();
    };
    if (Status s = TimeRuns(
            o.policy, [&] { return runner->Invoke(); }, observe, reset, &times);
        !s.ok()) {
      return Fail(s.message());
    }
    if (Status s = WriteOutputs(o.output_dir, first_outputs); !s.ok()) return Fail(s.message());
  }
  const LatencyStats st = Stats(times.runs_ms);
  PrintSummary(o, *runner, g, cache_before, read_ms, prepare_ms, init_ms, &report);
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
    const std::vector<ProfileRow> rows = CollectProfile(*runner, g);
    std::printf("%s", ProfileTables(rows).c_str());
    AddProfileJson(o, rows, *runner, g, &report);
    if (!o.profiling_csv.empty()) {
      if (Status s = WriteTextFile(o.profiling_csv, ProfileCsv(rows)); !s.ok()) {
        return Fail(s.message());
      }
    }
    if (!o.profile_svg.empty()) {
      std::vector<ProfileBar> bars;
      for (const ProfileRow& r : rows) {
        if (r.kind == ProfileRow::Kind::kGpuPartition) continue;
        bars.push_back({r.name, r.kind == ProfileRow::Kind::kCpuNode ? "cpu" : "gpu", r.avg_ms});
      }
      if (Status s = WriteSvgFile(o.profile_svg, ProfileSvg(bars, o.graph)); !s.ok()) {
        return Fail(s.message());
      }
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
