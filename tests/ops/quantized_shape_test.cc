// Quantized and integer data movement against TFLite 2.9: RESHAPE, SQUEEZE
// and EXPAND_DIMS for every element type; PAD / PADV2 (int8, uint8, int32,
// int64; PAD fills with the output zero point, PADV2 with its constant);
// CONCATENATION (uint8 inputs with other scales/zero points than the output
// are requantized; int8, int32, int64 copied). Exact (tolerance 0).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

// Quantized and integer tensors run on the CPU kernels only; the float32
// forms the GPU takes are held to TFLite on the GPU in gpu_*_test.cc.
VKD_BACKEND_TEST_SUITE(QuantizedShapeTest, kCpuBackends);

const DataType kAllTypes[] = {DataType::kFloat32, DataType::kInt8, DataType::kUInt8,
                              DataType::kInt32, DataType::kInt64};

TEST_P(QuantizedShapeTest, ReshapeSqueezeExpandDims) {
  for (DataType type : kAllTypes) {
    const ir::Quantization q = test::QuantFor(type, 0.1f, type == DataType::kUInt8 ? 7 : -3);
    {
      writer::GraphBuilder g;
      const int x = g.AddInput(type, {1, 3, 4, 5}, "x", q);
      const int shape = g.AddConstant<int32_t>({2}, {1, -1}, "shape");
      const int y = g.AddTensor(type, {1, 60}, "y", q);
      g.AddNode(OpType::kReshape, {x, shape}, {y}, ir::ReshapeOptions{}, 1);
      g.MarkOutput(y);
      EXPECT_TRUE(Matches(g.Build(), test::FullRange(type, "RESHAPE " + test::TypeLabel(type)), 0));
    }
    {
      writer::GraphBuilder g;
      const int x = g.AddInput(type, {1, 1, 6, 1}, "x", q);
      const int y = g.AddTensor(type, {1, 6}, "y", q);
      g.AddNode(OpType::kSqueeze, {x}, {y}, ir::SqueezeOptions{{1, -1}}, 1);
      g.MarkOutput(y);
      EXPECT_TRUE(Matches(g.Build(), test::FullRange(type, "SQUEEZE " + test::TypeLabel(type)), 0));
    }
    struct Expand {
      int32_t axis;
      Shape out;
    };
    for (const Expand& e : {Expand{0, {1, 3, 4}}, Expand{2, {3, 4, 1}}, Expand{-1, {3, 4, 1}},
                            Expand{-2, {3, 1, 4}}}) {
      for (bool int64_axis : {false, true}) {
        writer::GraphBuilder g;
        const int x = g.AddInput(type, {3, 4}, "x", q);
        const int axis =
            test::AddIntConstant(g, int64_axis ? Shape{1} : Shape{}, {e.axis}, int64_axis, "axis");
        const int y = g.AddTensor(type, e.out, "y", q);
        g.AddNode(OpType::kExpandDims, {x, axis}, {y}, {}, 1);
        g.MarkOutput(y);
        EXPECT_TRUE(Matches(
            g.Build(),
            test::FullRange(type, "EXPAND_DIMS " + test::TypeLabel(type) + " axis " +
                                      std::to_string(e.axis) + (int64_axis ? " int64" : "")),
            0));
      }
    }
  }
}

TEST_P(QuantizedShapeTest, PadAndPadV2) {
  struct Case {
    Shape in;
    std::vector<int32_t> paddings;
  };
  const Case cases[] = {
      {{1, 4, 5, 3}, {0, 0, 1, 2, 2, 1, 0, 0}},
      {{2, 3, 7}, {1, 0, 0, 3, 2, 2}},
      {{9}, {4, 1}},
  };
  int n = 0;
  for (DataType type : {DataType::kInt8, DataType::kUInt8, DataType::kInt32, DataType::kInt64}) {
    for (const Case& c : cases) {
      for (bool v2 : {false, true}) {
        ++n;
        const int64_t zp = type == DataType::kUInt8 ? 131 : -17;
        const ir::Quantization q = test::QuantFor(type, 0.25f, zp);
        const int rank = static_cast<int>(c.in.size());
        Shape out = c.in;
        for (int d = 0; d < rank; ++d) out[d] += c.paddings[2 * d] + c.paddings[2 * d + 1];
        writer::GraphBuilder g;
        const int x = g.AddInput(type, c.in, "x", q);
        const int pads = g.AddConstant<int32_t>({rank, 2}, c.paddings, "paddings");
        std::vector<int32_t> inputs = {x, pads};
        if (v2) {
          switch (type) {
            case DataType::kInt8:
              inputs.push_back(g.AddConstant<int8_t>({1}, {-99}, "value", q));
              break;
            case DataType::kUInt8:
              inputs.push_back(g.AddConstant<uint8_t>({1}, {201}, "value", q));
              break;
            case DataType::kInt32:
              inputs.push_back(g.AddConstant<int32_t>({1}, {123456}, "value"));
              break;
            default:
              inputs.push_back(g.AddConstant<int64_t>({1}, {-5000000000LL}, "value"));
              break;
          }
        }
        const int y = g.AddTensor(type, out, "y", q);
        g.AddNode(v2 ? OpType::kPadv2 : OpType::kPad, inputs, {y}, {}, test::Int8Version(type));
        g.MarkOutput(y);
        const std::string label = std::string(v2 ? "PADV2 " : "PAD ") + test::TypeLabel(type) +
                                  " " + ir::ShapeToString(c.in);
        EXPECT_TRUE(Matches(g.Build(), test::FullRange(type, label, n), 0));
      }
    }
  }
}

TEST_P(QuantizedShapeTest, Concatenation) {
  struct Input {
    Shape shape;
    float scale;
    int64_t zero_point;
  };
  struct Case {
    std::vector<Input> inputs;
    int axis;
    Shape out;
    float out_scale;
    int64_t out_zero_point;
  };
  // uint8: mixes of inputs that match the output and inputs to requantize
  // (larger and smaller scales, saturating at both ends).
  const Case u8_cases[] = {
      {{{{1, 4, 4, 3}, 0.1f, 128}, {{1, 4, 4, 5}, 0.05f, 100}}, 3, {1, 4, 4, 8}, 0.1f, 128},
      {{{{2, 3}, 0.02f, 0}, {{2, 5}, 0.5f, 250}, {{2, 1}, 0.07f, 127}}, -1, {2, 9}, 0.07f, 127},
      {{{{1, 2, 6}, 0.3f, 10}, {{1, 3, 6}, 0.011f, 77}}, 1, {1, 5, 6}, 0.03f, 60},
      {{{{3, 2}, 0.05f, 3}, {{1, 2}, 0.05f, 3}}, 0, {4, 2}, 0.05f, 3},
  };
  int n = 0;
  for (const Case& c : u8_cases) {
    ++n;
    writer::GraphBuilder g;
    std::vector<int32_t> inputs;
    for (size_t i = 0; i < c.inputs.size(); ++i) {
      inputs.push_back(g.AddInput(DataType::kUInt8, c.inputs[i].shape, "x" + std::to_string(i),
                                  test::Quant(c.inputs[i].scale, c.inputs[i].zero_point)));
    }
    const int y =
        g.AddTensor(DataType::kUInt8, c.out, "y", test::Quant(c.out_scale, c.out_zero_point));
    g.AddNode(OpType::kConcatenation, inputs, {y}, ir::ConcatenationOptions{c.axis}, 1);
    g.MarkOutput(y);
    EXPECT_TRUE(Matches(
        g.Build(),
        test::FullRange(DataType::kUInt8, "CONCATENATION UINT8 case " + std::to_string(n), n), 0));
  }
  // Copies: int8 (shared parameters), int32, int64.
  for (DataType type : {DataType::kInt8, DataType::kInt32, DataType::kInt64}) {
    const ir::Quantization q = test::QuantFor(type, 0.1f, -5);
    writer::GraphBuilder g;
    const int a = g.AddInput(type, {2, 3, 4}, "a", q);
    const int b = g.AddInput(type, {2, 1, 4}, "b", q);
    const int y = g.AddTensor(type, {2, 4, 4}, "y", q);
    g.AddNode(OpType::kConcatenation, {a, b}, {y}, ir::ConcatenationOptions{1},
              test::Int8Version(type));
    g.MarkOutput(y);
    EXPECT_TRUE(
        Matches(g.Build(), test::FullRange(type, "CONCATENATION " + test::TypeLabel(type)), 0));
  }
}

// TFLite 2.9 refuses int8 CONCATENATION inputs whose parameters differ from
// the output's; so do we, naming the input.
TEST(QuantizedShapeTest, Int8ConcatenationNeedsSharedParameters) {
  writer::GraphBuilder g;
  const int a = g.AddInput(DataType::kInt8, {1, 2}, "a", test::Quant(0.1f, 0));
  const int b = g.AddInput(DataType::kInt8, {1, 2}, "b", test::Quant(0.2f, 0));
  const int y = g.AddTensor(DataType::kInt8, {1, 4}, "y", test::Quant(0.1f, 0));
  g.AddNode(OpType::kConcatenation, {a, b}, {y}, ir::ConcatenationOptions{1}, 2);
  g.MarkOutput(y);
  const Status s = test::PrepareStatus(g.Build());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("input 1"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
