#include "bench/bench_summary.h"

#include <cstdio>
#include <fstream>
#include <map>

#include "bench/bench_common.h"

extern "C" const char* VkdVersion(void);

namespace vkd::tools {

namespace {

struct GpuTotals {
  int dispatches = 0, io_dispatches = 0, barriers = 0;
  gpu_delegate::PartitionInitStats init;
  size_t constant_bytes = 0, arena_bytes = 0;
};

GpuTotals SumPartitions(const ModelRunner& r) {
  GpuTotals t;
  for (const auto& p : r.partitions()) {
    t.dispatches += p->num_dispatches() + p->num_io_dispatches();
    t.io_dispatches += p->num_io_dispatches();
    t.barriers += p->num_barriers();
    const auto& i = p->init_stats();
    t.init.build_ms += i.build_ms;
    t.init.shader_ms += i.shader_ms;
    t.init.pipeline_ms += i.pipeline_ms;
    t.init.upload_ms += i.upload_ms;
    t.init.tuning_ms += i.tuning_ms;
    t.init.tuned_shapes += i.tuned_shapes;
    t.init.record_ms += i.record_ms;
    t.init.shader_compiles += i.shader_compiles;
    t.constant_bytes += p->constant_bytes();
    t.arena_bytes += p->arena_bytes();
  }
  return t;
}

// Every node's placement: printed grouped by reason (a big model stays
// readable), one line per node with --print_placement or --verbose, and in
// the JSON.
void ReportPlacement(const BenchOptions& o, const ModelRunner& r, const ir::Graph& g,
                     nlohmann::json* report) {
  std::map<std::string, int> by_reason;
  nlohmann::json placement = nlohmann::json::array();
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string reason = r.CpuReason(static_cast<int>(n));
    nlohmann::json e = {{"node", n}, {"op", ir::OpTypeName(g.nodes[n].op)}};
    if (reason.empty()) {
      e["placement"] = "gpu";
      e["partition"] = r.plan().node_partition[n];
    } else {
      e["placement"] = "cpu";
      e["reason"] = reason;
      ++by_reason[std::string(ir::OpTypeName(g.nodes[n].op)) + ": " + reason];
    }
    placement.push_back(e);
  }
  (*report)["placement"] = placement;
  if (o.use_gpu && r.gpu_fallback_reason().empty()) {
    for (const auto& [reason, count] : by_reason) {
      std::printf("  cpu          %d x %s\n", count, reason.c_str());
    }
  }
  if (!o.print_placement && !o.verbose) return;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const std::string reason = r.CpuReason(static_cast<int>(n));
    const std::string where = reason.empty()
                                  ? "gpu partition " + std::to_string(r.plan().node_partition[n])
                                  : "cpu: " + reason;
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

void PrintSummary(const BenchOptions& o, const ModelRunner& r, const ir::Graph& g,
                  const shaders::SpirvCacheStats& cache_before, double read_ms, double prepare_ms,
                  double init_ms, nlohmann::json* report) {
  const bool on_gpu = r.gpu_active();
  const gpu_delegate::GpuContext* gctx = r.gpu_context();
  const int nodes_on_gpu = on_gpu ? r.plan().num_gpu_nodes() : 0;
  const GpuTotals gpu = SumPartitions(r);
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

  std::string backend = "cpu";
  if (on_gpu) backend = std::string("gpu+cpu (") + gctx->device().info().name + ")";
  std::printf("vkd-bench: %s\n", o.graph.c_str());
  std::printf("  backend      %s, %d CPU thread%s\n", backend.c_str(), o.num_threads,
              o.num_threads == 1 ? "" : "s");
  if (!r.gpu_fallback_reason().empty()) {
    std::printf("  gpu          not used: %s\n", r.gpu_fallback_reason().c_str());
  }
  if (!r.quant_note().empty()) std::printf("  gpu          %s\n", r.quant_note().c_str());
  std::printf(
      "  nodes        %zu total, %d on GPU in %zu partition%s, %d dispatch%s (%d of them I/O "
      "conversions) and %d barrier%s per invoke\n",
      g.nodes.size(), nodes_on_gpu, r.partitions().size(), r.partitions().size() == 1 ? "" : "s",
      gpu.dispatches, gpu.dispatches == 1 ? "" : "es", gpu.io_dispatches, gpu.barriers,
      gpu.barriers == 1 ? "" : "s");
  ReportPlacement(o, r, g, report);
  for (int i = 0; i < r.num_inputs(); ++i)
    std::printf("  input %d      %s\n", i, TensorSummary(r.input_tensor(i)).c_str());
  for (int i = 0; i < r.num_outputs(); ++i)
    std::printf("  output %d     %s\n", i, TensorSummary(r.output_tensor(i)).c_str());
  std::printf("  init         %.2f ms (read %.2f, prepare %.2f", init_ms, read_ms, prepare_ms);
  if (on_gpu) {
    std::printf(
        "; vulkan %.2f, partition %.2f, build %.2f, shaders %.2f [%s cache: %d compiled, "
        "%d from disk], pipelines %.2f, upload %.2f, tuning %.2f [%d shapes], record %.2f",
        r.gpu_context_ms(), r.partition_ms(), gpu.init.build_ms, gpu.init.shader_ms, cache_state,
        cache_delta.compiles, cache_delta.disk_hits, gpu.init.pipeline_ms, gpu.init.upload_ms,
        gpu.init.tuning_ms, gpu.init.tuned_shapes, gpu.init.record_ms);
  }
  std::printf(")\n");
  nlohmann::json variants = nlohmann::json::array();
  std::map<std::string, int> variant_count, how_count;
  for (const auto& part : r.partitions()) {
    for (const auto& k : part->profile()) {
      if (k.variant.empty()) continue;
      ++variant_count[k.variant];
      ++how_count[k.chosen_by];
      variants.push_back({{"kernel", k.name},
                          {"nodes", k.nodes},
                          {"variant", k.variant},
                          {"chosen_by", k.chosen_by},
                          {"tuned", k.chosen_by.rfind("tuned", 0) == 0}});
    }
  }
  if (on_gpu && !variant_count.empty()) {
    std::printf("  variants    ");
    for (const auto& [v, c] : variant_count) std::printf(" %s x%d", v.c_str(), c);
    std::printf("  (chosen:");
    for (const auto& [h, c] : how_count) std::printf(" %s %d", h.c_str(), c);
    std::printf("); vulkan instance %.2f ms, device %.2f ms\n", gctx->instance_ms(),
                gctx->device_ms());
  }
  std::printf("  memory       cpu arena %.2f MiB", r.interpreter().arena_bytes() / 1048576.0);
  if (on_gpu) {
    std::printf(", gpu activations %.2f MiB, gpu weights %.2f MiB, gpu peak %.2f MiB",
                gpu.arena_bytes / 1048576.0, gpu.constant_bytes / 1048576.0,
                peak_gpu_bytes / 1048576.0);
  }
  std::printf("\n");

  nlohmann::json& j = *report;
  j["backend"] = on_gpu ? "gpu" : "cpu";
  j["num_threads"] = o.num_threads;
  if (gctx) {
    const auto& info = gctx->device().info();
    j["device"] = {{"name", info.name},
                   {"driver", info.driver_name + " " + info.driver_info},
                   {"kind", gpu::DeviceKindName(info.kind)}};
    j["precision"] = gctx->precision() == shaders::Precision::kFp16 ? "fp16" : "fp32";
  }
  if (!r.gpu_fallback_reason().empty()) j["gpu_fallback_reason"] = r.gpu_fallback_reason();
  j["enable_quant"] = o.enable_quant;
  j["nodes_total"] = g.nodes.size();
  j["nodes_on_gpu"] = nodes_on_gpu;
  j["partitions"] = r.partitions().size();
  j["dispatches_per_invoke"] = gpu.dispatches;
  j["io_dispatches_per_invoke"] = gpu.io_dispatches;
  j["barriers_per_invoke"] = gpu.barriers;
  j["init_ms"] = init_ms;
  j["init_breakdown_ms"] = {{"read", read_ms}, {"prepare", prepare_ms}};
  if (on_gpu) {
    nlohmann::json& b = j["init_breakdown_ms"];
    b["vulkan_context"] = r.gpu_context_ms();
    b["vulkan_instance"] = gctx->instance_ms();
    b["vulkan_device"] = gctx->device_ms();
    b["vkdelegate"] = init_ms - gctx->instance_ms() - gctx->device_ms();
    b["partition"] = r.partition_ms();
    b["gpu_build"] = gpu.init.build_ms;
    b["shader_compile"] = gpu.init.shader_ms;
    b["pipeline_creation"] = gpu.init.pipeline_ms;
    b["upload"] = gpu.init.upload_ms;
    b["record"] = gpu.init.record_ms;
    b["tuning"] = gpu.init.tuning_ms;
    j["tuned_shapes"] = gpu.init.tuned_shapes;
    j["kernel_variants"] = variants;
    j["shader_cache"] = {{"state", cache_state},
                         {"compiled", cache_delta.compiles},
                         {"disk_hits", cache_delta.disk_hits},
                         {"memory_hits", cache_delta.memory_hits},
                         {"dir", gctx->spirv_cache().dir()}};
    j["peak_gpu_bytes"] = peak_gpu_bytes;
    j["gpu_activation_bytes"] = gpu.arena_bytes;
    j["gpu_weight_bytes"] = gpu.constant_bytes;
  }
  j["arena_bytes"] = r.interpreter().arena_bytes();
}

void AddProfileJson(const BenchOptions& o, const std::vector<ProfileRow>& rows,
                    const ModelRunner& r, const ir::Graph& g, nlohmann::json* report) {
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
  for (const auto& part : r.partitions()) {
    for (const auto& k : part->profile()) {
      if (k.flops <= 0 || k.invokes == 0 || k.nodes.empty()) continue;
      if (g.nodes[k.nodes[0]].op != ir::OpType::kConv2d) continue;
      conv_flops += k.flops;
      conv_ms += k.total_ms / k.invokes;
    }
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
