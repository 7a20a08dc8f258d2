#include "bench/bench_summary.h"

#include <cstdio>
#include <fstream>
#include <map>

#include "bench/bench_common.h"

extern "C" const char* VkdVersion(void);

namespace vkd::tools {

namespace {

// Every node's placement: printed grouped by reason (a big model stays
// readable), one line per node with --print_placement or --verbose, and in
// the JSON.
void ReportPlacement(const BenchOptions& o, const RunnerView& r, nlohmann::json* report) {
  const ir::Graph& g = r.graph;
  std::map<std::string, int> by_reason;
  nlohmann::json placement = nlohmann::json::array();
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string& reason = r.cpu_reason[n];
    nlohmann::json e = {{"node", n}, {"op", ir::OpTypeName(g.nodes[n].op)}};
    if (reason.empty()) {
      e["placement"] = "gpu";
      e["partition"] = r.node_partition[n];
    } else {
      e["placement"] = "cpu";
      e["reason"] = reason;
      ++by_reason[std::string(ir::OpTypeName(g.nodes[n].op)) + ": " + reason];
    }
    placement.push_back(e);
  }
  (*report)["placement"] = placement;
  if (o.use_gpu && r.gpu_fallback_reason.empty()) {
    for (const auto& [reason, count] : by_reason) {
      std::printf("  cpu          %d x %s\n", count, reason.c_str());
    }
  }
  if (!o.print_placement && !o.verbose) return;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string& reason = r.cpu_reason[n];
    const std::string where =
        reason.empty() ? "gpu partition " + std::to_string(r.node_partition[n]) : "cpu: " + reason;
    std::printf("    %-28s %s\n", ir::NodeLabel(g, static_cast<int>(n)).c_str(), where.c_str());
  }
}

}  // namespace

const char* VkdVersionString() { return VkdVersion(); }

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  if (!f) return InvalidArgumentError("cannot write '" + path + "'");
  f << text;
  if (!f) return DataLossError("short write to '" + path + "'");
  return Status::Ok();
}

void PrintSummary(const BenchOptions& o, const RunnerView& r, const std::vector<ir::Tensor>& inputs,
                  const std::vector<ir::Tensor>& outputs, double init_ms, nlohmann::json* report) {
  const bool on_gpu = r.gpu_active();
  const VkdRunnerStats& st = r.stats;
  const char* cache_state = st.shaders_compiled > 0 ? "cold" : "warm";

  std::string backend = "cpu";
  if (on_gpu) backend = std::string("gpu+cpu (") + st.device_name + ")";
  std::printf("vkd-bench: %s\n", o.graph.c_str());
  std::printf("  backend      %s, %d CPU thread%s\n", backend.c_str(), o.num_threads,
              o.num_threads == 1 ? "" : "s");
  if (!r.gpu_fallback_reason.empty()) {
    std::printf("  gpu          not used: %s\n", r.gpu_fallback_reason.c_str());
  }
  if (*st.quant_note) std::printf("  gpu          %s\n", st.quant_note);
  std::printf(
      "  nodes        %d total, %d on GPU in %d partition%s, %d dispatch%s (%d of them I/O "
      "conversions) and %d barrier%s per invoke\n",
      st.nodes, st.nodes_on_gpu, st.partitions, st.partitions == 1 ? "" : "s",
      st.dispatches_per_invoke, st.dispatches_per_invoke == 1 ? "" : "es",
      st.io_dispatches_per_invoke, st.barriers_per_invoke, st.barriers_per_invoke == 1 ? "" : "s");
  ReportPlacement(o, r, report);
  for (size_t i = 0; i < inputs.size(); ++i)
    std::printf("  input %zu      %s\n", i, TensorSummary(inputs[i]).c_str());
  for (size_t i = 0; i < outputs.size(); ++i)
    std::printf("  output %zu     %s\n", i, TensorSummary(outputs[i]).c_str());
  std::printf("  init         %.2f ms (read %.2f, prepare %.2f", init_ms, st.read_ms,
              st.allocate_ms);
  if (on_gpu) {
    std::printf(
        "; vulkan %.2f, partition %.2f, build %.2f, shaders %.2f [%s cache: %d compiled, "
        "%d from disk], pipelines %.2f, upload %.2f, tuning %.2f [%d shapes], record %.2f",
        st.vulkan_context_ms, st.partition_ms, st.gpu_build_ms, st.shader_compile_ms, cache_state,
        st.shaders_compiled, st.shader_disk_hits, st.pipeline_ms, st.upload_ms, st.tuning_ms,
        st.tuned_shapes, st.record_ms);
  }
  std::printf(")\n");
  nlohmann::json variants = nlohmann::json::array();
  std::map<std::string, int> variant_count, how_count;
  for (const DispatchView& k : r.dispatches) {
    if (k.variant.empty()) continue;
    ++variant_count[k.variant];
    ++how_count[k.chosen_by];
    variants.push_back({{"kernel", k.kernel},
                        {"nodes", k.nodes},
                        {"variant", k.variant},
                        {"chosen_by", k.chosen_by},
                        {"tuned", k.chosen_by.rfind("tuned", 0) == 0}});
  }
  if (on_gpu && !variant_count.empty()) {
    std::printf("  variants    ");
    for (const auto& [v, c] : variant_count) std::printf(" %s x%d", v.c_str(), c);
    std::printf("  (chosen:");
    for (const auto& [h, c] : how_count) std::printf(" %s %d", h.c_str(), c);
    std::printf("); vulkan instance %.2f ms, device %.2f ms\n", st.vulkan_instance_ms,
                st.vulkan_device_ms);
  }
  std::printf("  memory       cpu arena %.2f MiB", st.cpu_arena_bytes / 1048576.0);
  if (on_gpu) {
    std::printf(", gpu activations %.2f MiB, gpu weights %.2f MiB, gpu peak %.2f MiB",
                st.gpu_activation_bytes / 1048576.0, st.gpu_weight_bytes / 1048576.0,
                st.gpu_peak_bytes / 1048576.0);
  }
  std::printf("\n");

  nlohmann::json& j = *report;
  j["backend"] = on_gpu ? "gpu" : "cpu";
  j["num_threads"] = o.num_threads;
  if (*st.device_name) {
    j["device"] = {
        {"name", st.device_name}, {"driver", st.device_driver}, {"kind", st.device_kind}};
    j["precision"] = st.precision;
  }
  if (!r.gpu_fallback_reason.empty()) j["gpu_fallback_reason"] = r.gpu_fallback_reason;
  j["enable_quant"] = o.enable_quant;
  j["nodes_total"] = st.nodes;
  j["nodes_on_gpu"] = st.nodes_on_gpu;
  j["partitions"] = st.partitions;
  j["dispatches_per_invoke"] = st.dispatches_per_invoke;
  j["io_dispatches_per_invoke"] = st.io_dispatches_per_invoke;
  j["barriers_per_invoke"] = st.barriers_per_invoke;
  j["init_ms"] = init_ms;
  j["init_breakdown_ms"] = {{"read", st.read_ms}, {"prepare", st.allocate_ms}};
  if (on_gpu) {
    nlohmann::json& b = j["init_breakdown_ms"];
    b["vulkan_context"] = st.vulkan_context_ms;
    b["vulkan_instance"] = st.vulkan_instance_ms;
    b["vulkan_device"] = st.vulkan_device_ms;
    b["vkdelegate"] = init_ms - st.vulkan_instance_ms - st.vulkan_device_ms;
    b["partition"] = st.partition_ms;
    b["gpu_build"] = st.gpu_build_ms;
    b["shader_compile"] = st.shader_compile_ms;
    b["pipeline_creation"] = st.pipeline_ms;
    b["upload"] = st.upload_ms;
    b["record"] = st.record_ms;
    b["tuning"] = st.tuning_ms;
    j["tuned_shapes"] = st.tuned_shapes;
    j["kernel_variants"] = variants;
    j["shader_cache"] = {{"state", cache_state},
                         {"compiled", st.shaders_compiled},
                         {"disk_hits", st.shader_disk_hits},
                         {"memory_hits", st.shader_memory_hits},
                         {"dir", st.shader_cache_dir}};
    j["peak_gpu_bytes"] = st.gpu_peak_bytes;
    j["gpu_activation_bytes"] = st.gpu_activation_bytes;
    j["gpu_weight_bytes"] = st.gpu_weight_bytes;
  }
  j["arena_bytes"] = st.cpu_arena_bytes;
}

void AddProfileJson(const BenchOptions& o, const std::vector<ProfileRow>& rows, const RunnerView& r,
                    nlohmann::json* report) {
  const ir::Graph& g = r.graph;
  double total = 0;
  for (const ProfileRow& row : rows) {
    if (row.kind != ProfileRow::Kind::kGpuDispatch) total += row.avg_ms;
  }
  nlohmann::json per_op = nlohmann::json::array();
  nlohmann::json summary = nlohmann::json::object();
  for (const ProfileRow& row : rows) {
    const char* where = row.kind == ProfileRow::Kind::kCpuNode       ? "cpu"
                        : row.kind == ProfileRow::Kind::kGpuDispatch ? "gpu"
                                                                     : "gpu-wall";
    nlohmann::json e = {
        {"name", row.name},     {"op", row.node_type},
        {"placement", where},   {"first_ms", row.first_ms},
        {"avg_ms", row.avg_ms}, {"percent", total > 0 ? 100.0 * row.avg_ms / total : 0}};
    if (row.flops > 0 && row.avg_ms > 0) {
      e["gflops"] = row.flops / (row.avg_ms * 1e6);
      if (o.gemm_ceiling_gflops > 0) {
        e["fraction_of_gemm_ceiling"] = row.flops / (row.avg_ms * 1e6) / o.gemm_ceiling_gflops;
      }
    }
    per_op.push_back(e);
    if (row.kind == ProfileRow::Kind::kGpuPartition) continue;
    nlohmann::json& s = summary[std::string(where) + ":" + row.node_type];
    if (!s.is_object()) s = {{"count", 0}, {"avg_ms", 0.0}};
    s["count"] = s["count"].get<int>() + 1;
    s["avg_ms"] = s["avg_ms"].get<double>() + row.avg_ms;
  }
  (*report)["per_op"] = per_op;
  (*report)["op_type_summary"] = summary;
  // Convolution throughput from the GPU dispatches that count their FLOPs.
  double conv_flops = 0, conv_ms = 0;
  for (const DispatchView& k : r.dispatches) {
    if (k.flops <= 0 || k.invokes == 0 || k.nodes.empty()) continue;
    if (g.nodes[k.nodes[0]].op != ir::OpType::kConv2d) continue;
    conv_flops += k.flops;
    conv_ms += k.avg_ms;
  }
  if (conv_ms <= 0) return;
  const double gflops = conv_flops / (conv_ms * 1e6);
  (*report)["conv_gflops"] = gflops;
  std::printf("  conv layers  %.2f GFLOP/s over %.3f ms", gflops, conv_ms);
  if (o.gemm_ceiling_gflops > 0) {
    (*report)["conv_fraction_of_gemm_ceiling"] = gflops / o.gemm_ceiling_gflops;
    std::printf(" = %.0f%% of the %.2f GFLOP/s GEMM ceiling", 100 * gflops / o.gemm_ceiling_gflops,
                o.gemm_ceiling_gflops);
  }
  std::printf("\n");
}

}  // namespace vkd::tools
