#include "model/partition/partitioner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"

namespace vkd::partition {
namespace {

using writer::GraphBuilder;

const ir::Shape kShape = {1, 4};

using Ints = std::vector<int>;

NodeVerdict Gpu() { return {true, ""}; }
NodeVerdict Cpu(const std::string& reason = "op not supported") { return {false, reason}; }

int Act(GraphBuilder& b) { return b.AddTensor(ir::DataType::kFloat32, kShape); }
int Const(GraphBuilder& b) { return b.AddConstant<float>(kShape, {1, 2, 3, 4}); }

// Per node, the nodes that read one of its outputs. Written independently of
// the partitioner, from the definition: j depends on i if j reads what i writes.
std::vector<std::vector<int>> Successors(const ir::Graph& g) {
  std::vector<int> producer(g.tensors.size(), -1);
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    for (int t : g.nodes[n].outputs) producer[t] = static_cast<int>(n);
  }
  std::vector<std::vector<int>> succs(g.nodes.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    for (int t : g.nodes[n].inputs) {
      if (t != ir::kNoTensor && producer[t] >= 0) succs[producer[t]].push_back(static_cast<int>(n));
    }
  }
  return succs;
}

// Every property the header promises, checked from first principles.
void ExpectValidPlan(const ir::Graph& g, const std::vector<NodeVerdict>& verdicts,
                     const PartitionOptions& options, const PartitionPlan& plan) {
  const int num_nodes = static_cast<int>(g.nodes.size());
  ASSERT_EQ(plan.node_partition.size(), g.nodes.size());
  ASSERT_EQ(plan.cpu_reason.size(), g.nodes.size());
  if (options.max_partitions > 0) {
    EXPECT_LE(static_cast<int>(plan.partitions.size()), options.max_partitions);
  }

  // Each node is in exactly one partition, or on the CPU with a reason.
  int in_partitions = 0;
  for (size_t p = 0; p < plan.partitions.size(); ++p) {
    const std::vector<int>& nodes = plan.partitions[p].nodes;
    ASSERT_FALSE(nodes.empty());
    EXPECT_GE(static_cast<int>(nodes.size()), options.min_nodes_per_partition);
    EXPECT_TRUE(std::is_sorted(nodes.begin(), nodes.end()));
    for (int n : nodes) {
      EXPECT_TRUE(verdicts[n].gpu) << "node " << n;
      EXPECT_EQ(plan.node_partition[n], static_cast<int>(p)) << "node " << n;
    }
    in_partitions += static_cast<int>(nodes.size());
  }
  EXPECT_EQ(plan.num_gpu_nodes(), in_partitions);
  for (int n = 0; n < num_nodes; ++n) {
    if (plan.node_partition[n] >= 0) {
      EXPECT_TRUE(plan.cpu_reason[n].empty()) << "node " << n;
    } else {
      EXPECT_FALSE(plan.cpu_reason[n].empty()) << "node " << n;
      if (!verdicts[n].gpu) {
        EXPECT_EQ(plan.cpu_reason[n], verdicts[n].reason);
      }
    }
    // With no limits, every GPU-capable node runs on the GPU.
    if (options.max_partitions <= 0 && options.min_nodes_per_partition <= 1) {
      EXPECT_EQ(verdicts[n].gpu, plan.node_partition[n] >= 0) << "node " << n;
    }
  }

  // No path leaves a partition and comes back into it, and a partition
  // reachable from partition p comes after p.
  const std::vector<std::vector<int>> succs = Successors(g);
  for (size_t p = 0; p < plan.partitions.size(); ++p) {
    std::vector<bool> seen(num_nodes, false);
    std::vector<int> stack;
    for (int n : plan.partitions[p].nodes) {
      for (int s : succs[n]) {
        if (plan.node_partition[s] != static_cast<int>(p)) stack.push_back(s);
      }
    }
    while (!stack.empty()) {
      const int n = stack.back();
      stack.pop_back();
      if (seen[n]) continue;
      seen[n] = true;
      EXPECT_NE(plan.node_partition[n], static_cast<int>(p))
          << "a path leaves partition " << p << " and re-enters it at node " << n;
      if (plan.node_partition[n] >= 0) {
        EXPECT_GT(plan.node_partition[n], static_cast<int>(p))
            << "partition " << plan.node_partition[n] << " depends on later partition " << p;
      }
      for (int s : succs[n]) stack.push_back(s);
    }
  }

  // Inputs and outputs, exactly per the definition.
  std::vector<bool> is_graph_output(g.tensors.size(), false);
  for (int t : g.outputs) is_graph_output[t] = true;
  for (size_t p = 0; p < plan.partitions.size(); ++p) {
    std::set<int> produced;
    for (int n : plan.partitions[p].nodes) {
      produced.insert(g.nodes[n].outputs.begin(), g.nodes[n].outputs.end());
    }
    std::vector<int> inputs, outputs;
    for (int n : plan.partitions[p].nodes) {
      for (int t : g.nodes[n].inputs) {
        if (t == ir::kNoTensor || produced.count(t) || g.tensors[t].is_constant()) continue;
        if (std::find(inputs.begin(), inputs.end(), t) == inputs.end()) inputs.push_back(t);
      }
    }
    for (int n : plan.partitions[p].nodes) {
      for (int t : g.nodes[n].outputs) {
        bool read_outside = false;
        for (int r = 0; r < num_nodes; ++r) {
          if (plan.node_partition[r] == static_cast<int>(p)) continue;
          const auto& in = g.nodes[r].inputs;
          read_outside |= std::find(in.begin(), in.end(), t) != in.end();
        }
        if (!read_outside && !is_graph_output[t]) continue;
        if (std::find(outputs.begin(), outputs.end(), t) == outputs.end()) outputs.push_back(t);
      }
    }
    EXPECT_EQ(plan.partitions[p].inputs, inputs) << "partition " << p;
    EXPECT_EQ(plan.partitions[p].outputs, outputs) << "partition " << p;
  }
}

PartitionPlan CheckedPartition(const ir::Graph& g, const std::vector<NodeVerdict>& verdicts,
                               const PartitionOptions& options = {}) {
  PartitionPlan plan = PartitionGraph(g, verdicts, options);
  ExpectValidPlan(g, verdicts, options, plan);
  return plan;
}

TEST(Partitioner, AllGpuChainIsOnePartition) {
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int c = Const(b);
  const int t1 = Act(b), t2 = Act(b), t3 = Act(b);
  b.AddNode(ir::OpType::kAdd, {in, c}, {t1});
  b.AddNode(ir::OpType::kRelu, {t1}, {t2});
  b.AddNode(ir::OpType::kLogistic, {t2}, {t3});
  b.MarkOutput(t3);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Gpu(), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0, 1, 2}));
  EXPECT_EQ(plan.partitions[0].inputs, Ints({in}));
  EXPECT_EQ(plan.partitions[0].outputs, Ints({t3}));
  EXPECT_EQ(plan.node_partition, Ints({0, 0, 0}));
  EXPECT_EQ(plan.num_gpu_nodes(), 3);
}

TEST(Partitioner, CpuNodeSplitsChain) {
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int t1 = Act(b), t2 = Act(b), t3 = Act(b);
  b.AddNode(ir::OpType::kRelu, {in}, {t1});
  b.AddNode(ir::OpType::kTanh, {t1}, {t2});
  b.AddNode(ir::OpType::kLogistic, {t2}, {t3});
  b.MarkOutput(t3);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Cpu("op TANH"), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 2u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0}));
  EXPECT_EQ(plan.partitions[0].inputs, Ints({in}));
  EXPECT_EQ(plan.partitions[0].outputs, Ints({t1}));
  EXPECT_EQ(plan.partitions[1].nodes, Ints({2}));
  EXPECT_EQ(plan.partitions[1].inputs, Ints({t2}));
  EXPECT_EQ(plan.partitions[1].outputs, Ints({t3}));
  EXPECT_EQ(plan.node_partition, Ints({0, -1, 1}));
  EXPECT_EQ(plan.cpu_reason[1], "op TANH");
  EXPECT_EQ(plan.num_gpu_nodes(), 2);
}

TEST(Partitioner, DiamondWithCpuBranchIsNotMergedAcrossIt) {
  // A -> B(cpu) -> D and A -> C -> D: {A, C, D} would need B mid-submission.
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int ta = Act(b), tb = Act(b), tc = Act(b), td = Act(b);
  b.AddNode(ir::OpType::kRelu, {in}, {ta});      // A
  b.AddNode(ir::OpType::kTanh, {ta}, {tb});      // B
  b.AddNode(ir::OpType::kLogistic, {ta}, {tc});  // C
  b.AddNode(ir::OpType::kAdd, {tb, tc}, {td});   // D
  b.MarkOutput(td);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Cpu(), Gpu(), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 2u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0, 2}));
  EXPECT_EQ(plan.partitions[0].inputs, Ints({in}));
  EXPECT_EQ(plan.partitions[0].outputs, Ints({ta, tc}));
  EXPECT_EQ(plan.partitions[1].nodes, Ints({3}));
  EXPECT_EQ(plan.partitions[1].inputs, Ints({tb, tc}));
  EXPECT_EQ(plan.partitions[1].outputs, Ints({td}));
}

TEST(Partitioner, IndependentGpuNodesMergeAcrossUnrelatedCpuNode) {
  // G1 -> C1, and G2 depends on neither: G1 and G2 run in one submission.
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int g1 = Act(b), c1 = Act(b), g2 = Act(b);
  b.AddNode(ir::OpType::kRelu, {in}, {g1});
  b.AddNode(ir::OpType::kTanh, {g1}, {c1});
  b.AddNode(ir::OpType::kLogistic, {in}, {g2});
  b.MarkOutput(c1);
  b.MarkOutput(g2);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Cpu(), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0, 2}));
  EXPECT_EQ(plan.partitions[0].inputs, Ints({in}));
  EXPECT_EQ(plan.partitions[0].outputs, Ints({g1, g2}));
  EXPECT_EQ(plan.node_partition, Ints({0, -1, 0}));
}

TEST(Partitioner, ConstantOnlyNodeJoinsItsReadersPartition) {
  // fp16 models: DEQUANTIZE(weights) nodes come first, ready from the start;
  // the conv reading one is past a CPU node. The DEQUANTIZE goes with it.
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int w1 = Const(b), w2 = Const(b);
  const int d1 = Act(b), d2 = Act(b), t1 = Act(b), t2 = Act(b), t3 = Act(b);
  b.AddNode(ir::OpType::kDequantize, {w1}, {d1});  // 0
  b.AddNode(ir::OpType::kDequantize, {w2}, {d2});  // 1
  b.AddNode(ir::OpType::kConv2d, {in, d1}, {t1});  // 2
  b.AddNode(ir::OpType::kSum, {t1}, {t2});         // 3, CPU
  b.AddNode(ir::OpType::kConv2d, {t2, d2}, {t3});  // 4
  b.MarkOutput(t3);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Gpu(), Gpu(), Cpu(), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 2u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0, 2}));
  EXPECT_EQ(plan.partitions[0].outputs, Ints({t1}));
  EXPECT_EQ(plan.partitions[1].nodes, Ints({1, 4}));
  EXPECT_EQ(plan.partitions[1].inputs, Ints({t2}));
  EXPECT_EQ(plan.node_partition, Ints({0, 1, 0, -1, 1}));
}

TEST(Partitioner, ConstantOnlyNodeWithReadersInSeveralPlacesStays) {
  // Read in the first partition and past the CPU node (by the GPU or by the
  // CPU): there is no single home for it, it stays where the walk put it.
  for (bool cpu_reader : {false, true}) {
    GraphBuilder b;
    const int in = b.AddInput(ir::DataType::kFloat32, kShape);
    const int w = Const(b);
    const int d = Act(b), t1 = Act(b), t2 = Act(b), t3 = Act(b);
    b.AddNode(ir::OpType::kDequantize, {w}, {d});  // 0
    b.AddNode(ir::OpType::kAdd, {in, d}, {t1});    // 1
    b.AddNode(ir::OpType::kSum, {t1}, {t2});       // 2, CPU
    b.AddNode(ir::OpType::kAdd, {t2, d}, {t3});    // 3
    b.MarkOutput(t3);
    const PartitionPlan plan =
        CheckedPartition(b.Build(), {Gpu(), Gpu(), Cpu(), cpu_reader ? Cpu() : Gpu()});
    ASSERT_FALSE(plan.partitions.empty());
    EXPECT_EQ(plan.partitions[0].nodes, Ints({0, 1})) << "cpu_reader " << cpu_reader;
  }
}

// A chain of RELUs; node i reads node i-1's output.
ir::Graph Chain(int num_nodes) {
  GraphBuilder b;
  int t = b.AddInput(ir::DataType::kFloat32, kShape);
  for (int i = 0; i < num_nodes; ++i) {
    const int next = Act(b);
    b.AddNode(ir::OpType::kRelu, {t}, {next});
    t = next;
  }
  b.MarkOutput(t);
  return b.Build();
}

TEST(Partitioner, MaxPartitionsKeepsTheLargest) {
  PartitionOptions options;
  options.max_partitions = 1;
  const PartitionPlan plan =
      CheckedPartition(Chain(5), {Gpu(), Cpu(), Gpu(), Gpu(), Gpu()}, options);
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({2, 3, 4}));
  EXPECT_EQ(plan.node_partition, Ints({-1, -1, 0, 0, 0}));
  EXPECT_EQ(plan.cpu_reason[0], "beyond max_partitions");
  EXPECT_EQ(plan.num_gpu_nodes(), 3);
}

TEST(Partitioner, MaxPartitionsTieKeepsTheEarlier) {
  PartitionOptions options;
  options.max_partitions = 1;
  const PartitionPlan plan = CheckedPartition(Chain(3), {Gpu(), Cpu(), Gpu()}, options);
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0}));
  EXPECT_EQ(plan.cpu_reason[2], "beyond max_partitions");
}

TEST(Partitioner, MinNodesDropsSmallPartitions) {
  PartitionOptions options;
  options.min_nodes_per_partition = 3;
  const PartitionPlan plan =
      CheckedPartition(Chain(6), {Gpu(), Gpu(), Gpu(), Cpu(), Gpu(), Gpu()}, options);
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].nodes, Ints({0, 1, 2}));
  EXPECT_EQ(plan.node_partition, Ints({0, 0, 0, -1, -1, -1}));
  EXPECT_NE(plan.cpu_reason[4].find("2 nodes"), std::string::npos) << plan.cpu_reason[4];
  EXPECT_NE(plan.cpu_reason[4].find("min_nodes_per_partition"), std::string::npos)
      << plan.cpu_reason[4];
  EXPECT_EQ(plan.cpu_reason[4], plan.cpu_reason[5]);
}

TEST(Partitioner, GraphOutputProducedInsideIsAnOutput) {
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int t1 = Act(b), t2 = Act(b);
  b.AddNode(ir::OpType::kRelu, {in}, {t1});
  b.AddNode(ir::OpType::kLogistic, {t1}, {t2});
  b.MarkOutput(t2);
  b.MarkOutput(t1);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].outputs, Ints({t1, t2}));  // production order
}

TEST(Partitioner, ConstantsAndAbsentInputsAreNotInputs) {
  GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, kShape);
  const int w = Const(b), bias = Const(b);
  const int t1 = Act(b), t2 = Act(b);
  b.AddNode(ir::OpType::kConv2d, {in, w, ir::kNoTensor}, {t1});
  b.AddNode(ir::OpType::kConv2d, {t1, w, bias}, {t2});
  b.MarkOutput(t2);
  const PartitionPlan plan = CheckedPartition(b.Build(), {Gpu(), Gpu()});
  ASSERT_EQ(plan.partitions.size(), 1u);
  EXPECT_EQ(plan.partitions[0].inputs, Ints({in}));
  EXPECT_EQ(plan.partitions[0].outputs, Ints({t2}));
}

TEST(Partitioner, EmptyAndAllCpuGraphsHaveNoPartitions) {
  EXPECT_TRUE(CheckedPartition(ir::Graph{}, {}).partitions.empty());
  const PartitionPlan plan = CheckedPartition(Chain(3), {Cpu("a"), Cpu("b"), Cpu("c")});
  EXPECT_TRUE(plan.partitions.empty());
  EXPECT_EQ(plan.cpu_reason, std::vector<std::string>({"a", "b", "c"}));
  EXPECT_EQ(plan.num_gpu_nodes(), 0);
}

TEST(Partitioner, RandomDagsGiveValidPlans) {
  std::mt19937 rng(20240611);
  auto uniform = [&](int lo, int hi) {  // [lo, hi]
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int trial = 0; trial < 200; ++trial) {
    GraphBuilder b;
    std::vector<int> available;
    for (int i = uniform(1, 3); i > 0; --i) {
      available.push_back(b.AddInput(ir::DataType::kFloat32, kShape));
    }
    std::vector<int> constants;
    for (int i = uniform(1, 2); i > 0; --i) constants.push_back(Const(b));

    const int num_nodes = uniform(5, 30);
    const int gpu_percent = uniform(20, 90);
    std::vector<NodeVerdict> verdicts;
    for (int n = 0; n < num_nodes; ++n) {
      std::vector<int> inputs;
      for (int i = uniform(1, 3); i > 0; --i) {
        // Mostly recent tensors, so chains are long as well as wide.
        const int size = static_cast<int>(available.size());
        const int pick =
            uniform(0, 2) ? uniform(std::max(0, size - 4), size - 1) : uniform(0, size - 1);
        inputs.push_back(available[pick]);
      }
      if (uniform(0, 4) == 0)
        inputs.push_back(constants[uniform(0, static_cast<int>(constants.size()) - 1)]);
      if (uniform(0, 9) == 0) inputs.push_back(ir::kNoTensor);
      std::vector<int> outputs;
      for (int i = uniform(0, 3) ? 1 : 2; i > 0; --i) outputs.push_back(Act(b));
      b.AddNode(ir::OpType::kAdd, inputs, outputs);
      available.insert(available.end(), outputs.begin(), outputs.end());
      verdicts.push_back(uniform(1, 100) <= gpu_percent ? Gpu() : Cpu("cpu " + std::to_string(n)));
    }
    b.MarkOutput(available.back());
    for (int i = uniform(0, 2); i > 0; --i) {
      b.MarkOutput(available[uniform(0, static_cast<int>(available.size()) - 1)]);
    }
    const ir::Graph g = b.Build();

    PartitionOptions options;
    if (trial % 2 == 1) {
      options.max_partitions = uniform(0, 3);
      options.min_nodes_per_partition = uniform(1, 3);
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    const PartitionPlan plan = PartitionGraph(g, verdicts, options);
    ExpectValidPlan(g, verdicts, options, plan);
    if (::testing::Test::HasFailure()) break;  // one broken graph is enough to read
  }
}

}  // namespace
}  // namespace vkd::partition
