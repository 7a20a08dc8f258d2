// vkd-bench: runs a .tflite model with vkdelegate and reports latency, in the
// manner of TFLite's benchmark_model.
//
//   vkd-bench --graph=model.tflite [--num_runs=50] [--warmup_runs=1]
//             [--num_threads=1] [--use_gpu=true] [--gpu_precision_loss_allowed]
//             [--enable_op_profiling] [--input_npy=a.npy,b.npy]
//             [--output_dir=DIR] [--report_json=report.json]
//             [--compare_tflite=true]
//             [--external_delegate_path=libvkdelegate.so
//              --external_delegate_options='precision:fp16;log_level:verbose']
//
// Supported ops run on the GPU (Vulkan; lavapipe when there is no GPU), the
// rest on vkdelegate's CPU interpreter, in one invoke. With
// --external_delegate_path the model runs in the TFLite 2.9 host instead,
// with the delegate plug-in loaded by TFLite's external delegate, as
// benchmark_model does. --compare_tflite also runs TFLite's CPU path
// (XNNPACK, --num_threads) on the same inputs and reports both latencies and
// the largest output difference.

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <thread>

#include "bench/flags.h"
#include "bench/host_tensor.h"
#include "bench/latency.h"
#include "bench/npy.h"
#include "delegate/model_runner.h"
#include "delegate/reader/model_reader.h"
#ifdef VKD_BENCH_HAVE_TFLITE
#include "bench/tflite_timing.h"
#endif

namespace vkd::tools {
namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string TensorSummary(const ir::Tensor& t) {
  return "'" + t.name + "' " + ir::DataTypeName(t.type) + " " + ir::ShapeToString(t.shape);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "vkd-bench: %s\n", message.c_str());
  return 1;
}

std::string DefaultCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return std::string(xdg) + "/vkdelegate/gpu";
  if (home && *home) return std::string(home) + "/.cache/vkdelegate/gpu";
  return "";
}

Status WriteOutputs(const std::string& dir, const std::vector<HostTensor>& outputs) {
  if (dir.empty()) return Status::Ok();
  // Like `mkdir -p`: a folder that does not exist yet is made, parents too.
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec && !std::filesystem::is_directory(dir)) {
    return InvalidArgumentError("--output_dir: cannot create '" + dir + "': " + ec.message());
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    VKD_RETURN_IF_ERROR(WriteNpy(dir + "/output_" + std::to_string(o) + ".npy", outputs[o]));
  }
  return Status::Ok();
}

Status WriteReport(const std::string& path, const nlohmann::json& report) {
  if (path.empty()) return Status::Ok();
  std::ofstream f(path);
  if (!f) return InvalidArgumentError("cannot write '" + path + "'");
  f << report.dump(2) << "\n";
  if (!f) return DataLossError("short write to '" + path + "'");
  return Status::Ok();
}

nlohmann::json LatencyJson(const LatencyStats& st) {
  return {{"min", st.min}, {"median", st.median}, {"mean", st.mean}, {"max", st.max}};
}

#ifdef VKD_BENCH_HAVE_TFLITE
// TFLite's CPU path on the same inputs: its latency, and how far our first
// run's outputs are from its.
Status CompareWithTfLite(const std::string& model_path, const std::vector<HostTensor>& inputs,
                         const std::vector<HostTensor>& ours, int num_threads, int warmup_runs,
                         int num_runs, const LatencyStats& our_stats, nlohmann::json* report) {
  TfLiteRunOptions o;
  o.num_threads = num_threads;
  o.use_xnnpack = true;
  VKD_ASSIGN_OR_RETURN(TfLiteTiming t, TimeTfLite(model_path, o, inputs, 0, warmup_runs, num_runs));
  VKD_ASSIGN_OR_RETURN(double diff, MaxAbsDifference(ours, t.outputs));
  const LatencyStats st = t.stats();
  std::printf(
      "  tflite cpu   TFLite %s + XNNPACK, %d thread%s: median %.3f ms (%d runs); "
      "latency ratio vkdelegate/TFLite %.2f; max |output difference| %.3g\n",
      TfLiteRunner::Version().c_str(), num_threads, num_threads == 1 ? "" : "s", st.median,
      num_runs, our_stats.median / st.median, diff);
  (*report)["tflite_cpu"] = {{"version", TfLiteRunner::Version()},
                             {"kernels", "xnnpack"},
                             {"num_threads", num_threads},
                             {"latency_ms", LatencyJson(st)},
                             {"init_ms", t.init_ms}};
  (*report)["max_abs_difference_vs_tflite"] = diff;
  (*report)["speedup_vs_tflite"] = st.median / our_stats.median;
  return Status::Ok();
}

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

// The model in the TFLite host with a delegate plug-in (benchmark_model's
// --external_delegate_path); the plug-in prints its own placement line.
int RunInTfLiteHost(const std::string& graph_path, const Flags& flags, int num_threads,
                    int warmup_runs, int num_runs, uint32_t seed, bool compare_tflite) {
  TfLiteRunOptions o;
  o.num_threads = num_threads;
  o.external_delegate_path = flags.GetString("external_delegate_path");
  auto kv = ParseDelegateOptions(flags.GetString("external_delegate_options"));
  if (!kv.ok()) return Fail(kv.status().message());
  o.external_delegate_options = *kv;
  // --input_npy as in standalone mode: the same files give the same inputs
  // (TFLite resizes its inputs to their shapes); none: the same seeded ones.
  std::vector<HostTensor> inputs;
  for (const std::string& file : SplitComma(flags.GetString("input_npy"))) {
    auto npy = ReadNpy(file);
    if (!npy.ok()) return Fail(npy.status().message());
    inputs.push_back(std::move(npy).value());
  }
  auto timing = TimeTfLite(graph_path, o, inputs, seed, warmup_runs, num_runs);
  if (!timing.ok()) return Fail(timing.status().message());
  if (Status s = WriteOutputs(flags.GetString("output_dir"), timing->outputs); !s.ok()) {
    return Fail(s.message());
  }
  const LatencyStats st = timing->stats();
  std::printf("vkd-bench: %s\n", graph_path.c_str());
  std::printf("  backend      TFLite %s host + external delegate %s, %d CPU thread%s\n",
              TfLiteRunner::Version().c_str(), o.external_delegate_path.c_str(), num_threads,
              num_threads == 1 ? "" : "s");
  std::printf("  init         %.2f ms (interpreter, delegate prepare, allocation)\n",
              timing->init_ms);
  std::printf("  latency      min %.3f  median %.3f  mean %.3f  max %.3f ms  (%d runs)\n", st.min,
              st.median, st.mean, st.max, num_runs);
  nlohmann::json report;
  report["model"] = graph_path;
  report["backend"] = "tflite_host+external_delegate";
  report["external_delegate"] = {{"path", o.external_delegate_path},
                                 {"options", flags.GetString("external_delegate_options")}};
  report["num_threads"] = num_threads;
  report["num_runs"] = num_runs;
  report["latency_ms"] = LatencyJson(st);
  report["init_ms"] = timing->init_ms;
  if (compare_tflite) {
    // The inputs of the delegated run: the .npy files, or the same seeded
    // ones TimeTfLite made.
    if (inputs.empty()) {
      auto probe = TfLiteRunner::CreateFromFile(graph_path, {});
      if (!probe.ok()) return Fail(probe.status().message());
      for (int i = 0; i < (*probe)->num_inputs(); ++i) {
        const HostTensor spec = (*probe)->InputSpec(i);
        inputs.push_back(RandomTensor(spec.type, spec.shape, seed + static_cast<uint32_t>(i)));
      }
    }
    if (Status s = CompareWithTfLite(graph_path, inputs, timing->outputs, num_threads, warmup_runs,
                                     num_runs, st, &report);
        !s.ok()) {
      return Fail(s.message());
    }
  }
  if (Status s = WriteReport(flags.GetString("report_json"), report); !s.ok()) {
    return Fail(s.message());
  }
  return 0;
}
#else
Status CompareWithTfLite(const std::string&, const std::vector<HostTensor>&,
                         const std::vector<HostTensor>&, int, int, int, const LatencyStats&,
                         nlohmann::json*) {
  return UnavailableError(
      "--compare_tflite: vkd-bench was built without TFLite (run scripts/setup.sh)");
}
int RunInTfLiteHost(const std::string&, const Flags&, int, int, int, uint32_t, bool) {
  return Fail(
      "--external_delegate_path: vkd-bench was built without TFLite (run scripts/setup.sh)");
}
#endif

int Run(int argc, char** argv) {
  Flags flags;
  flags.Define("graph", "", "path of the .tflite model to run");
  flags.Define("num_runs", "50", "timed invocations");
  flags.Define("warmup_runs", "1", "untimed invocations before the timed ones");
  flags.Define("num_threads", "1", "CPU threads for the CPU kernels (-1: one per core)");
  flags.Define("use_gpu", "true",
               "run supported ops on the GPU (Vulkan); without a Vulkan device: a warning, CPU");
  flags.Define("gpu_precision_loss_allowed", "false", "fp16 storage and arithmetic on the GPU");
  flags.Define("gpu_device", "-1", "Vulkan device index (-1: discrete > integrated > CPU device)");
  flags.Define("gpu_cache_dir", DefaultCacheDir(),
               "SPIR-V and pipeline cache directory (empty: no disk cache)");
  flags.Define("gpu_validation", "false", "enable the Khronos validation layer (slow)");
  flags.Define("gpu_tuning", "auto",
               "time kernel variants at first prepare and cache the fastest: auto (real GPUs, "
               "small budget), off (device heuristics), full (every kernel shape, any device)");
  flags.Define("memory_budget_mb", "0",
               "most MiB the CPU tensor arena may take (0: 3/4 of physical memory)");
  flags.Define("gpu_memory_budget_mb", "0",
               "most MiB of GPU memory the partitions may hold; past it they run on the CPU "
               "(0: 9/10 of the device heap)");
  flags.Define("gpu_force_variant", "",
               "comma list of kernel variants to use wherever offered (e.g. gemm_ksplit8)");
  flags.Define("gpu_enable_quant", "false",
               "quantized models: run int8/uint8 ops in float on the GPU (QUANTIZE/DEQUANTIZE at "
               "partition edges) instead of on the CPU int8 kernels");
  flags.Define("max_partitions", "0", "GPU partitions to keep, largest first (0: unlimited)");
  flags.Define("min_nodes_per_partition", "1", "smaller GPU partitions run on the CPU");
  flags.Define("enable_op_profiling", "false",
               "time every CPU node and GPU dispatch (GPU timestamps) and print the most "
               "expensive ones");
  flags.Define("print_placement", "false", "print every node's placement and CPU reason");
  flags.Define("gemm_ceiling_gflops", "0",
               "the device's GEMM ceiling (vkd-gemm-bench); with --enable_op_profiling, conv "
               "dispatches are reported as a fraction of it");
  flags.Define("input_npy", "",
               "comma-separated .npy files, one per model input (default: seeded random inputs)");
  flags.Define("output_dir", "", "write output_<i>.npy of the first run into this folder");
  flags.Define("report_json", "", "write a JSON report to this path");
  flags.Define("seed", "1", "seed of the random inputs");
  flags.Define("compare_tflite", "false",
               "also run TFLite's CPU path (XNNPACK, --num_threads) on the same inputs and "
               "report its latency and the max output difference");
  flags.Define("external_delegate_path", "",
               "run in the TFLite host with this delegate plug-in (libvkdelegate.so), as "
               "benchmark_model does");
  flags.Define("external_delegate_options", "", "options of the plug-in: 'key:value;key:value'");
  flags.Define("help", "false", "print this help");
  // TFLite benchmark_model's names for the same flags.
  flags.Alias("max_delegated_partitions", "max_partitions");
  flags.Alias("gpu_experimental_enable_quant", "gpu_enable_quant");
  if (Status s = flags.Parse(argc, argv); !s.ok()) {
    std::fprintf(stderr, "vkd-bench: %s\n", s.message().c_str());
    return 2;
  }
  if (flags.GetString("help") == "true") {
    std::printf("%s", flags.Usage("vkd-bench").c_str());
    return 0;
  }
  const std::string graph_path = flags.GetString("graph");
  if (graph_path.empty()) {
    std::fprintf(stderr, "vkd-bench: --graph is required\n%s", flags.Usage("vkd-bench").c_str());
    return 2;
  }
  auto num_runs = flags.GetInt("num_runs");
  auto warmup_runs = flags.GetInt("warmup_runs");
  auto num_threads = flags.GetInt("num_threads");
  auto use_gpu = flags.GetBool("use_gpu");
  auto fp16 = flags.GetBool("gpu_precision_loss_allowed");
  auto device = flags.GetInt("gpu_device");
  auto validation = flags.GetBool("gpu_validation");
  auto max_partitions = flags.GetInt("max_partitions");
  auto min_nodes = flags.GetInt("min_nodes_per_partition");
  auto profiling = flags.GetBool("enable_op_profiling");
  auto print_placement = flags.GetBool("print_placement");
  auto seed = flags.GetInt("seed");
  const double ceiling = std::atof(flags.GetString("gemm_ceiling_gflops").c_str());
  for (const Status& s :
       {num_runs.status(), warmup_runs.status(), num_threads.status(), use_gpu.status(),
        fp16.status(), device.status(), validation.status(), max_partitions.status(),
        min_nodes.status(), profiling.status(), print_placement.status(), seed.status()}) {
    if (!s.ok()) return Fail(s.message());
  }
  // benchmark_model's default -1 lets the runtime choose: one thread per core.
  if (*num_threads == -1)
    *num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (*num_threads < 1) return Fail("--num_threads must be >= 1, or -1 for one per core");
  if (*num_runs < 1) return Fail("--num_runs must be >= 1");
  if (*warmup_runs < 0) return Fail("--warmup_runs must be >= 0");
  if (*min_nodes < 1) return Fail("--min_nodes_per_partition must be >= 1");
  auto compare_tflite = flags.GetBool("compare_tflite");
  if (!compare_tflite.ok()) return Fail(compare_tflite.status().message());
  if (!flags.GetString("external_delegate_path").empty()) {
    return RunInTfLiteHost(graph_path, flags, *num_threads, *warmup_runs, *num_runs,
                           static_cast<uint32_t>(*seed), *compare_tflite);
  }

  // Init: read, GPU context, partition, compile (at AllocateTensors).
  const auto t_init = Clock::now();
  auto t = Clock::now();
  auto model = reader::ReadModelFile(graph_path);
  if (!model.ok()) return Fail(model.status().message());
  const double read_ms = MsSince(t);

  RunnerOptions ro;
  ro.use_gpu = *use_gpu;
  ro.gpu.device_index = *device;
  ro.gpu.precision = *fp16 ? shaders::Precision::kFp16 : shaders::Precision::kFp32;
  ro.gpu.cache_dir = flags.GetString("gpu_cache_dir");
  const std::string tuning = flags.GetString("gpu_tuning");
  if (tuning == "auto") {
    ro.gpu.tuning = gpu_delegate::GpuOptions::Tuning::kAuto;
  } else if (tuning == "off") {
    ro.gpu.tuning = gpu_delegate::GpuOptions::Tuning::kOff;
  } else if (tuning == "full") {
    ro.gpu.tuning = gpu_delegate::GpuOptions::Tuning::kFull;
  } else {
    return Fail("--gpu_tuning must be auto, off or full, not '" + tuning + "'");
  }
  ro.gpu.force_variants = SplitComma(flags.GetString("gpu_force_variant"));
  auto cpu_budget = flags.GetInt("memory_budget_mb");
  auto gpu_budget = flags.GetInt("gpu_memory_budget_mb");
  if (!cpu_budget.ok() || *cpu_budget < 0) return Fail("--memory_budget_mb must be >= 0");
  if (!gpu_budget.ok() || *gpu_budget < 0) return Fail("--gpu_memory_budget_mb must be >= 0");
  ro.cpu.memory_budget_bytes = static_cast<size_t>(*cpu_budget) << 20;
  ro.gpu.memory_budget_bytes = static_cast<uint64_t>(*gpu_budget) << 20;
  ro.gpu.enable_validation = *validation;
  ro.gpu.enable_profiling = *profiling;
  auto enable_quant = flags.GetBool("gpu_enable_quant");
  if (!enable_quant.ok()) return Fail(enable_quant.status().message());
  ro.enable_quant = *enable_quant;
  ro.partition.max_partitions = *max_partitions;
  ro.partition.min_nodes_per_partition = *min_nodes;
  ro.cpu.num_threads = *num_threads;
  ro.cpu.enable_profiling = *profiling;
  auto created = ModelRunner::Create(model->graph, ro);
  if (!created.ok()) return Fail(created.status().message());
  std::unique_ptr<ModelRunner> runner = std::move(created).value();

  // Inputs: from .npy files, or seeded random.
  std::vector<HostTensor> inputs;
  const std::vector<std::string> npy_files = SplitComma(flags.GetString("input_npy"));
  if (!npy_files.empty() && static_cast<int>(npy_files.size()) != runner->num_inputs()) {
    return Fail("--input_npy names " + std::to_string(npy_files.size()) + " files, the model has " +
                std::to_string(runner->num_inputs()) + " inputs");
  }
  for (size_t i = 0; i < npy_files.size(); ++i) {
    auto npy = ReadNpy(npy_files[i]);
    if (!npy.ok()) return Fail(npy.status().message());
    const ir::Tensor& spec = runner->input_tensor(static_cast<int>(i));
    if (npy->type != spec.type) {
      return Fail(npy_files[i] + ": dtype " + ir::DataTypeName(npy->type) + " but input " +
                  TensorSummary(spec) + " needs " + ir::DataTypeName(spec.type));
    }
    if (npy->shape != spec.shape) {
      if (Status s = runner->ResizeInput(static_cast<int>(i), npy->shape); !s.ok()) {
        return Fail(npy_files[i] + ": shape " + ir::ShapeToString(npy->shape) +
                    " does not fit: " + s.message());
      }
    }
    inputs.push_back(std::move(npy).value());
  }
  const shaders::SpirvCacheStats cache_before = runner->gpu_context()
                                                    ? runner->gpu_context()->spirv_cache().stats()
                                                    : shaders::SpirvCacheStats{};
  t = Clock::now();
  if (Status s = runner->AllocateTensors(); !s.ok()) return Fail(s.message());
  const double prepare_ms = MsSince(t);
  if (inputs.empty()) {
    for (int i = 0; i < runner->num_inputs(); ++i) {
      const ir::Tensor& spec = runner->input_tensor(i);
      inputs.push_back(RandomTensor(spec.type, spec.shape, static_cast<uint32_t>(*seed + i)));
    }
  }
  for (int i = 0; i < runner->num_inputs(); ++i) {
    std::memcpy(runner->input_data(i), inputs[i].bytes.data(), inputs[i].bytes.size());
  }
  const double init_ms = MsSince(t_init);

  // Warm-up and the first run, whose outputs are saved.
  const std::string out_dir = flags.GetString("output_dir");
  std::vector<HostTensor> first_outputs;
  for (int r = 0; r < std::max(1, *warmup_runs); ++r) {
    if (Status s = runner->Invoke(); !s.ok()) return Fail(s.message());
    if (r > 0) continue;
    for (int o = 0; o < runner->num_outputs(); ++o) {
      const ir::Tensor& ot = runner->output_tensor(o);
      first_outputs.push_back(
          {ot.type, ot.shape,
           std::vector<uint8_t>(runner->output_data(o), runner->output_data(o) + ot.bytes())});
    }
    if (Status s = WriteOutputs(out_dir, first_outputs); !s.ok()) return Fail(s.message());
  }
  runner->interpreter().ResetProfile();
  for (const auto& p : runner->partitions()) p->ResetProfile();
  std::vector<double> latencies, gpu_ms, host_ms;
  latencies.reserve(*num_runs);
  for (int r = 0; r < *num_runs; ++r) {
    const auto start = Clock::now();
    if (Status s = runner->Invoke(); !s.ok()) return Fail(s.message());
    latencies.push_back(MsSince(start));
    // GPU time of this invoke (timestamps, all partitions); the rest of the
    // wall time is host work: staging copies, submit, wait, CPU nodes.
    double gpu = 0;
    bool timed = !runner->partitions().empty();
    for (const auto& p : runner->partitions()) {
      if (p->last_gpu_ms() < 0) timed = false;
      gpu += p->last_gpu_ms();
    }
    if (timed) {
      gpu_ms.push_back(gpu);
      host_ms.push_back(latencies.back() - gpu);
    }
  }
  const LatencyStats st = Stats(latencies);
  const bool gpu_timed = !gpu_ms.empty();
  const LatencyStats gpu_st = Stats(gpu_ms), host_st = Stats(host_ms);
  const ir::Graph& g = runner->graph();
  const bool on_gpu = runner->gpu_active();
  const gpu_delegate::GpuContext* gctx = runner->gpu_context();

  // Placement and GPU init figures.
  const int nodes_on_gpu = on_gpu ? runner->plan().num_gpu_nodes() : 0;
  int dispatches = 0, io_dispatches = 0, barriers = 0;
  gpu_delegate::PartitionInitStats gpu_init;
  size_t gpu_constant_bytes = 0, gpu_arena_bytes = 0;
  for (const auto& p : runner->partitions()) {
    dispatches += p->num_dispatches() + p->num_io_dispatches();
    io_dispatches += p->num_io_dispatches();
    barriers += p->num_barriers();
    const auto& i = p->init_stats();
    gpu_init.build_ms += i.build_ms;
    gpu_init.shader_ms += i.shader_ms;
    gpu_init.pipeline_ms += i.pipeline_ms;
    gpu_init.upload_ms += i.upload_ms;
    gpu_init.tuning_ms += i.tuning_ms;
    gpu_init.tuned_shapes += i.tuned_shapes;
    gpu_init.record_ms += i.record_ms;
    gpu_init.shader_compiles += i.shader_compiles;
    gpu_constant_bytes += p->constant_bytes();
    gpu_arena_bytes += p->arena_bytes();
  }
  shaders::SpirvCacheStats cache_delta;
  uint64_t peak_gpu_bytes = 0;
  if (gctx) {
    const shaders::SpirvCacheStats after = gctx->spirv_cache().stats();
    cache_delta.compiles = after.compiles - cache_before.compiles;
    cache_delta.disk_hits = after.disk_hits - cache_before.disk_hits;
    cache_delta.memory_hits = after.memory_hits - cache_before.memory_hits;
    peak_gpu_bytes = gctx->allocator().stats().peak_used_bytes;
  }
  const char* cache_state = cache_delta.compiles > 0 ? "cold" : "warm";

  // Human-readable summary.
  std::string backend = "cpu";
  if (on_gpu) {
    backend = std::string("gpu+cpu (") + gctx->device().info().name + ")";
  }
  std::printf("vkd-bench: %s\n", graph_path.c_str());
  std::printf("  backend      %s, %d CPU thread%s\n", backend.c_str(), *num_threads,
              *num_threads == 1 ? "" : "s");
  if (!runner->gpu_fallback_reason().empty()) {
    std::printf("  gpu          not used: %s\n", runner->gpu_fallback_reason().c_str());
  }
  if (!runner->quant_note().empty()) {
    std::printf("  gpu          %s\n", runner->quant_note().c_str());
  }
  std::printf(
      "  nodes        %zu total, %d on GPU in %zu partition%s, %d dispatch%s (%d of them I/O "
      "conversions) and %d barrier%s per invoke\n",
      g.nodes.size(), nodes_on_gpu, runner->partitions().size(),
      runner->partitions().size() == 1 ? "" : "s", dispatches, dispatches == 1 ? "" : "es",
      io_dispatches, barriers, barriers == 1 ? "" : "s");
  // CPU nodes and why (grouped by reason, so a big model stays readable).
  std::map<std::string, std::vector<int>> cpu_by_reason;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    std::string reason;
    if (!on_gpu) {
      reason = runner->gpu_fallback_reason().empty() ? "GPU not requested" : "GPU not used";
    } else if (runner->plan().node_partition[n] < 0) {
      reason = runner->plan().cpu_reason[n];
    } else {
      continue;
    }
    cpu_by_reason[std::string(ir::OpTypeName(g.nodes[n].op)) + ": " + reason].push_back(
        static_cast<int>(n));
  }
  if (on_gpu) {
    for (const auto& [reason, nodes] : cpu_by_reason) {
      std::printf("  cpu          %zu x %s\n", nodes.size(), reason.c_str());
    }
  }
  if (*print_placement) {
    for (size_t n = 0; n < g.nodes.size(); ++n) {
      const int p = on_gpu ? runner->plan().node_partition[n] : -1;
      std::printf(
          "    %-28s %s\n", ir::NodeLabel(g, static_cast<int>(n)).c_str(),
          p >= 0 ? ("gpu partition " + std::to_string(p)).c_str()
                 : ("cpu: " + (on_gpu ? runner->plan().cpu_reason[n] : std::string("GPU not used")))
                       .c_str());
    }
  }
  for (int i = 0; i < runner->num_inputs(); ++i)
    std::printf("  input %d      %s\n", i, TensorSummary(runner->input_tensor(i)).c_str());
  for (int o = 0; o < runner->num_outputs(); ++o)
    std::printf("  output %d     %s\n", o, TensorSummary(runner->output_tensor(o)).c_str());
  std::printf("  init         %.2f ms (read %.2f, prepare %.2f", init_ms, read_ms, prepare_ms);
  if (on_gpu) {
    std::printf(
        "; vulkan %.2f, partition %.2f, build %.2f, shaders %.2f [%s cache: %d compiled, "
        "%d from disk], pipelines %.2f, upload %.2f, tuning %.2f [%d shapes], record %.2f",
        runner->gpu_context_ms(), runner->partition_ms(), gpu_init.build_ms, gpu_init.shader_ms,
        cache_state, cache_delta.compiles, cache_delta.disk_hits, gpu_init.pipeline_ms,
        gpu_init.upload_ms, gpu_init.tuning_ms, gpu_init.tuned_shapes, gpu_init.record_ms);
  }
  std::printf(")\n");
  if (on_gpu) {
    std::map<std::string, int> variant_count, how_count;
    for (const auto& part : runner->partitions()) {
      for (const auto& k : part->profile()) {
        if (k.variant.empty()) continue;
        ++variant_count[k.variant];
        ++how_count[k.chosen_by];
      }
    }
    if (!variant_count.empty()) {
      std::printf("  variants    ");
      for (const auto& [v, c] : variant_count) std::printf(" %s x%d", v.c_str(), c);
      std::printf("  (chosen:");
      for (const auto& [h, c] : how_count) std::printf(" %s %d", h.c_str(), c);
      std::printf("); vulkan instance %.2f ms, device %.2f ms\n", gctx->instance_ms(),
                  gctx->device_ms());
    }
  }
  std::printf("  memory       cpu arena %.2f MiB", runner->interpreter().arena_bytes() / 1048576.0);
  if (on_gpu) {
    std::printf(", gpu activations %.2f MiB, gpu weights %.2f MiB, gpu peak %.2f MiB",
                gpu_arena_bytes / 1048576.0, gpu_constant_bytes / 1048576.0,
                peak_gpu_bytes / 1048576.0);
  }
  std::printf("\n");
  std::printf("  latency      min %.3f  median %.3f  mean %.3f  max %.3f ms  (%d runs)\n", st.min,
              st.median, st.mean, st.max, *num_runs);
  if (gpu_timed) {
    std::printf(
        "  gpu / host   GPU %.3f ms + host %.3f ms per invoke (medians; host = wall - GPU)\n",
        gpu_st.median, host_st.median);
  }

  nlohmann::json report;
  report["model"] = graph_path;
  report["backend"] = on_gpu ? "gpu" : "cpu";
  report["num_threads"] = *num_threads;
  if (gctx) {
    const auto& info = gctx->device().info();
    report["device"] = {{"name", info.name},
                        {"driver", info.driver_name + " " + info.driver_info},
                        {"kind", gpu::DeviceKindName(info.kind)}};
    report["precision"] = gctx->precision() == shaders::Precision::kFp16 ? "fp16" : "fp32";
  }
  if (!runner->gpu_fallback_reason().empty()) {
    report["gpu_fallback_reason"] = runner->gpu_fallback_reason();
  }
  report["enable_quant"] = *enable_quant;
  report["nodes_total"] = g.nodes.size();
  report["nodes_on_gpu"] = nodes_on_gpu;
  report["partitions"] = runner->partitions().size();
  report["dispatches_per_invoke"] = dispatches;
  report["io_dispatches_per_invoke"] = io_dispatches;
  report["barriers_per_invoke"] = barriers;
  nlohmann::json placement = nlohmann::json::array();
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const int p = on_gpu ? runner->plan().node_partition[n] : -1;
    nlohmann::json e = {{"node", n}, {"op", ir::OpTypeName(g.nodes[n].op)}};
    if (p >= 0) {
      e["placement"] = "gpu";
      e["partition"] = p;
    } else {
      e["placement"] = "cpu";
      e["reason"] = on_gpu
                        ? runner->plan().cpu_reason[n]
                        : (runner->gpu_fallback_reason().empty() ? "GPU not requested"
                                                                 : runner->gpu_fallback_reason());
    }
    placement.push_back(e);
  }
  report["placement"] = placement;
  report["num_runs"] = *num_runs;
  report["latency_ms"] = LatencyJson(st);
  if (gpu_timed) {
    report["gpu_ms_per_invoke"] = gpu_st.median;
    report["host_ms_per_invoke"] = host_st.median;
  }
  report["init_ms"] = init_ms;
  report["init_breakdown_ms"] = {{"read", read_ms}, {"prepare", prepare_ms}};
  if (on_gpu) {
    report["init_breakdown_ms"]["vulkan_context"] = runner->gpu_context_ms();
    report["init_breakdown_ms"]["vulkan_instance"] = gctx->instance_ms();
    report["init_breakdown_ms"]["vulkan_device"] = gctx->device_ms();
    report["init_breakdown_ms"]["vkdelegate"] = init_ms - gctx->instance_ms() - gctx->device_ms();
    report["init_breakdown_ms"]["partition"] = runner->partition_ms();
    report["init_breakdown_ms"]["gpu_build"] = gpu_init.build_ms;
    report["init_breakdown_ms"]["shader_compile"] = gpu_init.shader_ms;
    report["init_breakdown_ms"]["pipeline_creation"] = gpu_init.pipeline_ms;
    report["init_breakdown_ms"]["upload"] = gpu_init.upload_ms;
    report["init_breakdown_ms"]["record"] = gpu_init.record_ms;
    report["init_breakdown_ms"]["tuning"] = gpu_init.tuning_ms;
    report["tuned_shapes"] = gpu_init.tuned_shapes;
    // Which variant every GPU kernel runs, and how it was chosen.
    nlohmann::json variants = nlohmann::json::array();
    for (const auto& part : runner->partitions()) {
      for (const auto& k : part->profile()) {
        if (k.variant.empty()) continue;
        variants.push_back({{"kernel", k.name},
                            {"nodes", k.nodes},
                            {"variant", k.variant},
                            {"chosen_by", k.chosen_by},
                            {"tuned", k.chosen_by.rfind("tuned", 0) == 0}});
      }
    }
    report["kernel_variants"] = variants;
    report["shader_cache"] = {{"state", cache_state},
                              {"compiled", cache_delta.compiles},
                              {"disk_hits", cache_delta.disk_hits},
                              {"memory_hits", cache_delta.memory_hits},
                              {"dir", gctx->spirv_cache().dir()}};
    report["peak_gpu_bytes"] = peak_gpu_bytes;
    report["gpu_activation_bytes"] = gpu_arena_bytes;
    report["gpu_weight_bytes"] = gpu_constant_bytes;
  }
  report["arena_bytes"] = runner->interpreter().arena_bytes();

  if (*profiling) {
    // One row per CPU node and per GPU dispatch; partitions' wall time is in
    // their CUSTOM node rows.
    struct Row {
      std::string what, op, placement;
      std::vector<int> nodes;
      double ms = 0;
      double flops = 0;
    };
    std::vector<Row> rows;
    const auto& origin = runner->run_node_origin();
    for (const auto& p : runner->interpreter().profile()) {
      const int o = origin[p.node_index];
      const double avg = p.invokes ? p.total_ms / p.invokes : 0;
      if (o >= 0) {
        const std::string lib = runner->interpreter().node_implementation(p.node_index);
        rows.push_back({"node " + std::to_string(o) + (lib == "xnnpack" ? " [xnnpack]" : ""),
                        ir::OpTypeName(g.nodes[o].op),
                        "cpu",
                        {o},
                        avg});
      } else {
        rows.push_back(
            {"partition " + std::to_string(-1 - o), "GPU_PARTITION", "gpu-wall", {}, avg});
      }
    }
    for (const auto& part : runner->partitions()) {
      for (const auto& k : part->profile()) {
        rows.push_back({k.name, k.nodes.empty() ? "IO" : ir::OpTypeName(g.nodes[k.nodes[0]].op),
                        "gpu", k.nodes, k.invokes ? k.total_ms / k.invokes : 0, k.flops});
      }
    }
    double total = 0;
    for (const auto& r : rows) {
      if (r.placement != "gpu-wall") total += r.ms;
    }
    nlohmann::json per_op = nlohmann::json::array();
    std::map<std::string, std::pair<double, int>> by_type;
    double conv_flops = 0, conv_ms = 0;
    for (const auto& r : rows) {
      nlohmann::json row = {
          {"name", r.what},
          {"op", r.op},
          {"nodes", r.nodes},
          {"placement", r.placement},
          {"avg_ms", r.ms},
          {"percent", total > 0 && r.placement != "gpu-wall" ? 100.0 * r.ms / total : 0}};
      if (r.flops > 0 && r.ms > 0) {
        row["gflops"] = r.flops / (r.ms * 1e6);
        if (ceiling > 0) row["fraction_of_gemm_ceiling"] = r.flops / (r.ms * 1e6) / ceiling;
        if (r.op == "CONV_2D") {
          conv_flops += r.flops;
          conv_ms += r.ms;
        }
      }
      per_op.push_back(row);
      if (r.placement == "gpu-wall") continue;
      by_type[r.placement + ":" + r.op].first += r.ms;
      by_type[r.placement + ":" + r.op].second += 1;
    }
    report["per_op"] = per_op;
    if (conv_ms > 0) {
      const double gflops = conv_flops / (conv_ms * 1e6);
      report["conv_gflops"] = gflops;
      std::printf("  conv layers  %.2f GFLOP/s over %.3f ms", gflops, conv_ms);
      if (ceiling > 0) {
        report["conv_fraction_of_gemm_ceiling"] = gflops / ceiling;
        std::printf(" = %.0f%% of the %.2f GFLOP/s GEMM ceiling", 100 * gflops / ceiling, ceiling);
      }
      std::printf("\n");
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.ms > b.ms; });
    std::printf(
        "  op profile   (average per invoke, most expensive first; GPU rows from "
        "timestamps)\n");
    std::printf("    %-9s %-44s %10s %7s\n", "where", "what", "ms", "%");
    int shown = 0;
    for (const auto& r : rows) {
      if (shown++ >= 15) break;
      std::printf("    %-9s %-44s %10.4f %6.1f%%\n", r.placement.c_str(),
                  (r.what + (r.placement == "cpu" ? " " + r.op : "")).substr(0, 44).c_str(), r.ms,
                  total > 0 && r.placement != "gpu-wall" ? 100.0 * r.ms / total : 0);
    }
    std::printf("  by op type\n");
    nlohmann::json summary = nlohmann::json::object();
    for (const auto& [op, v] : by_type) {
      std::printf("    %-30s %3d %10.4f ms\n", op.c_str(), v.second, v.first);
      summary[op] = {{"count", v.second}, {"avg_ms", v.first}};
    }
    report["op_type_summary"] = summary;
  }

  if (*compare_tflite) {
    if (Status s = CompareWithTfLite(graph_path, inputs, first_outputs, *num_threads, *warmup_runs,
                                     *num_runs, st, &report);
        !s.ok()) {
      return Fail(s.message());
    }
  }
  if (Status s = WriteReport(flags.GetString("report_json"), report); !s.ok()) {
    return Fail(s.message());
  }
  return 0;
}

}  // namespace
}  // namespace vkd::tools

int main(int argc, char** argv) { return vkd::tools::Run(argc, argv); }
