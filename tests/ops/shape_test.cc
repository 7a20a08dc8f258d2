// RESHAPE, SQUEEZE, PAD, PADV2 and CONCATENATION against TFLite 2.9: target
// shapes from the input and from the option (with -1), squeeze dims (none,
// negative), pad amounts over ranks 1..5 with int32/int64 paddings, concat
// axes incl. negative, float32 and int32.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

constexpr double kTolerance = 1e-5;

TEST(ShapeTest, ReshapeFromInputAndOption) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
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
      EXPECT_TRUE(test::BothKernelsMatchTfLite(g.Build(), opts, kTolerance));
    }
  }
}

TEST(ShapeTest, Squeeze) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
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
      writer::GraphBuilder g;
      const int x = g.AddInput(type, c.in, "x");
      const int out = g.AddTensor(type, c.out, "out");
      g.AddNode(OpType::kSqueeze, {x}, {out}, ir::SqueezeOptions{c.dims}, 1);
      g.MarkOutput(out);
      test::CompareOptions opts;
      opts.label = std::string("SQUEEZE ") + ir::DataTypeName(type) + " " +
                   ir::ShapeToString(c.in) + " dims " + ir::ShapeToString(c.dims);
      EXPECT_TRUE(test::BothKernelsMatchTfLite(g.Build(), opts, kTolerance));
    }
  }
}

struct PadCase {
  Shape in;
  std::vector<int32_t> paddings;  // [rank, 2] flattened
};

const std::vector<PadCase>& PadCases() {
  static const std::vector<PadCase> cases = {
      {{5}, {2, 3}},
      {{3, 4}, {1, 0, 0, 2}},
      {{2, 3, 4}, {0, 1, 2, 0, 1, 1}},
      {{1, 5, 7, 3}, {0, 0, 1, 1, 2, 2, 0, 0}},  // image-style
      {{1, 5, 7, 3}, {0, 0, 0, 1, 0, 1, 0, 0}},  // the "SAME, stride 2" pad
      {{2, 3, 4, 5}, {1, 2, 0, 0, 3, 1, 2, 1}},  // every dimension
      {{1, 4, 4, 2}, {0, 0, 0, 0, 0, 0, 0, 0}},  // no padding
      {{1, 2, 3, 2, 3}, {0, 1, 1, 0, 0, 2, 1, 1, 2, 0}},
  };
  return cases;
}

ir::Graph PadGraph(const PadCase& c, DataType type, bool int64_paddings, bool v2) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(c.in.size());
  const int x = g.AddInput(type, c.in, "x");
  int p;
  if (int64_paddings) {
    p = g.AddConstant<int64_t>(
        {rank, 2}, std::vector<int64_t>(c.paddings.begin(), c.paddings.end()), "paddings");
  } else {
    p = g.AddConstant<int32_t>({rank, 2}, c.paddings, "paddings");
  }
  std::vector<int32_t> inputs = {x, p};
  if (v2) {
    inputs.push_back(type == DataType::kFloat32 ? g.AddConstant<float>({}, {-2.5f}, "value")
                                                : g.AddConstant<int32_t>({}, {-7}, "value"));
  }
  Shape out = c.in;
  for (int d = 0; d < rank; ++d) out[d] += c.paddings[2 * d] + c.paddings[2 * d + 1];
  const int y = g.AddTensor(type, out, "out");
  g.AddNode(v2 ? OpType::kPadv2 : OpType::kPad, inputs, {y}, {}, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST(ShapeTest, PadSweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  for (const PadCase& c : PadCases()) {
    for (bool v2 : {false, true}) {
      for (DataType type : {DataType::kFloat32, DataType::kInt32}) {
        // INT64 paddings are not compared: TFLite 2.9's PAD reads them as
        // INT32 pairs (an [N,2] INT64 [2,3] pads as (2,0)), which we don't copy.
        for (bool int64_paddings : {false}) {
          test::CompareOptions opts;
          opts.seed = 61;
          opts.label = std::string(v2 ? "PADV2 " : "PAD ") + ir::DataTypeName(type) + " " +
                       ir::ShapeToString(c.in) + " paddings " + ir::ShapeToString(c.paddings) +
                       (int64_paddings ? " int64" : " int32");
          EXPECT_TRUE(test::BothKernelsMatchTfLite(PadGraph(c, type, int64_paddings, v2), opts,
                                                   kTolerance));
        }
      }
    }
  }
}

TEST(ShapeTest, Concatenation) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  struct Case {
    std::vector<Shape> inputs;
    int axis;
  };
  const Case cases[] = {
      {{{1, 4, 5, 3}, {1, 4, 5, 7}}, 3},
      {{{1, 4, 5, 3}, {1, 4, 5, 7}}, -1},
      {{{2, 3, 5}, {2, 1, 5}, {2, 4, 5}}, 1},
      {{{2, 3, 5}, {2, 1, 5}, {2, 4, 5}}, -2},
      {{{2, 3}, {5, 3}}, 0},
      {{{3, 2, 2, 2}, {3, 1, 2, 2}}, -3},
      {{{6}, {1}, {4}}, 0},
      {{{1, 2, 3, 2, 2}, {1, 2, 3, 2, 1}}, 4},
  };
  for (const Case& c : cases) {
    for (DataType type : {DataType::kFloat32, DataType::kInt32}) {
      for (bool first_constant : {false, true}) {
        writer::GraphBuilder g;
        std::vector<int32_t> ins;
        Shape out = c.inputs[0];
        const int rank = static_cast<int>(out.size());
        const int axis = c.axis < 0 ? c.axis + rank : c.axis;
        out[axis] = 0;
        for (size_t i = 0; i < c.inputs.size(); ++i) {
          const Shape& s = c.inputs[i];
          out[axis] += s[axis];
          if (i == 0 && first_constant) {
            const size_t n = ir::NumElements(s);
            ins.push_back(type == DataType::kFloat32
                              ? g.AddConstant<float>(s, test::RandomFloats(n, 5), "c")
                              : g.AddConstant<int32_t>(s, std::vector<int32_t>(n, 42), "c"));
          } else {
            ins.push_back(g.AddInput(type, s, "x" + std::to_string(i)));
          }
        }
        const int y = g.AddTensor(type, out, "out");
        g.AddNode(OpType::kConcatenation, ins, {y}, ir::ConcatenationOptions{c.axis}, 1);
        g.MarkOutput(y);
        test::CompareOptions opts;
        opts.seed = 71;
        opts.label = std::string("CONCATENATION ") + ir::DataTypeName(type) + " " +
                     std::to_string(c.inputs.size()) + " inputs -> " + ir::ShapeToString(out) +
                     " axis " + std::to_string(c.axis) + (first_constant ? " first=constant" : "");
        EXPECT_TRUE(test::BothKernelsMatchTfLite(g.Build(), opts, kTolerance));
      }
    }
  }
}

// The tests below run vkdelegate alone: TFLite 2.9 refuses these graphs.

Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

TEST(ShapeTest, PrepareErrors) {
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

// TFLite 2.9 rejects a fused activation on CONCATENATION; we apply the float
// clamp. Checked against values computed here.
TEST(ShapeTest, ConcatenationFusedActivation) {
  writer::GraphBuilder g;
  const int a = g.AddConstant<float>({2, 2}, {-3.0f, 0.5f, 7.0f, -0.25f}, "a");
  const int x = g.AddInput(DataType::kFloat32, {2, 1}, "x");
  const int y = g.AddTensor(DataType::kFloat32, {2, 3}, "y");
  g.AddNode(OpType::kConcatenation, {a, x}, {y},
            ir::ConcatenationOptions{-1, ir::Activation::kRelu6});
  g.MarkOutput(y);
  for (bool reference : {false, true}) {
    cpu::InterpreterOptions io;
    io.use_reference_kernels = reference;
    auto interp = cpu::Interpreter::Create(g.Build(), io);
    ASSERT_TRUE(interp.ok()) << interp.status().ToString();
    ASSERT_TRUE((*interp)->AllocateTensors().ok());
    const float in[2] = {9.0f, -1.0f};
    std::memcpy((*interp)->input_data(0), in, sizeof(in));
    ASSERT_TRUE((*interp)->Invoke().ok());
    const float* out = reinterpret_cast<const float*>((*interp)->output_data(0));
    // [[-3, 0.5, 9], [7, -0.25, -1]] clamped to [0, 6].
    const std::vector<float> got(out, out + 6);
    EXPECT_EQ(got, (std::vector<float>{0.0f, 0.5f, 6.0f, 6.0f, 0.0f, 0.0f}))
        << (reference ? "reference" : "optimized");
  }
}

}  // namespace
}  // namespace vkd
