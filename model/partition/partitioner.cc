#include "model/partition/partitioner.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <string>
#include <vector>

namespace vkd::partition {
namespace {

// A min-heap of node indices: ready nodes are taken lowest index first, so
// the plan depends only on the graph and the verdicts.
using ReadyQueue = std::priority_queue<int, std::vector<int>, std::greater<int>>;

bool ValidTensor(const ir::Graph& graph, int32_t t) {
  return t >= 0 && static_cast<size_t>(t) < graph.tensors.size();
}

// Per node, the distinct nodes it reads a tensor from. The producer of a
// tensor is its last writer before the reader: in a valid execution order that
// is its only writer, and it keeps a malformed graph (a read of a tensor
// written later) from forming a cycle that would stall the walk.
std::vector<std::vector<int>> Predecessors(const ir::Graph& graph) {
  const int num_nodes = static_cast<int>(graph.nodes.size());
  std::vector<int> producer(graph.tensors.size(), -1);
  std::vector<std::vector<int>> preds(num_nodes);
  for (int j = 0; j < num_nodes; ++j) {
    for (int32_t t : graph.nodes[j].inputs) {
      if (!ValidTensor(graph, t) || producer[t] < 0) continue;
      preds[j].push_back(producer[t]);
    }
    std::sort(preds[j].begin(), preds[j].end());
    preds[j].erase(std::unique(preds[j].begin(), preds[j].end()), preds[j].end());
    for (int32_t t : graph.nodes[j].outputs) {
      if (ValidTensor(graph, t)) producer[t] = j;
    }
  }
  return preds;
}

// The GPU runs of the alternating walk, in walk order. Each run is a layer of
// a topological order, so a path that leaves a run never comes back into it,
// and a run only depends on earlier runs.
std::vector<std::vector<int>> GpuCandidates(const ir::Graph& graph, const std::vector<bool>& gpu) {
  const int num_nodes = static_cast<int>(graph.nodes.size());
  const std::vector<std::vector<int>> preds = Predecessors(graph);
  std::vector<std::vector<int>> succs(num_nodes);
  std::vector<int> pending(num_nodes);
  for (int j = 0; j < num_nodes; ++j) {
    pending[j] = static_cast<int>(preds[j].size());
    for (int i : preds[j]) succs[i].push_back(j);
  }

  ReadyQueue ready[2];  // [0]: CPU, [1]: GPU
  for (int j = 0; j < num_nodes; ++j) {
    if (pending[j] == 0) ready[gpu[j]].push(j);
  }

  std::vector<std::vector<int>> candidates;
  if (num_nodes == 0) return candidates;
  // Start with the kind of the lowest-index ready node (node 0 is always ready).
  int kind = gpu[0] ? 1 : 0;
  int taken = 0;
  while (taken < num_nodes) {
    std::vector<int> run;
    // Taking a node may make more nodes of the same kind ready; they join
    // this run, which is what grows a run across unrelated nodes of the other kind.
    while (!ready[kind].empty()) {
      const int n = ready[kind].top();
      ready[kind].pop();
      run.push_back(n);
      ++taken;
      for (int s : succs[n]) {
        if (--pending[s] == 0) ready[gpu[s]].push(s);
      }
    }
    if (kind == 1 && !run.empty()) {
      std::sort(run.begin(), run.end());
      candidates.push_back(std::move(run));
    }
    kind = 1 - kind;
  }
  return candidates;
}

// Fills `p.inputs` and `p.outputs` from `p.nodes`. `in_p` marks the nodes of
// `p`; `readers` lists, per tensor, the nodes that read it.
void FillBoundary(const ir::Graph& graph, const std::vector<bool>& in_p,
                  const std::vector<std::vector<int>>& readers,
                  const std::vector<bool>& is_graph_output, Partition& p) {
  std::vector<bool> produced(graph.tensors.size(), false);
  for (int n : p.nodes) {
    for (int32_t t : graph.nodes[n].outputs) {
      if (ValidTensor(graph, t)) produced[t] = true;
    }
  }

  std::vector<bool> listed(graph.tensors.size(), false);
  for (int n : p.nodes) {
    for (int32_t t : graph.nodes[n].inputs) {
      if (!ValidTensor(graph, t) || produced[t] || listed[t]) continue;
      if (graph.tensors[t].is_constant()) continue;
      listed[t] = true;
      p.inputs.push_back(t);
    }
  }

  // `listed` only marked tensors not produced here, so it is clear for outputs.
  for (int n : p.nodes) {
    for (int32_t t : graph.nodes[n].outputs) {
      if (!ValidTensor(graph, t) || listed[t]) continue;
      const bool read_outside =
          std::any_of(readers[t].begin(), readers[t].end(), [&](int r) { return !in_p[r]; });
      if (!read_outside && !is_graph_output[t]) continue;
      listed[t] = true;
      p.outputs.push_back(t);
    }
  }
}

// A node whose inputs are all constants (DEQUANTIZE of the fp16 or int8
// weights, which converters put at the start of the graph) is ready from the
// start, so the walk places it in the first GPU run, while the nodes reading
// it may be in a later run: its result would then cross partitions as an
// activation, and the weights would stop being constants to their reader.
// Such a node moves to its readers' run when all of them are in one (it has
// no predecessors, so this keeps every run free of cycles).
void MoveConstantNodesToReaders(const ir::Graph& graph,
                                const std::vector<std::vector<int>>& readers,
                                const std::vector<bool>& is_graph_output,
                                std::vector<std::vector<int>>& candidates) {
  std::vector<int> candidate_of(graph.nodes.size(), -1);
  for (size_t c = 0; c < candidates.size(); ++c) {
    for (int n : candidates[c]) candidate_of[n] = static_cast<int>(c);
  }
  bool moved = false;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const ir::Node& node = graph.nodes[n];
    if (candidate_of[n] < 0 || node.inputs.empty()) continue;
    const bool constant_inputs =
        std::all_of(node.inputs.begin(), node.inputs.end(), [&](int32_t t) {
          return t == ir::kNoTensor || (ValidTensor(graph, t) && graph.tensors[t].is_constant());
        });
    if (!constant_inputs) continue;
    int target = -2;  // -2: no reader yet; -1: none possible
    for (int32_t t : node.outputs) {
      if (!ValidTensor(graph, t) || is_graph_output[t]) {
        target = -1;
        continue;
      }
      for (int r : readers[t]) {
        target = (target == -2 || target == candidate_of[r]) ? candidate_of[r] : -1;
      }
    }
    if (target < 0 || target == candidate_of[n]) continue;
    auto& from = candidates[candidate_of[n]];
    from.erase(std::find(from.begin(), from.end(), static_cast<int>(n)));
    candidates[target].insert(
        std::lower_bound(candidates[target].begin(), candidates[target].end(), static_cast<int>(n)),
        static_cast<int>(n));
    candidate_of[n] = target;
    moved = true;
  }
  if (moved) {
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                    [](const std::vector<int>& c) { return c.empty(); }),
                     candidates.end());
  }
}

}  // namespace

int PartitionPlan::num_gpu_nodes() const {
  return static_cast<int>(
      std::count_if(node_partition.begin(), node_partition.end(), [](int p) { return p >= 0; }));
}

PartitionPlan PartitionGraph(const ir::Graph& graph, const std::vector<NodeVerdict>& verdicts,
                             const PartitionOptions& options) {
  const int num_nodes = static_cast<int>(graph.nodes.size());
  PartitionPlan plan;
  plan.node_partition.assign(num_nodes, -1);
  plan.cpu_reason.assign(num_nodes, "");

  std::vector<bool> gpu(num_nodes, false);
  for (int n = 0; n < num_nodes; ++n) {
    if (static_cast<size_t>(n) >= verdicts.size()) {
      plan.cpu_reason[n] = "no support verdict";
    } else if (verdicts[n].gpu) {
      gpu[n] = true;
    } else {
      // The CPU reason must never be empty: empty means "on the GPU".
      plan.cpu_reason[n] = verdicts[n].reason.empty() ? "not supported" : verdicts[n].reason;
    }
  }

  std::vector<std::vector<int>> readers(graph.tensors.size());
  for (int n = 0; n < num_nodes; ++n) {
    for (int32_t t : graph.nodes[n].inputs) {
      if (ValidTensor(graph, t)) readers[t].push_back(n);
    }
  }
  std::vector<bool> is_graph_output(graph.tensors.size(), false);
  for (int32_t t : graph.outputs) {
    if (ValidTensor(graph, t)) is_graph_output[t] = true;
  }

  std::vector<std::vector<int>> candidates = GpuCandidates(graph, gpu);
  MoveConstantNodesToReaders(graph, readers, is_graph_output, candidates);

  // Rank by size, larger first; stable, so ties keep walk order.
  std::vector<int> rank(candidates.size());
  for (size_t c = 0; c < candidates.size(); ++c) rank[c] = static_cast<int>(c);
  std::stable_sort(rank.begin(), rank.end(),
                   [&](int a, int b) { return candidates[a].size() > candidates[b].size(); });
  std::vector<bool> keep(candidates.size(), false);
  for (size_t r = 0; r < rank.size(); ++r) {
    const std::vector<int>& nodes = candidates[rank[r]];
    std::string reason;
    // The size reason wins when both apply: that candidate would stay on the
    // CPU whatever max_partitions said.
    if (static_cast<int>(nodes.size()) < options.min_nodes_per_partition) {
      reason =
          "partition of " + std::to_string(nodes.size()) + " nodes below min_nodes_per_partition";
    } else if (options.max_partitions > 0 && static_cast<int>(r) >= options.max_partitions) {
      reason = "beyond max_partitions";
    }
    if (reason.empty()) {
      keep[rank[r]] = true;
    } else {
      for (int n : nodes) plan.cpu_reason[n] = reason;
    }
  }

  // Walk order: each partition comes after every partition it depends on.
  std::vector<bool> in_p(num_nodes, false);
  for (size_t c = 0; c < candidates.size(); ++c) {
    if (!keep[c]) continue;
    Partition p;
    p.nodes = candidates[c];
    const int index = static_cast<int>(plan.partitions.size());
    for (int n : p.nodes) {
      plan.node_partition[n] = index;
      in_p[n] = true;
    }
    FillBoundary(graph, in_p, readers, is_graph_output, p);
    for (int n : p.nodes) in_p[n] = false;
    plan.partitions.push_back(std::move(p));
  }
  return plan;
}

}  // namespace vkd::partition
