// RESHAPE and SQUEEZE that change the channel count (a reshape_copy kernel;
// the others are views), and FULLY_CONNECTED with an implicit flatten (input
// last dimension != K), on the GPU against TFLite: odd channel counts on
// either side, batch 2, constant inputs, and the dispatch counts that show
// which path ran.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

::testing::AssertionResult MatchesInDispatches(const ir::Graph& g, const test::CompareOptions& o,
                                               int dispatches,
                                               double tolerance = test::kGpuFp32Tolerance) {
  test::CompareReport report;
  auto r = test::GpuMatchesTfLite(g, o, tolerance, &report);
  if (!r) return r;
  if (report.dispatches != dispatches) {
    return ::testing::AssertionFailure()
           << "[" << o.label << "] " << report.dispatches << " dispatches, expected " << dispatches;
  }
  return r;
}

ir::Graph ReshapeGraph(const Shape& in, const Shape& out, bool squeeze) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const int y = g.AddTensor(DataType::kFloat32, out, "y");
  if (squeeze) {
    g.AddNode(OpType::kSqueeze, {x}, {y}, ir::SqueezeOptions{});
  } else {
    const int s = g.AddConstant<int32_t>({static_cast<int32_t>(out.size())}, out, "shape");
    g.AddNode(OpType::kReshape, {x, s}, {y});
  }
  g.MarkOutput(y);
  return g.Build();
}

TEST(GpuReshapeTest, ChannelChanging) {
  VKD_REQUIRE_GPU();
  struct Case {
    Shape in, out;
  };
  const Case cases[] = {
      {{1, 7, 7, 13}, {1, 637}},
      {{1, 3, 5}, {1, 5, 3}},
      {{2, 6, 5}, {2, 3, 10}},
      {{2, 4, 3, 1}, {2, 12}},
      {{1, 2, 3, 5}, {5, 3, 2}},
      {{2, 3, 4, 5}, {2, 60}},
      {{12}, {3, 4}},
      {{1, 1, 13, 3}, {1, 3, 13, 1}},
      {{2, 8, 4}, {2, 4, 8}},
  };
  int index = 0;
  for (const Case& c : cases) {
    test::CompareOptions o;
    o.seed = 10 + index++;
    o.label = "RESHAPE " + ir::ShapeToString(c.in) + " -> " + ir::ShapeToString(c.out);
    EXPECT_TRUE(MatchesInDispatches(ReshapeGraph(c.in, c.out, false), o, 1));
  }
  // SQUEEZE dropping a trailing 1 changes the channel dimension too.
  for (const Shape& in : std::vector<Shape>{{2, 3, 5, 1}, {1, 7, 1}}) {
    Shape out;
    for (int32_t d : in) {
      if (d != 1) out.push_back(d);
    }
    test::CompareOptions o;
    o.label = "SQUEEZE " + ir::ShapeToString(in);
    EXPECT_TRUE(MatchesInDispatches(ReshapeGraph(in, out, true), o, 1));
  }
  // Same channel count: a view, no dispatch besides the ADD that needs one.
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, {2, 3, 5}, "x");
  const int s = g.AddConstant<int32_t>({4}, {1, 2, 3, 5}, "shape");
  const int r = g.AddTensor(DataType::kFloat32, {1, 2, 3, 5}, "r");
  g.AddNode(OpType::kReshape, {x, s}, {r});
  const int y = g.AddTensor(DataType::kFloat32, {1, 2, 3, 5}, "y");
  g.AddNode(OpType::kAdd, {r, r}, {y}, ir::ElementwiseOptions{});
  g.MarkOutput(y);
  test::CompareOptions o;
  o.label = "RESHAPE view -> ADD";
  EXPECT_TRUE(MatchesInDispatches(g.Build(), o, 1));
}

TEST(GpuReshapeTest, ConstantInput) {
  VKD_REQUIRE_GPU();
  // RESHAPE of a constant to another channel count, read by an ADD that
  // fuses into the copy kernel.
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, {1, 2, 3, 6}, "x");
  const int c = g.AddConstant<float>({4, 9}, test::RandomFloats(36, 2), "c");
  const int s = g.AddConstant<int32_t>({4}, {1, 2, 3, 6}, "shape");
  const int r = g.AddTensor(DataType::kFloat32, {1, 2, 3, 6}, "r");
  g.AddNode(OpType::kReshape, {c, s}, {r});
  const int y = g.AddTensor(DataType::kFloat32, {1, 2, 3, 6}, "y");
  g.AddNode(OpType::kAdd, {x, r}, {y}, ir::ElementwiseOptions{});
  g.MarkOutput(y);
  test::CompareOptions o;
  o.label = "RESHAPE(constant [4,9] -> [1,2,3,6]) -> ADD";
  EXPECT_TRUE(MatchesInDispatches(g.Build(), o, 1));
}

TEST(GpuReshapeTest, Fp16) {
  VKD_REQUIRE_GPU();
  test::CompareOptions o;
  o.fp16 = true;
  o.label = "RESHAPE fp16";
  EXPECT_TRUE(MatchesInDispatches(ReshapeGraph({2, 3, 5}, {2, 5, 3}, false), o, 1, 1e-2));
}

ir::Graph FlattenFcGraph(const Shape& in, int units, ir::Activation act, uint32_t seed) {
  writer::GraphBuilder b;
  const int k = static_cast<int>(ir::NumElements(in) / in[0]);
  const int x = b.AddInput(DataType::kFloat32, in, "x");
  const int w =
      b.AddConstant<float>({units, k}, test::RandomFloats(size_t{1} * units * k, seed), "w");
  const int bias = b.AddConstant<float>({units}, test::RandomFloats(units, seed + 1), "bias");
  const int y = b.AddTensor(DataType::kFloat32, {in[0], units}, "y");
  ir::FullyConnectedOptions o;
  o.activation = act;
  b.AddNode(OpType::kFullyConnected, {x, w, bias}, {y}, o, 1);
  b.MarkOutput(y);
  return b.Build();
}

TEST(GpuReshapeTest, FullyConnectedImplicitFlatten) {
  VKD_REQUIRE_GPU();
  struct Case {
    Shape in;  // flattened into rows of NumElements / in[0]
    int units;
    int dispatches;  // 2 with the reshape_copy in front, 1 when the bytes already match
  };
  const Case cases[] = {
      {{1, 7, 7, 13}, 10, 2}, {{2, 3, 5}, 7, 2}, {{1, 3, 3, 6}, 4, 2}, {{2, 5, 1}, 3, 2},
      {{1, 4, 4, 8}, 5, 1},   {{2, 2, 4}, 9, 1}, {{2, 3, 3, 3}, 1, 2},
  };
  const ir::Activation acts[] = {ir::Activation::kNone, ir::Activation::kRelu6,
                                 ir::Activation::kRelu};
  int index = 0;
  for (const Case& c : cases) {
    test::CompareOptions o;
    o.seed = 20 + index;
    o.label =
        "FULLY_CONNECTED flatten " + ir::ShapeToString(c.in) + " units " + std::to_string(c.units);
    EXPECT_TRUE(MatchesInDispatches(FlattenFcGraph(c.in, c.units, acts[index % 3], 60 + index), o,
                                    c.dispatches));
    ++index;
  }
}

}  // namespace
}  // namespace vkd
