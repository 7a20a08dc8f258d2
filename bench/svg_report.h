// SVG pictures for vkd-bench: where the delegate placed a model's nodes, and
// where one invoke's time goes.
//
// Plain SVG 1.1 built from rect, line, path, polyline, text, g and title only:
// no scripts, CSS or markers, so browsers and rsvg-convert (librsvg) both
// render it. Every string from a model is sanitized to valid UTF-8 and
// XML-escaped; hovering a box shows its full details (the <title> child).
// Output is deterministic: the same input gives the same bytes, so pictures
// can be diffed between runs.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"

namespace vkd::tools {

struct PlacementView {
  const ir::Graph* graph = nullptr;
  std::vector<int> node_partition;             // per node: GPU partition index, or -1 = CPU
  std::vector<std::string> cpu_reason;         // per node: why it stays on the CPU ("" on GPU)
  std::vector<std::vector<int>> fused_groups;  // nodes run by one GPU dispatch (>= 2: fused)
};

// The model graph, layered top to bottom by longest-path depth from the graph
// inputs and wrapped into several columns when deep. Nodes are coloured by GPU
// partition (one hue each) or grey for the CPU; CPU nodes show their reason,
// fused groups are outlined, and edges whose tensor crosses between CPU and
// GPU or between partitions are red and dashed with a diamond at the
// producer. Graph inputs and outputs are rounded white boxes. Nodes missing
// from node_partition count as CPU nodes without a reason.
std::string PartitionSvg(const PlacementView& view, const std::string& title);

struct ProfileBar {
  std::string label;      // "node 12 CONV_2D", "conv2d_gemm_tiled #3 (nodes 4,5)"
  std::string placement;  // "cpu" or "gpu"
  double ms = 0;          // average per invoke
};

// Per-dispatch GPU time and per-node CPU time: a strip showing the whole
// invoke in execution order (widths proportional to time), then a horizontal
// bar chart sorted slowest first; the top bars carry label, ms and % of the
// total, the rest are thin bars with tooltips only.
std::string ProfileSvg(const std::vector<ProfileBar>& bars_in_run_order, const std::string& title);

// Writes `svg` to `path`; the error names the path.
Status WriteSvgFile(const std::string& path, const std::string& svg);

}  // namespace vkd::tools
