// The ops' shape rules (ops/shape_rules.h) and partition shape inference
// (ops/partition_shapes.h), without TFLite: every op the GPU can take has a
// rule; on small graphs each rule gives the shapes the graph declares and
// those the CPU interpreter computes for resized inputs (its kernels apply the
// same rules); a partition is re-inferred for a resized input, errors name
// the node, and an op without a rule is a clean Unimplemented error.
#include "ops/shape_rules.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "delegate/gpu/op_family.h"
#include "model/writer/graph_builder.h"
#include "ops/partition_shapes.h"
#include "tests/ops/lstm_cases.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

constexpr OpType kAllOps[] = {
#define VKD_OP(name, tfl_name, code, options) OpType::name,
#include "model/ir/op_types.def"
#undef VKD_OP
};

TEST(ShapeRulesTest, EveryOpTheGpuTakesHasARule) {
  int gpu_ops = 0;
  for (OpType op : kAllOps) {
    const bool gpu = gpu_delegate::FindGpuOpFamily(op) != nullptr || op == OpType::kQuantize ||
                     op == OpType::kDequantize;
    if (!gpu) continue;
    ++gpu_ops;
    EXPECT_TRUE(ops::HasShapeRule(op)) << ir::OpTypeName(op);
  }
  EXPECT_GT(gpu_ops, 30);
}

// A single-node graph whose only activation input (tensor 0) has `in`.
using GraphFn = std::function<ir::Graph(const Shape& in)>;

struct Case {
  std::string name;
  GraphFn graph;
  Shape in, out;  // as built; `out` is what the rule must give
  Shape resized;  // empty: the case is not resized
};

using ConstantsFn = std::function<std::vector<int32_t>(writer::GraphBuilder&)>;

// One node: x (activation, `type`) and the given constants in; one output
// of `out_type` per shape of `outs`, each a graph output.
ir::Graph OneNodeOuts(OpType op, DataType type, const Shape& in, DataType out_type,
                      const std::vector<Shape>& outs, const ConstantsFn& constants,
                      const ir::OpOptions& options, bool input_last = false) {
  writer::GraphBuilder g;
  const int x = g.AddInput(type, in, "x");
  std::vector<int32_t> inputs = constants ? constants(g) : std::vector<int32_t>{};
  inputs.insert(input_last ? inputs.end() : inputs.begin(), x);
  std::vector<int32_t> ys;
  for (const Shape& out : outs) ys.push_back(g.AddTensor(out_type, out));
  g.AddNode(op, inputs, ys, options);
  for (int y : ys) g.MarkOutput(y);
  return g.Build();
}

// One node: x (activation) and the given constants in; y out.
ir::Graph OneNode(OpType op, DataType type, const Shape& in, const Shape& out,
                  const ConstantsFn& constants, const ir::OpOptions& options,
                  bool input_last = false) {
  return OneNodeOuts(op, type, in, type, {out}, constants, options, input_last);
}

std::vector<float> Zeros(int64_t n) { return std::vector<float>(static_cast<size_t>(n), 0.0f); }

std::vector<Case> WindowCases() {
  std::vector<Case> cases;
  ir::Conv2DOptions conv;
  conv.stride_h = conv.stride_w = 2;
  cases.push_back({"CONV_2D", nullptr, {1, 8, 8, 3}, {1, 4, 4, 4}, {1, 9, 7, 3}});
  cases.back().graph = [conv](const Shape& in) {
    return OneNode(
        OpType::kConv2d, DataType::kFloat32, in, {1, 4, 4, 4},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<float>({4, 3, 3, 3}, Zeros(108)),
                                      g.AddConstant<float>({4}, Zeros(4))};
        },
        conv);
  };
  ir::DepthwiseConv2DOptions dw;
  dw.padding = ir::Padding::kValid;
  dw.depth_multiplier = 2;
  cases.push_back({"DEPTHWISE_CONV_2D", nullptr, {1, 8, 8, 2}, {1, 6, 6, 4}, {2, 5, 9, 2}});
  cases.back().graph = [dw](const Shape& in) {
    return OneNode(
        OpType::kDepthwiseConv2d, DataType::kFloat32, in, {1, 6, 6, 4},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<float>({1, 3, 3, 4}, Zeros(36))};
        },
        dw);
  };
  for (OpType op : {OpType::kAveragePool2d, OpType::kMaxPool2d}) {
    ir::Pool2DOptions pool;
    pool.padding = op == OpType::kMaxPool2d ? ir::Padding::kSame : ir::Padding::kValid;
    pool.filter_h = pool.filter_w = 3;
    pool.stride_h = pool.stride_w = 2;
    const Shape out = op == OpType::kMaxPool2d ? Shape{1, 4, 4, 3} : Shape{1, 3, 3, 3};
    cases.push_back({ir::OpTypeName(op), nullptr, {1, 8, 8, 3}, out, {1, 11, 6, 3}});
    cases.back().graph = [op, pool, out](const Shape& in) {
      return OneNode(op, DataType::kFloat32, in, out, nullptr, pool);
    };
  }
  for (bool keep : {false, true}) {
    ir::FullyConnectedOptions fc;
    fc.keep_num_dims = keep;
    const Shape out = keep ? Shape{2, 3, 5} : Shape{6, 5};
    cases.push_back({keep ? "FULLY_CONNECTED keep_num_dims" : "FULLY_CONNECTED",
                     nullptr,
                     {2, 3, 6},
                     out,
                     {4, 3, 6}});
    cases.back().graph = [fc, out](const Shape& in) {
      return OneNode(
          OpType::kFullyConnected, DataType::kFloat32, in, out,
          [](writer::GraphBuilder& g) {
            return std::vector<int32_t>{g.AddConstant<float>({5, 6}, Zeros(30))};
          },
          fc);
    };
  }
  cases.push_back({"RESIZE_BILINEAR", nullptr, {1, 4, 4, 3}, {1, 8, 6, 3}, {2, 5, 5, 3}});
  cases.back().graph = [](const Shape& in) {
    return OneNode(
        OpType::kResizeBilinear, DataType::kFloat32, in, {1, 8, 6, 3},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<int32_t>({2}, {8, 6})};
        },
        ir::ResizeOptions{});
  };
  ir::TransposeConvOptions tc;
  tc.stride_h = tc.stride_w = 2;
  cases.push_back({"TRANSPOSE_CONV", nullptr, {1, 4, 4, 4}, {1, 8, 8, 2}, {}});
  cases.back().graph = [tc](const Shape& in) {
    return OneNode(
        OpType::kTransposeConv, DataType::kFloat32, in, {1, 8, 8, 2},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<int32_t>({4}, {1, 8, 8, 2}),
                                      g.AddConstant<float>({2, 3, 3, 4}, Zeros(72))};
        },
        tc, /*input_last=*/true);
  };
  return cases;
}

std::vector<Case> ElementwiseCases() {
  std::vector<Case> cases;
  for (OpType op : {OpType::kAdd, OpType::kMul, OpType::kPrelu}) {
    cases.push_back({ir::OpTypeName(op), nullptr, {1, 4, 4, 3}, {1, 4, 4, 3}, {2, 5, 1, 3}});
    cases.back().graph = [op](const Shape& in) {
      return OneNode(
          op, DataType::kFloat32, in, {1, 4, 4, 3},
          [](writer::GraphBuilder& g) {
            return std::vector<int32_t>{g.AddConstant<float>({1, 1, 3}, Zeros(3))};
          },
          ir::DefaultOptions(op));
    };
  }
  for (OpType op : {OpType::kRelu6, OpType::kLogistic, OpType::kSoftmax}) {
    cases.push_back({ir::OpTypeName(op), nullptr, {2, 5}, {2, 5}, {3, 7}});
    cases.back().graph = [op](const Shape& in) {
      return OneNode(op, DataType::kFloat32, in, {2, 5}, nullptr, ir::DefaultOptions(op));
    };
  }
  cases.push_back({"QUANTIZE", nullptr, {1, 6}, {1, 6}, {4, 2}});
  cases.back().graph = [](const Shape& in) {
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, in, "x");
    ir::Quantization q;
    q.scale = {0.5f};
    q.zero_point = {0};
    const int y = g.AddTensor(DataType::kInt8, {1, 6}, "y", q);
    g.AddNode(OpType::kQuantize, {x}, {y});
    g.MarkOutput(y);
    return g.Build();
  };
  return cases;
}

std::vector<Case> MovementCases() {
  std::vector<Case> cases;
  cases.push_back({"RESHAPE", nullptr, {2, 3, 4}, {6, 4}, {4, 3, 4}});
  cases.back().graph = [](const Shape& in) {
    return OneNode(
        OpType::kReshape, DataType::kFloat32, in, {6, 4},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<int32_t>({2}, {-1, 4})};
        },
        ir::ReshapeOptions{});
  };
  cases.push_back({"SQUEEZE", nullptr, {1, 3, 1, 4}, {3, 4}, {1, 5, 1, 2}});
  cases.back().graph = [](const Shape& in) {
    return OneNode(OpType::kSqueeze, DataType::kFloat32, in, {3, 4}, nullptr, ir::SqueezeOptions{});
  };
  cases.push_back({"PAD", nullptr, {1, 3, 3, 2}, {1, 5, 5, 2}, {2, 4, 1, 2}});
  cases.back().graph = [](const Shape& in) {
    return OneNode(
        OpType::kPad, DataType::kFloat32, in, {1, 5, 5, 2},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<int64_t>({4, 2}, {0, 0, 1, 1, 2, 0, 0, 0})};
        },
        {});
  };
  ir::ConcatenationOptions concat;
  concat.axis = -1;
  cases.push_back({"CONCATENATION", nullptr, {1, 2, 2, 3}, {1, 2, 2, 8}, {}});
  cases.back().graph = [concat](const Shape& in) {
    return OneNode(
        OpType::kConcatenation, DataType::kFloat32, in, {1, 2, 2, 8},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<float>({1, 2, 2, 5}, Zeros(20))};
        },
        concat);
  };
  ir::StridedSliceOptions slice;
  slice.end_mask = 0b1000;
  slice.shrink_axis_mask = 0b0001;
  cases.push_back({"STRIDED_SLICE", nullptr, {1, 6, 6, 4}, {2, 6, 4}, {1, 9, 6, 2}});
  cases.back().graph = [slice](const Shape& in) {
    return OneNode(
        OpType::kStridedSlice, DataType::kFloat32, in, {2, 6, 4},
        [](writer::GraphBuilder& g) {
          return std::vector<int32_t>{g.AddConstant<int32_t>({4}, {0, 1, 0, 0}),
                                      g.AddConstant<int32_t>({4}, {1, 5, 6, 0}),
                                      g.AddConstant<int32_t>({4}, {1, 2, 1, 1})};
        },
        slice);
  };
  for (bool keep : {false, true}) {
    ir::ReducerOptions reduce;
    reduce.keep_dims = keep;
    const Shape out = keep ? Shape{1, 1, 1, 8} : Shape{1, 8};
    cases.push_back({keep ? "MEAN keep_dims" : "MEAN", nullptr, {1, 4, 4, 8}, out, {1, 3, 5, 8}});
    cases.back().graph = [reduce, out](const Shape& in) {
      return OneNode(
          OpType::kMean, DataType::kFloat32, in, out,
          [](writer::GraphBuilder& g) {
            return std::vector<int32_t>{g.AddConstant<int32_t>({2}, {1, -2})};
          },
          reduce);
    };
  }
  return cases;
}

// A single-node case: x (float) and `constants` into `op`, `outs` out (of
// `out_type`); outs[0] is the case's `out`.
Case NodeCase(const std::string& name, OpType op, const Shape& in, const std::vector<Shape>& outs,
              const Shape& resized, const ConstantsFn& constants, const ir::OpOptions& options,
              bool input_last = false, DataType out_type = DataType::kFloat32) {
  Case c{name, nullptr, in, outs[0], resized};
  c.graph = [=](const Shape& shape) {
    return OneNodeOuts(op, DataType::kFloat32, shape, out_type, outs, constants, options,
                       input_last);
  };
  return c;
}

// Constants of int32 values, one tensor per list: {shape, values}.
ConstantsFn Int32s(std::vector<std::pair<Shape, std::vector<int32_t>>> tensors) {
  return [tensors](writer::GraphBuilder& g) {
    std::vector<int32_t> ids;
    for (const auto& [shape, values] : tensors)
      ids.push_back(g.AddConstant<int32_t>(shape, values));
    return ids;
  };
}

std::vector<Case> IndexingCases() {
  std::vector<Case> cases;
  cases.push_back(NodeCase("EXPAND_DIMS", OpType::kExpandDims, {2, 3}, {{2, 3, 1}}, {4, 5},
                           Int32s({{{1}, {-1}}}), {}));
  cases.push_back(NodeCase("ARG_MAX", OpType::kArgMax, {2, 5, 3}, {{2, 3}}, {4, 1, 6},
                           Int32s({{{1}, {1}}}), ir::ArgMaxOptions{DataType::kInt32},
                           /*input_last=*/false, DataType::kInt32));
  cases.push_back(NodeCase("ARG_MIN", OpType::kArgMin, {2, 5, 3}, {{2, 5}}, {4, 1, 6},
                           Int32s({{{1}, {-1}}}), {}, /*input_last=*/false, DataType::kInt64));
  cases.push_back(NodeCase("GATHER", OpType::kGather, {4, 3}, {{2, 3}}, {6, 5},
                           Int32s({{{2}, {0, 3}}}), ir::GatherOptions{}));
  ir::GatherOptions gather_axis;
  gather_axis.axis = -1;
  cases.push_back(NodeCase("GATHER axis -1", OpType::kGather, {4, 3}, {{4, 2, 2}}, {1, 7},
                           Int32s({{{2, 2}, {0, 1, 2, 0}}}), gather_axis));
  cases.push_back(NodeCase("GATHER_ND", OpType::kGatherNd, {3, 4, 2}, {{2, 2}}, {5, 4, 7},
                           Int32s({{{2, 2}, {0, 1, 2, 3}}}), {}));
  cases.push_back(NodeCase("SLICE", OpType::kSlice, {4, 5}, {{2, 5}}, {3, 7},
                           Int32s({{{2}, {1, 0}}, {{2}, {2, -1}}}), {}));
  cases.push_back(
      NodeCase("TILE", OpType::kTile, {2, 3}, {{4, 3}}, {1, 5}, Int32s({{{2}, {2, 1}}}), {}));
  cases.push_back(NodeCase("TRANSPOSE", OpType::kTranspose, {2, 3, 4}, {{4, 2, 3}}, {5, 1, 2},
                           Int32s({{{3}, {2, 0, -2}}}), {}));
  cases.push_back(NodeCase(
      "PACK", OpType::kPack, {2, 3}, {{2, 2, 3}}, {},
      [](writer::GraphBuilder& g) {
        return std::vector<int32_t>{g.AddConstant<float>({2, 3}, Zeros(6))};
      },
      ir::PackOptions{2, 1}));
  cases.push_back(NodeCase("UNPACK", OpType::kUnpack, {3, 2, 4}, {{3, 4}, {3, 4}}, {5, 2, 1},
                           nullptr, ir::UnpackOptions{2, -2}));
  cases.push_back(NodeCase("SPLIT", OpType::kSplit, {2, 6}, {{2, 2}, {2, 2}, {2, 2}}, {4, 3},
                           Int32s({{{1}, {1}}}), ir::SplitOptions{3}, /*input_last=*/true));
  // SPLIT_V (input, size_splits, axis): x goes first, the constants after.
  cases.push_back(NodeCase("SPLIT_V", OpType::kSplitV, {2, 7}, {{2, 3}, {2, 4}}, {3, 5},
                           Int32s({{{2}, {3, -1}}, {{1}, {-1}}}), {}));
  return cases;
}

// SVDF over x [2, 4]: 6 filters of rank 2 (3 units), memory 3; and an LSTM
// with projection (n_cell 4, n_output 3). Their states fix the batch, so
// only the LSTM's time dimension is resized.
std::vector<Case> RecurrentCases() {
  std::vector<Case> cases;
  cases.push_back({"SVDF", nullptr, {2, 4}, {2, 3}, {}});
  cases.back().graph = [](const Shape& in) {
    writer::GraphBuilder g;
    const int x = g.AddInput(DataType::kFloat32, in, "x");
    const int wf = g.AddConstant<float>({6, 4}, Zeros(24));
    const int wt = g.AddConstant<float>({6, 3}, Zeros(18));
    const int bias = g.AddConstant<float>({3}, Zeros(3));
    const int state = g.AddTensor(DataType::kFloat32, {2, 18}, "state");
    const int y = g.AddTensor(DataType::kFloat32, {2, 3}, "y");
    g.AddNode(OpType::kSvdf, {x, wf, wt, bias, state}, {y},
              ir::SvdfOptions{2, ir::Activation::kRelu, false});
    g.MarkOutput(y);
    ir::Graph graph = g.Build();
    graph.tensors[state].is_variable = true;
    return graph;
  };
  test::LstmCase lstm;
  lstm.n_cell = 4;
  lstm.n_output = 3;
  lstm.projection = true;
  cases.push_back({"UNIDIRECTIONAL_SEQUENCE_LSTM", nullptr, {2, 3, 5}, {2, 3, 3}, {2, 6, 5}});
  cases.back().graph = [lstm](const Shape& in) {
    test::LstmCase c = lstm;
    c.time = in[1];
    return test::FloatLstm(c, /*seed=*/1);
  };
  return cases;
}

// The rule's shapes for node 0 of `graph` with its input given `in`, one per
// node output ([-1] each when the rule fails).
std::vector<Shape> RuleShapes(const ir::Graph& graph, const Shape& in) {
  std::vector<ir::Tensor> tensors = graph.tensors;
  tensors[graph.inputs[0]].shape = in;
  std::vector<Shape> shapes;
  const Status s = ops::InferOutputShapes(graph.nodes[0], tensors, &shapes);
  EXPECT_TRUE(s.ok()) << s.ToString();
  const size_t n = graph.nodes[0].outputs.size();
  return s.ok() && shapes.size() == n ? shapes : std::vector<Shape>(n, Shape{-1});
}

TEST(ShapeRulesTest, RulesGiveTheDeclaredAndTheInterpretersShapes) {
  std::vector<Case> cases = WindowCases();
  for (std::vector<Case> more :
       {ElementwiseCases(), MovementCases(), IndexingCases(), RecurrentCases()}) {
    cases.insert(cases.end(), more.begin(), more.end());
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ir::Graph graph = c.graph(c.in);
    const std::vector<Shape> declared = RuleShapes(graph, c.in);
    EXPECT_EQ(declared[0], c.out);
    // Every output (UNPACK, SPLIT: several) as the graph declares it.
    for (size_t o = 0; o < declared.size(); ++o) {
      EXPECT_EQ(declared[o], graph.tensors[graph.nodes[0].outputs[o]].shape) << "output " << o;
    }
    // Every dimension of the input may be resized.
    graph.tensors[graph.inputs[0]].shape_signature.assign(c.in.size(), -1);
    const Shape resized = c.resized.empty() ? c.in : c.resized;
    auto interpreter = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
    ASSERT_TRUE(interpreter.ok()) << interpreter.status().ToString();
    ASSERT_TRUE((*interpreter)->ResizeInput(0, resized).ok());
    const Status s = (*interpreter)->AllocateTensors();
    ASSERT_TRUE(s.ok()) << s.ToString();
    const std::vector<Shape> rule = RuleShapes(graph, resized);
    for (size_t o = 0; o < rule.size(); ++o) {
      EXPECT_EQ((*interpreter)->output_tensor(static_cast<int>(o)).shape, rule[o])
          << "input " << ir::ShapeToString(resized) << ", output " << o;
    }
  }
}

// x -> MAX_POOL_2D (2x2, stride 2, VALID) -> RELU -> RESHAPE [-1, 3], and a
// FLOOR (no shape rule) after, outside the GPU partition of the first three.
ir::Graph PoolReluReshapeFloor(const Shape& in) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const int pooled = g.AddTensor(DataType::kFloat32, {1, 2, 2, 3}, "pooled");
  const int relu = g.AddTensor(DataType::kFloat32, {1, 2, 2, 3}, "relu");
  const int flat = g.AddTensor(DataType::kFloat32, {4, 3}, "flat");
  const int floor = g.AddTensor(DataType::kFloat32, {4, 3}, "floor");
  ir::Pool2DOptions pool;
  pool.padding = ir::Padding::kValid;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  g.AddNode(OpType::kMaxPool2d, {x}, {pooled}, pool);
  g.AddNode(OpType::kRelu, {pooled}, {relu});
  g.AddNode(OpType::kReshape, {relu, g.AddConstant<int32_t>({2}, {-1, 3})}, {flat});
  g.AddNode(OpType::kFloor, {flat}, {floor});
  g.MarkOutput(floor);
  return g.Build();
}

TEST(ShapeRulesTest, PartitionShapesFollowAResizedInput) {
  const ir::Graph graph = PoolReluReshapeFloor({1, 4, 4, 3});
  partition::Partition p;
  p.nodes = {0, 1, 2};
  p.inputs = {graph.inputs[0]};
  p.outputs = {graph.nodes[2].outputs[0]};
  std::vector<ir::Tensor> tensors;
  Status s = ops::InferPartitionShapes(graph, p, {{2, 6, 6, 3}}, &tensors);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(tensors[graph.nodes[0].outputs[0]].shape, (Shape{2, 3, 3, 3}));
  EXPECT_EQ(tensors[graph.nodes[1].outputs[0]].shape, (Shape{2, 3, 3, 3}));
  EXPECT_EQ(tensors[graph.nodes[2].outputs[0]].shape, (Shape{18, 3}));
  // Nothing outside the partition changes.
  EXPECT_EQ(tensors[graph.nodes[3].outputs[0]].shape, (Shape{4, 3}));

  s = ops::InferPartitionShapes(graph, p, {{1, 1, 1, 3}}, &tensors);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            ir::NodeLabel(graph, 0) + ": filter 2x2 with VALID padding exceeds input [1,1,1,3]");

  s = ops::InferPartitionShapes(graph, p, {}, &tensors);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

// A CONV_2D partition whose input is resized to a channel count the filter
// cannot take fails in the rule (naming both), not later in a kernel.
TEST(ShapeRulesTest, ConvInputChannelsMustFitTheFilter) {
  const ir::Graph graph = WindowCases()[0].graph({1, 8, 8, 3});
  std::vector<ir::Tensor> tensors = graph.tensors;
  tensors[graph.inputs[0]].shape = {1, 8, 8, 5};
  std::vector<Shape> shapes;
  const Status s = ops::InferOutputShapes(graph.nodes[0], tensors, &shapes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "input channels 5 are not a multiple of filter channels 3");
}

TEST(ShapeRulesTest, AnOpWithoutARuleIsUnimplemented) {
  const ir::Graph graph = PoolReluReshapeFloor({1, 4, 4, 3});
  ASSERT_FALSE(ops::HasShapeRule(OpType::kFloor));
  std::vector<Shape> shapes;
  Status s = ops::InferOutputShapes(graph.nodes[3], graph.tensors, &shapes);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);

  partition::Partition p;
  p.nodes = {3};
  p.inputs = {graph.nodes[3].inputs[0]};
  std::vector<ir::Tensor> tensors;
  s = ops::InferPartitionShapes(graph, p, {{6, 2}}, &tensors);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find(ir::NodeLabel(graph, 3)), std::string::npos) << s.message();
}

// Rules take nodes no kernel has vetted (partition inference): missing and
// non-constant inputs are errors, not crashes.
TEST(ShapeRulesTest, MalformedNodesAreErrors) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, {2, 3}, "x");
  const int shape = g.AddInput(DataType::kInt32, {1}, "shape");
  const int y = g.AddTensor(DataType::kFloat32, {6}, "y");
  g.AddNode(OpType::kAdd, {x, ir::kNoTensor}, {y});
  g.AddNode(OpType::kReshape, {x, shape}, {y});
  g.AddNode(OpType::kStridedSlice, {x}, {y});
  const ir::Graph graph = g.Build();
  std::vector<Shape> shapes;
  Status s = ops::InferOutputShapes(graph.nodes[0], graph.tensors, &shapes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "input 1 missing");
  s = ops::InferOutputShapes(graph.nodes[1], graph.tensors, &shapes);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_EQ(s.message(), "input 1 (shape) must be constant");
  s = ops::InferOutputShapes(graph.nodes[2], graph.tensors, &shapes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
}

// Axis, multiples and size_splits inputs computed at run time leave the
// shape unknown while shapes are planned: Unimplemented, naming the input.
TEST(ShapeRulesTest, NonConstantShapeInputsAreUnimplemented) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, {2, 6}, "x");
  const int axis = g.AddInput(DataType::kInt32, {1}, "axis");
  const int sizes = g.AddInput(DataType::kInt32, {2}, "sizes");
  const int y = g.AddTensor(DataType::kFloat32, {2}, "y");
  const int z = g.AddTensor(DataType::kFloat32, {2, 3}, "z");
  g.AddNode(OpType::kArgMax, {x, axis}, {y}, ir::ArgMaxOptions{DataType::kInt32});
  g.AddNode(OpType::kSplit, {axis, x}, {y, z}, ir::SplitOptions{2});
  g.AddNode(OpType::kTile, {x, sizes}, {z});
  g.AddNode(OpType::kSplitV, {x, g.AddConstant<int32_t>({2}, {1, 5}), axis}, {y, z});
  g.AddNode(OpType::kSplitV, {x, sizes, g.AddConstant<int32_t>({1}, {1})}, {y, z});
  const ir::Graph graph = g.Build();
  const char* const expected[] = {
      "input 1 (axis) must be constant", "input 0 (axis) must be constant",
      "input 1 (multiples) must be constant", "input 2 (axis) must be constant",
      "input 1 (size_splits) must be constant"};
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    SCOPED_TRACE(ir::NodeLabel(graph, static_cast<int>(n)));
    std::vector<Shape> shapes;
    const Status s = ops::InferOutputShapes(graph.nodes[n], graph.tensors, &shapes);
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
    EXPECT_EQ(s.message(), expected[n]);
  }
}

// A multi-output rule sizes each output; a bad split names the counts.
TEST(ShapeRulesTest, SplitRulesWriteOneShapePerOutput) {
  const ir::Graph graph = IndexingCases().back().graph({2, 7});
  std::vector<Shape> shapes;
  ASSERT_TRUE(ops::InferOutputShapes(graph.nodes[0], graph.tensors, &shapes).ok());
  EXPECT_EQ(shapes, (std::vector<Shape>{{2, 3}, {2, 4}}));
  std::vector<ir::Tensor> tensors = graph.tensors;
  tensors[graph.inputs[0]].shape = {2, 2};
  const Status s = ops::InferOutputShapes(graph.nodes[0], tensors, &shapes);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "input 1 (size_splits): sizes do not add up to axis 1 of [2,2]");
}

TEST(ShapeRulesTest, BroadcastErrorNamesInputOne) {
  const auto s = ops::BroadcastShapes({2, 3}, {4, 3});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "input 1: shape [4,3] not broadcastable to [2,3]");
  EXPECT_EQ(*ops::BroadcastShapes({4, 1, 3}, {5, 1}), (Shape{4, 5, 3}));
}

}  // namespace
}  // namespace vkd
