// The GPU compiler without a GPU or TFLite: what a small graph lowers to —
// which kernels, with which post-ops fused, which nodes fold or alias — and
// the support check's verdicts with their reasons. The GPU op tests
// (tests/ops/, tests/delegate/gpu/) check the numbers on a device; these check the shape of
// the program, so a fusion or lowering change shows here first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "delegate/gpu/op_support.h"
#include "delegate/gpu/program.h"
#include "model/writer/graph_builder.h"
#include "ops/partition_shapes.h"

namespace vkd::gpu_delegate {
namespace {

using ir::DataType;
using ir::OpType;
using shaders::BinaryOp;
using shaders::UnaryOp;

// Every node of `g` must be GPU-supported; the program for all of them.
Program Compile(const ir::Graph& g, int expected_partitions = 1) {
  std::vector<partition::NodeVerdict> verdicts;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    verdicts.push_back(CheckGpuSupport(g, static_cast<int>(n), SupportLimits{}));
    EXPECT_TRUE(verdicts.back().gpu)
        << ir::NodeLabel(g, static_cast<int>(n)) << ": " << verdicts.back().reason;
  }
  const partition::PartitionPlan plan = partition::PartitionGraph(g, verdicts, {});
  EXPECT_EQ(plan.partitions.size(), static_cast<size_t>(expected_partitions));
  if (plan.partitions.empty()) return {};
  const partition::Partition& p = plan.partitions[0];
  std::vector<ir::Shape> shapes;
  for (int t : p.inputs) shapes.push_back(g.tensors[t].shape);
  std::vector<ir::Tensor> tensors;
  Status s = ops::InferPartitionShapes(g, p, shapes, &tensors);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto program = BuildProgram(g, tensors, p, ProgramOptions{});
  EXPECT_TRUE(program.ok()) << program.status().ToString();
  return program.ok() ? std::move(program).value() : Program{};
}

int Conv3x3(writer::GraphBuilder& g, int x, int channels, ir::Activation act,
            const std::string& name) {
  std::vector<float> w(channels * 3 * 3 * channels, 0.01f), b(channels, 0.1f);
  const int wt = g.AddConstant<float>({channels, 3, 3, channels}, w, name + "/w");
  const int bt = g.AddConstant<float>({channels}, b, name + "/b");
  const int out = g.AddTensor(DataType::kFloat32, {1, 8, 8, channels}, name);
  ir::Conv2DOptions o;
  o.padding = ir::Padding::kSame;
  o.activation = act;
  g.AddNode(OpType::kConv2d, {x, wt, bt}, {out}, o);
  return out;
}

TEST(ProgramBuilder, ConvAbsorbsItsActivationResidualAddAndRelu6) {
  writer::GraphBuilder g;
  const int in = g.AddInput(DataType::kFloat32, {1, 8, 8, 4}, "in");
  const int c = Conv3x3(g, in, 4, ir::Activation::kRelu, "conv");
  const int sum = g.AddTensor(DataType::kFloat32, {1, 8, 8, 4}, "sum");
  g.AddNode(OpType::kAdd, {c, in}, {sum}, ir::ElementwiseOptions{});
  const int out = g.AddTensor(DataType::kFloat32, {1, 8, 8, 4}, "out");
  g.AddNode(OpType::kRelu6, {sum}, {out});
  g.MarkOutput(out);
  const Program p = Compile(g.Build());
  // The compute kernels: I/O conversions are added later, by the partition.
  const std::vector<ProgramKernel>& kernels = p.kernels;
  ASSERT_EQ(kernels.size(), 1u);
  const ProgramKernel& k = kernels[0];
  EXPECT_EQ(k.nodes, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(k.spec.post_ops.size(), 3u);
  EXPECT_FALSE(k.spec.post_ops[0].binary);
  EXPECT_EQ(k.spec.post_ops[0].unary, UnaryOp::kRelu);  // the conv's fused activation
  EXPECT_TRUE(k.spec.post_ops[1].binary);
  EXPECT_EQ(k.spec.post_ops[1].op, BinaryOp::kAdd);  // the residual, input as operand
  EXPECT_EQ(k.spec.operands.size(), 1u);
  EXPECT_EQ(k.spec.post_ops[2].unary, UnaryOp::kRelu6);
}

TEST(ProgramBuilder, ReaderElsewhereStopsTheFusion) {
  // The conv's output is also a graph output: the RELU cannot overwrite it.
  writer::GraphBuilder g;
  const int in = g.AddInput(DataType::kFloat32, {1, 8, 8, 4}, "in");
  const int c = Conv3x3(g, in, 4, ir::Activation::kNone, "conv");
  const int out = g.AddTensor(DataType::kFloat32, {1, 8, 8, 4}, "out");
  g.AddNode(OpType::kRelu, {c}, {out});
  g.MarkOutput(c);
  g.MarkOutput(out);
  const Program p = Compile(g.Build());
  // The compute kernels: I/O conversions are added later, by the partition.
  const std::vector<ProgramKernel>& kernels = p.kernels;
  ASSERT_EQ(kernels.size(), 2u);
  EXPECT_EQ(kernels[0].nodes, std::vector<int>{0});
  EXPECT_TRUE(kernels[0].spec.post_ops.empty());
  EXPECT_EQ(kernels[1].spec.main, "elementwise");
}

TEST(ProgramBuilder, ZeroPadFoldsIntoTheConvAndChannelKeepingReshapeIsAView) {
  writer::GraphBuilder g;
  const int in = g.AddInput(DataType::kFloat32, {1, 6, 6, 4}, "in");
  const int pads = g.AddConstant<int32_t>({4, 2}, {0, 0, 1, 1, 1, 1, 0, 0}, "pads");
  const int padded = g.AddTensor(DataType::kFloat32, {1, 8, 8, 4}, "padded");
  g.AddNode(OpType::kPad, {in, pads}, {padded});
  std::vector<float> w(4 * 3 * 3 * 4, 0.01f);
  const int wt = g.AddConstant<float>({4, 3, 3, 4}, w, "w");
  const int c = g.AddTensor(DataType::kFloat32, {1, 6, 6, 4}, "conv");
  ir::Conv2DOptions o;
  o.padding = ir::Padding::kValid;
  g.AddNode(OpType::kConv2d, {padded, wt, ir::kNoTensor}, {c}, o);
  const int shape = g.AddConstant<int32_t>({4}, {1, 36, 1, 4}, "shape");
  const int out = g.AddTensor(DataType::kFloat32, {1, 36, 1, 4}, "out");
  g.AddNode(OpType::kReshape, {c, shape}, {out}, ir::ReshapeOptions{});
  g.MarkOutput(out);
  const Program p = Compile(g.Build());
  // The compute kernels: I/O conversions are added later, by the partition.
  const std::vector<ProgramKernel>& kernels = p.kernels;
  ASSERT_EQ(kernels.size(), 1u);  // the conv, reading the unpadded input
  EXPECT_EQ(kernels[0].nodes.front(), 1);
  EXPECT_EQ(p.alias_nodes, std::vector<int>{2});
}

TEST(ProgramBuilder, ExpIsAUnaryPostOp) {
  writer::GraphBuilder g;
  const int in = g.AddInput(DataType::kFloat32, {1, 4, 4, 8}, "in");
  const int out = g.AddTensor(DataType::kFloat32, {1, 4, 4, 8}, "out");
  g.AddNode(OpType::kExp, {in}, {out});
  g.MarkOutput(out);
  const Program p = Compile(g.Build());
  // The compute kernels: I/O conversions are added later, by the partition.
  const std::vector<ProgramKernel>& kernels = p.kernels;
  ASSERT_EQ(kernels.size(), 1u);
  EXPECT_EQ(kernels[0].spec.main, "elementwise");
  ASSERT_EQ(kernels[0].spec.post_ops.size(), 1u);
  EXPECT_EQ(kernels[0].spec.post_ops[0].unary, UnaryOp::kExp);
  EXPECT_STREQ(shaders::UnaryOpName(UnaryOp::kExp), "exp");
}

TEST(GpuSupport, VerdictsNameTheReason) {
  writer::GraphBuilder g;
  const int in = g.AddInput(DataType::kFloat32, {1, 8, 8, 4}, "in");
  const int w = g.AddInput(DataType::kFloat32, {4, 3, 3, 4}, "runtime_filter");
  const int c = g.AddTensor(DataType::kFloat32, {1, 8, 8, 4}, "conv");
  g.AddNode(OpType::kConv2d, {in, w, ir::kNoTensor}, {c}, ir::Conv2DOptions{});
  const int s = g.AddTensor(DataType::kFloat32, {1, 8, 8, 4}, "sin");
  g.AddNode(OpType::kSin, {c}, {s});
  const int q = g.AddTensor(DataType::kInt8, {1, 8, 8, 4}, "q");
  g.AddNode(OpType::kQuantize, {s}, {q});
  g.MarkOutput(q);
  const ir::Graph graph = g.Build();
  const auto conv = CheckGpuSupport(graph, 0, {});
  EXPECT_FALSE(conv.gpu);
  EXPECT_EQ(conv.reason, "filter or bias is not constant");
  const auto sin = CheckGpuSupport(graph, 1, {});
  EXPECT_FALSE(sin.gpu);
  EXPECT_EQ(sin.reason, "op SIN has no GPU kernel");
  const auto quant = CheckGpuSupport(graph, 2, {});
  EXPECT_FALSE(quant.gpu);
  EXPECT_NE(quant.reason.find("INT8"), std::string::npos) << quant.reason;
  SupportLimits tiny;
  tiny.max_tensor_bytes = 64;  // smaller than the 8x8x4 activation
  const auto big = CheckGpuSupport(graph, 1, tiny);
  EXPECT_FALSE(big.gpu);
  EXPECT_NE(big.reason.find("storage buffer range"), std::string::npos) << big.reason;
}

}  // namespace
}  // namespace vkd::gpu_delegate
