// vkd-bench: runs a .tflite model with vkdelegate and reports latency, in the
// manner of TFLite's benchmark_model.
//
//   vkd-bench --graph=model.tflite [--num_runs=50] [--warmup_runs=1]
//             [--num_threads=1] [--enable_op_profiling] [--input_npy=a.npy,b.npy]
//             [--output_dir=DIR] [--report_json=report.json]

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "bench/flags.h"
#include "bench/host_tensor.h"
#include "bench/npy.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/reader/model_reader.h"

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

struct LatencyStats {
  double min = 0, median = 0, mean = 0, max = 0;
};

LatencyStats Stats(std::vector<double> v) {
  LatencyStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  return s;
}

std::string TensorSummary(const ir::Tensor& t) {
  return "'" + t.name + "' " + ir::DataTypeName(t.type) + " " + ir::ShapeToString(t.shape);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "vkd-bench: %s\n", message.c_str());
  return 1;
}

int Run(int argc, char** argv) {
  Flags flags;
  flags.Define("graph", "", "path of the .tflite model to run");
  flags.Define("num_runs", "50", "timed invocations");
  flags.Define("warmup_runs", "1", "untimed invocations before the timed ones");
  flags.Define("num_threads", "1", "CPU threads for the CPU kernels");
  flags.Define("use_gpu", "false",
               "run supported ops on the GPU (Vulkan); the GPU path is not built yet");
  flags.Define("enable_op_profiling", "false", "time every node and print the most expensive ones");
  flags.Define("input_npy", "",
               "comma-separated .npy files, one per model input (default: seeded random inputs)");
  flags.Define("output_dir", "", "write output_<i>.npy of the first run into this folder");
  flags.Define("report_json", "", "write a JSON report to this path");
  flags.Define("seed", "1", "seed of the random inputs");
  flags.Define("help", "false", "print this help");
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
  auto profiling = flags.GetBool("enable_op_profiling");
  auto seed = flags.GetInt("seed");
  for (const Status& s : {num_runs.status(), warmup_runs.status(), num_threads.status(),
                          use_gpu.status(), profiling.status(), seed.status()}) {
    if (!s.ok()) return Fail(s.message());
  }
  if (*num_runs < 1) return Fail("--num_runs must be >= 1");
  if (*warmup_runs < 0) return Fail("--warmup_runs must be >= 0");
  if (*use_gpu) {
    std::fprintf(
        stderr,
        "vkd-bench: warning: the GPU path is not available in this build; running on the CPU\n");
  }

  // Init: read, create, allocate.
  const auto t_init = Clock::now();
  auto t = Clock::now();
  auto model = reader::ReadModelFile(graph_path);
  if (!model.ok()) return Fail(model.status().message());
  const double read_ms = MsSince(t);

  cpu::InterpreterOptions io;
  io.num_threads = *num_threads;
  io.enable_profiling = *profiling;
  t = Clock::now();
  auto created = cpu::Interpreter::Create(model->graph, io);
  if (!created.ok()) return Fail(created.status().message());
  std::unique_ptr<cpu::Interpreter> interp = std::move(created).value();

  // Inputs: from .npy files, or seeded random.
  std::vector<HostTensor> inputs;
  const std::vector<std::string> npy_files = SplitComma(flags.GetString("input_npy"));
  if (!npy_files.empty() && static_cast<int>(npy_files.size()) != interp->num_inputs()) {
    return Fail("--input_npy names " + std::to_string(npy_files.size()) + " files, the model has " +
                std::to_string(interp->num_inputs()) + " inputs");
  }
  for (size_t i = 0; i < npy_files.size(); ++i) {
    auto npy = ReadNpy(npy_files[i]);
    if (!npy.ok()) return Fail(npy.status().message());
    const ir::Tensor& spec = interp->input_tensor(static_cast<int>(i));
    if (npy->type != spec.type) {
      return Fail(npy_files[i] + ": dtype " + ir::DataTypeName(npy->type) + " but input " +
                  TensorSummary(spec) + " needs " + ir::DataTypeName(spec.type));
    }
    if (npy->shape != spec.shape) {
      if (Status s = interp->ResizeInput(static_cast<int>(i), npy->shape); !s.ok()) {
        return Fail(npy_files[i] + ": shape " + ir::ShapeToString(npy->shape) +
                    " does not fit: " + s.message());
      }
    }
    inputs.push_back(std::move(npy).value());
  }
  if (Status s = interp->AllocateTensors(); !s.ok()) return Fail(s.message());
  const double prepare_ms = MsSince(t);
  if (inputs.empty()) {
    for (int i = 0; i < interp->num_inputs(); ++i) {
      const ir::Tensor& spec = interp->input_tensor(i);
      inputs.push_back(RandomTensor(spec.type, spec.shape, static_cast<uint32_t>(*seed + i)));
    }
  }
  for (int i = 0; i < interp->num_inputs(); ++i) {
    std::memcpy(interp->input_data(i), inputs[i].bytes.data(), inputs[i].bytes.size());
  }
  const double init_ms = MsSince(t_init);

  // Warm-up and the first run, whose outputs are saved.
  const std::string out_dir = flags.GetString("output_dir");
  for (int r = 0; r < std::max(1, *warmup_runs); ++r) {
    if (Status s = interp->Invoke(); !s.ok()) return Fail(s.message());
    if (r == 0 && !out_dir.empty()) {
      ::mkdir(out_dir.c_str(), 0755);
      for (int o = 0; o < interp->num_outputs(); ++o) {
        const ir::Tensor& ot = interp->output_tensor(o);
        HostTensor h{
            ot.type, ot.shape,
            std::vector<uint8_t>(interp->output_data(o), interp->output_data(o) + ot.bytes())};
        const std::string path = out_dir + "/output_" + std::to_string(o) + ".npy";
        if (Status s = WriteNpy(path, h); !s.ok()) return Fail(s.message());
      }
    }
  }
  interp->ResetProfile();
  std::vector<double> latencies;
  latencies.reserve(*num_runs);
  for (int r = 0; r < *num_runs; ++r) {
    const auto start = Clock::now();
    if (Status s = interp->Invoke(); !s.ok()) return Fail(s.message());
    latencies.push_back(MsSince(start));
  }
  const LatencyStats st = Stats(latencies);
  const ir::Graph& g = interp->graph();

  // Human-readable summary.
  std::printf("vkd-bench: %s\n", graph_path.c_str());
  std::printf("  backend      cpu (%d thread%s)%s\n", *num_threads, *num_threads == 1 ? "" : "s",
              *use_gpu ? "  [GPU requested, not available]" : "");
  std::printf("  nodes        %zu (all on CPU)\n", g.nodes.size());
  for (int i = 0; i < interp->num_inputs(); ++i)
    std::printf("  input %d      %s\n", i, TensorSummary(interp->input_tensor(i)).c_str());
  for (int o = 0; o < interp->num_outputs(); ++o)
    std::printf("  output %d     %s\n", o, TensorSummary(interp->output_tensor(o)).c_str());
  std::printf("  init         %.2f ms (read %.2f ms, prepare %.2f ms)\n", init_ms, read_ms,
              prepare_ms);
  std::printf("  arena        %.2f MiB\n", interp->arena_bytes() / 1048576.0);
  std::printf("  latency      min %.3f  median %.3f  mean %.3f  max %.3f ms  (%d runs)\n", st.min,
              st.median, st.mean, st.max, *num_runs);

  nlohmann::json report;
  report["model"] = graph_path;
  report["backend"] = "cpu";
  report["num_threads"] = *num_threads;
  report["nodes_total"] = g.nodes.size();
  report["nodes_on_gpu"] = 0;
  report["num_runs"] = *num_runs;
  report["latency_ms"] = {
      {"min", st.min}, {"median", st.median}, {"mean", st.mean}, {"max", st.max}};
  report["init_ms"] = init_ms;
  report["init_breakdown_ms"] = {{"read", read_ms}, {"prepare", prepare_ms}};
  report["arena_bytes"] = interp->arena_bytes();

  if (*profiling) {
    std::vector<cpu::NodeProfile> prof = interp->profile();
    double total = 0;
    for (const auto& p : prof) total += p.total_ms;
    nlohmann::json per_op = nlohmann::json::array();
    std::map<std::string, std::pair<double, int>> by_type;
    for (const auto& p : prof) {
      const double avg = p.invokes ? p.total_ms / p.invokes : 0;
      const std::string op = ir::OpTypeName(g.nodes[p.node_index].op);
      per_op.push_back({{"node", p.node_index},
                        {"op", op},
                        {"placement", "cpu"},
                        {"avg_ms", avg},
                        {"percent", total > 0 ? 100.0 * p.total_ms / total : 0}});
      by_type[op].first += avg;
      by_type[op].second += 1;
    }
    report["per_op"] = per_op;
    std::sort(prof.begin(), prof.end(),
              [](const auto& a, const auto& b) { return a.total_ms > b.total_ms; });
    std::printf("  op profile   (average per invoke, most expensive first)\n");
    std::printf("    %-6s %-22s %10s %7s\n", "node", "op", "ms", "%");
    for (size_t i = 0; i < std::min<size_t>(prof.size(), 10); ++i) {
      const auto& p = prof[i];
      std::printf("    %-6d %-22s %10.4f %6.1f%%\n", p.node_index,
                  ir::OpTypeName(g.nodes[p.node_index].op).c_str(),
                  p.invokes ? p.total_ms / p.invokes : 0,
                  total > 0 ? 100.0 * p.total_ms / total : 0);
    }
    std::printf("  by op type\n");
    nlohmann::json summary = nlohmann::json::object();
    for (const auto& [op, v] : by_type) {
      std::printf("    %-22s %3d nodes %10.4f ms\n", op.c_str(), v.second, v.first);
      summary[op] = {{"nodes", v.second}, {"avg_ms", v.first}};
    }
    report["op_type_summary"] = summary;
  }

  const std::string json_path = flags.GetString("report_json");
  if (!json_path.empty()) {
    std::ofstream f(json_path);
    if (!f) return Fail("cannot write '" + json_path + "'");
    f << report.dump(2) << "\n";
    if (!f) return Fail("short write to '" + json_path + "'");
  }
  return 0;
}

}  // namespace
}  // namespace vkd::tools

int main(int argc, char** argv) { return vkd::tools::Run(argc, argv); }
