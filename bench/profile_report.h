// vkd-bench's op profile in TFLite benchmark_model's format: the "Run Order",
// "Top by Computation Time" and "Summary by node type" tables (and the same as
// CSV for --profiling_output_csv_file), with CPU nodes and GPU dispatches in
// one list.
//
// Rows are of three kinds. CPU nodes and GPU partitions (their wall time, as
// the interpreter saw it) make up an invoke: their percentages sum to 100 and
// the cdf runs over them in the Run Order table. GPU dispatches (timestamps)
// are the work inside a partition: listed under it, indented, with their
// share of the same total, and they replace the partitions in the Top table,
// where the partitions' remainder (submit, wait, I/O copies) is its own row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vkd::tools {

struct ProfileRow {
  enum class Kind { kCpuNode, kGpuPartition, kGpuDispatch };
  Kind kind = Kind::kCpuNode;
  std::string node_type;  // "CONV_2D"; "GPU_PARTITION" for a partition's wall time
  std::string name;       // "node 12 [xnnpack]", "conv2d_gemm_tiled[node 3 CONV_2D]", ...
  int partition = -1;     // kGpuPartition, kGpuDispatch: which one
  double first_ms = 0, avg_ms = 0;
  int64_t times_called = 1;  // per invoke
  double flops = 0;          // kGpuDispatch: arithmetic per invoke when counted
};

// The three tables, `top` rows in the second (benchmark_model shows 10).
std::string ProfileTables(const std::vector<ProfileRow>& run_order, int top = 10);
// The same tables as CSV sections ("Run Order", "Top by Computation Time",
// "Summary by node type"), every row of the Top section.
std::string ProfileCsv(const std::vector<ProfileRow>& run_order);

}  // namespace vkd::tools
