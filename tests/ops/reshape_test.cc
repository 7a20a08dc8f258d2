// RESHAPE and SQUEEZE against TFLite 2.9 on every backend: target shapes
// from the input and from the option (with -1), squeeze dims (none,
// negative), float32 everywhere and int32 on the CPU kernels; on the GPU, the
// ones that change the channel count run a reshape_copy kernel (one dispatch,
// an ADD reading it fuses in) and the others are views; FULLY_CONNECTED with
// an implicit flatten (input last dimension != K). Prepare's refusals of
// RESHAPE, PAD and SQUEEZE.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(ReshapeTest, kAllBackends);

ir::Graph ReshapeGraph(const Shape& in, const Shape& out, bool squeeze,
                       DataType type = DataType::kFloat32) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, in, "x");
  const int y = g.AddTensor(type, out, "y");
  if (squeeze) {
    g.AddNode(OpType::kSqueeze, {x}, {y}, ir::SqueezeOptions{});
  } else {
    const int s = g.AddConstant<int32_t>({static_cast<int32_t>(out.size())}, out, "shape");
    g.AddNode(OpType::kReshape, {x, s}, {y});
  }
  g.MarkOutput(y);
  return g.Build();
}

TEST_P(ReshapeTest, FromInputAndOption) {
  struct Case {
    Shape in, target, out;
  };
  const Case cases[] = {
      {{1, 7, 7, 8}, {1, -1}, {1, 392}},  {{2, 3, 4}, {4, 6}, {4, 6}},
      {{2, 3, 4}, {-1, 2, 2}, {6, 2, 2}}, {{24}, {2, 3, 4}, {2, 3, 4}},
      {{1, 1, 1, 10}, {10}, {10}},        {{5, 1}, {1, 5, 1, 1, 1}, {1, 5, 1, 1, 1}},
  };
  for (const Case& c : cases) {
    for (bool from_input : {true, false}) {
      writer::GraphBuilder g;
      const int x = g.AddInput(DataType::kFloat32, c.in, "x");
      std::vector<int32_t> inputs = {x};
      ir::ReshapeOptions o;
      if (from_input) {
        inputs.push_back(
            g.AddConstant<int32_t>({static_cast<int32_t>(c.target.size())}, c.target, "shape"));
      } else {
        o.new_shape = c.target;
        o.has_new_shape = true;
      }
      const int out = g.AddTensor(DataType::kFloat32, c.out, "out");
      g.AddNode(OpType::kReshape, inputs, {out}, o, 1);
      g.MarkOutput(out);
      test::CompareOptions opts;
      opts.label = "RESHAPE " + ir::ShapeToString(c.in) + " -> " + ir::ShapeToString(c.target) +
                   (from_input ? " (shape input)" : " (new_shape option)");
      opts.allow_cpu_nodes = c.out.size() > 4;  // the GPU takes ranks up to 4
      EXPECT_TRUE(Matches(g.Build(), opts));
    }
  }
}

TEST_P(ReshapeTest, Squeeze) {
  struct Case {
    Shape in;
    std::vector<int32_t> dims;
    Shape out;
  };
  const Case cases[] = {
      {{1, 1, 1, 12}, {}, {12}},
      {{1, 1, 1, 12}, {1, 2}, {1, 12}},
      {{1, 3, 1, 4}, {-2}, {1, 3, 4}},
      {{2, 1, 3}, {}, {2, 3}},
      {{1, 5}, {0}, {5}},
  };
  for (const Case& c : cases) {
    for (DataType type : {DataType::kFloat32, DataType::kInt32}) {
      if (OnGpu() && type != DataType::kFloat32) continue;
      writer::GraphBuilder g;
      const int x = g.AddInput(type, c.in, "x");
      const int out = g.AddTensor(type, c.out, "out");
      g.AddNode(OpType::kSqueeze, {x}, {out}, ir::SqueezeOptions{c.dims}, 1);
      g.MarkOutput(out);
      test::CompareOptions opts;
      opts.label = std::string("SQUEEZE ") + ir::DataTypeName(type) + " " +
                   ir::ShapeToString(c.in) + " dims " + ir::ShapeToString(c.dims);
      EXPECT_TRUE(Matches(g.Build(), opts));
    }
  }
}

TEST_P(ReshapeTest, ChannelChanging) {
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

TEST_P(ReshapeTest, ConstantInput) {
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

TEST_P(ReshapeTest, FullyConnectedImplicitFlatten) {
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
                                    c.dispatches,
                                    test::Bounds::Dot(ir::NumElements(c.in) / c.in[0])));
    ++index;
  }
}

// The tests below run vkdelegate alone: TFLite 2.9 refuses these graphs.

Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

TEST(ShapePrepareTest, Errors) {
  {  // RESHAPE whose shape is computed at run time
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {2, 6}, "x");
    const int shape = g.AddInput(DataType::kInt32, {2}, "shape");
    const int y = g.AddTensor(DataType::kFloat32, {3, 4}, "y");
    g.AddNode(OpType::kReshape, {x, shape}, {y});
    g.MarkOutput(y);
    const Status s = PrepareStatus(g.Build());
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
    EXPECT_NE(s.message().find("must be constant"), std::string::npos) << s.ToString();
  }
  {  // RESHAPE to a different element count
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {2, 6}, "x");
    const int shape = g.AddConstant<int32_t>({2}, {5, -1}, "shape");
    const int y = g.AddTensor(DataType::kFloat32, {5, 2}, "y");
    g.AddNode(OpType::kReshape, {x, shape}, {y});
    g.MarkOutput(y);
    const Status s = PrepareStatus(g.Build());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
  {  // PAD with run-time paddings
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {2, 6}, "x");
    const int p = g.AddInput(DataType::kInt32, {2, 2}, "paddings");
    const int y = g.AddTensor(DataType::kFloat32, {2, 6}, "y");
    g.AddNode(OpType::kPad, {x, p}, {y});
    g.MarkOutput(y);
    const Status s = PrepareStatus(g.Build());
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  }
  {  // SQUEEZE of a dimension that is not 1
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, {1, 3}, "x");
    const int y = g.AddTensor(DataType::kFloat32, {1}, "y");
    g.AddNode(OpType::kSqueeze, {x}, {y}, ir::SqueezeOptions{{1}});
    g.MarkOutput(y);
    const Status s = PrepareStatus(g.Build());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
}

}  // namespace
}  // namespace vkd
