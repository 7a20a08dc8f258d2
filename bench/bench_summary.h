// vkd-bench's standalone report: the human summary (backend, placement and
// every CPU node's reason, init breakdown, kernel variants, memory) and the
// matching JSON fields; the per-op JSON of --enable_op_profiling.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/profile_report.h"
#include "bench/runner_view.h"

namespace vkd::tools {

// `inputs` and `outputs`: the runner's, after allocation. `init_ms`: from
// the start of vkd-bench to the inputs being set.
void PrintSummary(const BenchOptions& o, const RunnerView& view,
                  const std::vector<ir::Tensor>& inputs, const std::vector<ir::Tensor>& outputs,
                  double init_ms, nlohmann::json* report);

// per_op (every row), op_type_summary, and the convolutions' GFLOP/s from the
// GPU dispatches (with the fraction of --gemm_ceiling_gflops), printed too.
void AddProfileJson(const BenchOptions& o, const std::vector<ProfileRow>& rows,
                    const RunnerView& view, nlohmann::json* report);

// vkdelegate's version string ("0.1.0").
const char* VkdVersionString();

// Writes `text` to `path` (the CSV profile).
Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace vkd::tools
