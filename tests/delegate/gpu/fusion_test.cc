// Multi-node graphs on the GPU against TFLite, checking both the results and
// how many dispatches the fused program needs: fused activations, residual
// ADDs and elementwise chains absorbed by their producer, PAD folded into
// convolutions, RESHAPE as a view, constant DEQUANTIZE folded on the host, a
// MobileNetV2 inverted residual block, and intermediates that must stay
// (a second reader, a graph output).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;
using ir::Shape;

// A tensor and its shape, as the graph helpers below pass them around.
struct T {
  int id;
  Shape shape;
};

int ConvOut(ir::Padding p, int in, int k, int s) {
  return p == ir::Padding::kSame ? (in + s - 1) / s : (in - k + s) / s;
}

// How filters reach the conv: float constants, or int8/fp16 constants
// through a DEQUANTIZE node (hybrid and fp16 models).
enum class Weights { kFloat, kInt8Dequantize, kFp16Dequantize };

uint16_t ToHalf(float f) {
  // Round-to-nearest fp32 -> fp16 for normal values in the range used here.
  uint32_t u;
  std::memcpy(&u, &f, 4);
  const uint32_t sign = (u >> 16) & 0x8000u;
  const int32_t exp = static_cast<int32_t>((u >> 23) & 0xff) - 127 + 15;
  uint32_t mant = u & 0x7fffffu;
  if (exp <= 0) return static_cast<uint16_t>(sign);  // flush tiny values to zero
  uint32_t h = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  if ((mant & 0x1fffu) > 0x1000u || ((mant & 0x1fffu) == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(h);
}

int AddFilter(writer::GraphBuilder& b, const Shape& shape, int quantized_dim, Weights w,
              uint32_t seed) {
  const size_t n = ir::NumElements(shape);
  if (w == Weights::kFloat) return b.AddConstant<float>(shape, test::RandomFloats(n, seed));
  const int out = b.AddTensor(DataType::kFloat32, shape);
  int q;
  if (w == Weights::kInt8Dequantize) {
    ir::Quantization quant;
    const int channels = shape[quantized_dim];
    quant.scale = test::RandomFloats(channels, seed + 1, 0.002f, 0.01f);
    quant.zero_point.assign(channels, 0);
    quant.quantized_dimension = quantized_dim;
    q = b.AddConstant<int8_t>(shape, test::RandomInt8(n, seed), "", quant);
  } else {
    std::vector<uint16_t> half(n);
    const std::vector<float> f = test::RandomFloats(n, seed);
    for (size_t i = 0; i < n; ++i) half[i] = ToHalf(f[i]);
    std::vector<uint8_t> bytes(n * 2);
    std::memcpy(bytes.data(), half.data(), bytes.size());
    q = b.AddConstantBytes(DataType::kFloat16, shape, std::move(bytes));
  }
  b.AddNode(OpType::kDequantize, {q}, {out}, {}, w == Weights::kFp16Dequantize ? 3 : 2);
  return out;
}

// CONV_2D, or DEPTHWISE_CONV_2D (multiplier 1, cout = the input's channels).
T ConvNode(writer::GraphBuilder& b, const T& in, bool depthwise, int cout, int k, int stride,
           ir::Padding padding, Activation act, uint32_t seed, Weights w) {
  const int cin = in.shape[3];
  const Shape filter_shape = depthwise ? Shape{1, k, k, cin} : Shape{cout, k, k, cin};
  const int filter = AddFilter(b, filter_shape, depthwise ? 3 : 0, w, seed);
  const int bias = b.AddConstant<float>({cout}, test::RandomFloats(cout, seed + 2));
  const Shape out_shape = {in.shape[0], ConvOut(padding, in.shape[1], k, stride),
                           ConvOut(padding, in.shape[2], k, stride), cout};
  const int out = b.AddTensor(DataType::kFloat32, out_shape);
  if (depthwise) {
    ir::DepthwiseConv2DOptions o;
    o.padding = padding;
    o.stride_h = o.stride_w = stride;
    o.depth_multiplier = 1;
    o.activation = act;
    b.AddNode(OpType::kDepthwiseConv2d, {in.id, filter, bias}, {out}, o, 2);
  } else {
    ir::Conv2DOptions o;
    o.padding = padding;
    o.stride_h = o.stride_w = stride;
    o.activation = act;
    b.AddNode(OpType::kConv2d, {in.id, filter, bias}, {out}, o, 2);
  }
  return {out, out_shape};
}

T Conv(writer::GraphBuilder& b, const T& in, int cout, int k, int stride, ir::Padding padding,
       Activation act, uint32_t seed, Weights w = Weights::kFloat) {
  return ConvNode(b, in, /*depthwise=*/false, cout, k, stride, padding, act, seed, w);
}

T Depthwise(writer::GraphBuilder& b, const T& in, int k, int stride, ir::Padding padding,
            Activation act, uint32_t seed, Weights w = Weights::kFloat) {
  return ConvNode(b, in, /*depthwise=*/true, in.shape[3], k, stride, padding, act, seed, w);
}

T Binary(writer::GraphBuilder& b, OpType op, const T& x, const T& y,
         Activation act = Activation::kNone) {
  const Shape s = test::BroadcastShape(x.shape, y.shape);
  const int out = b.AddTensor(DataType::kFloat32, s);
  ir::OpOptions options;
  if (op == OpType::kAdd || op == OpType::kSub || op == OpType::kMul || op == OpType::kDiv) {
    options = ir::ElementwiseOptions{act};
  }
  b.AddNode(op, {x.id, y.id}, {out}, options, 1);
  return {out, s};
}

T Unary(writer::GraphBuilder& b, OpType op, const T& x, const ir::OpOptions& options = {}) {
  const int out = b.AddTensor(DataType::kFloat32, x.shape);
  b.AddNode(op, {x.id}, {out}, options, 1);
  return {out, x.shape};
}

T Constant(writer::GraphBuilder& b, const Shape& s, uint32_t seed, float lo = -1.0f,
           float hi = 1.0f) {
  return {b.AddConstant<float>(s, test::RandomFloats(ir::NumElements(s), seed, lo, hi)), s};
}

T Input(writer::GraphBuilder& b, const Shape& s) { return {b.AddInput(DataType::kFloat32, s), s}; }

// Compares with TFLite, and checks the dispatch count (every node on the GPU).
::testing::AssertionResult Check(const ir::Graph& g, const std::string& label, int dispatches,
                                 float lo = -1.0f, float hi = 1.0f) {
  test::CompareOptions o;
  o.label = label;
  o.input_min = lo;
  o.input_max = hi;
  test::CompareReport report;
  auto r = test::GpuMatchesTfLite(g, o, test::kGpuFp32Tolerance, &report);
  if (!r) return r;
  if (report.dispatches != dispatches) {
    return ::testing::AssertionFailure()
           << "[" << label << "] " << report.dispatches << " dispatches, expected " << dispatches;
  }
  return r;
}

TEST(GpuFusionTest, ConvFusedActivation) {
  VKD_REQUIRE_GPU();
  for (int k : {1, 3}) {
    writer::GraphBuilder b;
    const T x = Input(b, {1, 9, 7, 6});
    const T y = Conv(b, x, 10, k, 1, ir::Padding::kSame, Activation::kRelu6, 1);
    b.MarkOutput(y.id);
    EXPECT_TRUE(Check(b.Build(), "conv k" + std::to_string(k) + " RELU6", 1, -4.0f, 4.0f));
  }
}

TEST(GpuFusionTest, ConvResidualAddRelu) {
  VKD_REQUIRE_GPU();
  // conv -> ADD(residual from the conv's own input) -> RELU: one dispatch,
  // whichever side of the ADD the residual is on; SUB with the conv's value
  // on the right too.
  for (OpType op : {OpType::kAdd, OpType::kSub}) {
    for (bool residual_left : {false, true}) {
      writer::GraphBuilder b;
      const T x = Input(b, {1, 8, 7, 12});
      const T c = Conv(b, x, 12, 3, 1, ir::Padding::kSame, Activation::kNone, 10);
      const T s = residual_left ? Binary(b, op, x, c) : Binary(b, op, c, x);
      const T r = Unary(b, OpType::kRelu, s);
      b.MarkOutput(r.id);
      EXPECT_TRUE(Check(b.Build(),
                        ir::OpTypeName(op) + (residual_left ? "(x, conv)" : "(conv, x)") + "+RELU",
                        1));
    }
  }
  {
    // The residual from an earlier tensor than the conv's input: two convs,
    // the ADD reads the first one's output.
    writer::GraphBuilder b;
    const T x = Input(b, {2, 6, 6, 8});
    const T c1 = Conv(b, x, 8, 1, 1, ir::Padding::kSame, Activation::kRelu, 20);
    const T c2 = Conv(b, c1, 8, 3, 1, ir::Padding::kSame, Activation::kNone, 30);
    const T s = Binary(b, OpType::kAdd, c2, c1, Activation::kRelu6);
    b.MarkOutput(s.id);
    EXPECT_TRUE(Check(b.Build(), "conv1 -> conv2 -> ADD(conv1) RELU6", 2, -3.0f, 3.0f));
  }
}

TEST(GpuFusionTest, ElementwiseChains) {
  VKD_REQUIRE_GPU();
  // Three elementwise ops in a row are one dispatch, with operands of every
  // kind: another input, constants of any broadcast shape on either side.
  // Inputs are in [0.5, 2] so the DIV's divisor (x + y) stays away from 0.
  const Shape s = {2, 5, 6, 7};
  {
    writer::GraphBuilder b;
    const T x = Input(b, s), y = Input(b, s);
    const T a = Binary(b, OpType::kAdd, x, y);
    const T d = Binary(b, OpType::kDiv, Constant(b, {7}, 1), a);
    const T l = Unary(b, OpType::kLogistic, d);
    b.MarkOutput(l.id);
    EXPECT_TRUE(Check(b.Build(), "ADD, DIV(c, .), LOGISTIC", 1, 0.5f, 2.0f));
  }
  {
    writer::GraphBuilder b;
    const T x = Input(b, s), y = Input(b, {1, 1, 6, 1});
    const T m = Binary(b, OpType::kMul, x, Constant(b, {}, 2));
    const T sub = Binary(b, OpType::kSub, Constant(b, {1, 5, 1, 7}, 3), m);
    const T mx = Binary(b, OpType::kMaximum, y, sub);
    b.MarkOutput(mx.id);
    EXPECT_TRUE(Check(b.Build(), "MUL(scalar), SUB(c, .), MAXIMUM(y, .)", 1, 0.5f, 2.0f));
  }
  {
    writer::GraphBuilder b;
    const T x = Input(b, s);
    const T sq = Binary(b, OpType::kSquaredDifference, x, Constant(b, {7}, 4));
    const T mn = Binary(b, OpType::kMinimum, Constant(b, {1}, 5, 0.5f, 1.0f), sq);
    const T lr = Unary(b, OpType::kLeakyRelu, mn, ir::LeakyReluOptions{0.01f});
    const T hs = Unary(b, OpType::kHardSwish, lr);
    b.MarkOutput(hs.id);
    EXPECT_TRUE(
        Check(b.Build(), "SQUARED_DIFFERENCE, MINIMUM, LEAKY_RELU, HARD_SWISH", 1, -2.0f, 2.0f));
  }
  {
    // PRELU and activations after a depthwise conv: still one dispatch.
    writer::GraphBuilder b;
    const T x = Input(b, {1, 7, 7, 5});
    const T d = Depthwise(b, x, 3, 1, ir::Padding::kSame, Activation::kNone, 6);
    const T p = Binary(b, OpType::kPrelu, d, Constant(b, {1, 1, 5}, 7));
    const T t = Unary(b, OpType::kTanh, p);
    const T m = Binary(b, OpType::kMul, t, Constant(b, {5}, 8));
    b.MarkOutput(m.id);
    EXPECT_TRUE(Check(b.Build(), "depthwise, PRELU, TANH, MUL", 1, -2.0f, 2.0f));
  }
}

TEST(GpuFusionTest, IntermediateWithSecondReader) {
  VKD_REQUIRE_GPU();
  // conv -> ADD whose result is read by RELU and by MUL: the ADD fuses into
  // the conv, the chain stops there, the two readers get a kernel each.
  writer::GraphBuilder b;
  const T x = Input(b, {1, 6, 5, 8});
  const T c = Conv(b, x, 8, 3, 1, ir::Padding::kSame, Activation::kNone, 40);
  const T a = Binary(b, OpType::kAdd, c, x);
  const T r = Unary(b, OpType::kRelu, a);
  const T m = Binary(b, OpType::kMul, a, Constant(b, {8}, 41));
  const T s = Binary(b, OpType::kSub, r, m);
  b.MarkOutput(s.id);
  EXPECT_TRUE(Check(b.Build(), "conv+ADD read twice", 3));
}

TEST(GpuFusionTest, GraphOutputInsideChain) {
  VKD_REQUIRE_GPU();
  {
    // conv -> t (graph output) -> RELU -> graph output: t is written.
    writer::GraphBuilder b;
    const T x = Input(b, {1, 6, 6, 5});
    const T c = Conv(b, x, 6, 3, 1, ir::Padding::kSame, Activation::kNone, 50);
    const T r = Unary(b, OpType::kRelu6, c);
    b.MarkOutput(c.id);
    b.MarkOutput(r.id);
    EXPECT_TRUE(Check(b.Build(), "conv output and RELU6 output", 2, -3.0f, 3.0f));
  }
  {
    // ADD -> t (graph output) -> MUL -> TANH -> graph output.
    writer::GraphBuilder b;
    const T x = Input(b, {2, 3, 4, 9}), y = Input(b, {9});
    const T a = Binary(b, OpType::kAdd, x, y);
    const T m = Binary(b, OpType::kMul, a, Constant(b, {}, 51));
    const T t = Unary(b, OpType::kTanh, m);
    b.MarkOutput(t.id);
    b.MarkOutput(a.id);
    EXPECT_TRUE(Check(b.Build(), "ADD output inside ADD, MUL, TANH", 2));
  }
}

ir::Graph PadConvGraph(bool depthwise, const std::vector<int32_t>& pads, int k, int stride,
                       ir::Padding padding, bool padv2) {
  writer::GraphBuilder b;
  const T x = Input(b, {1, 8, 9, 6});
  const int p = b.AddConstant<int32_t>({4, 2}, pads, "paddings");
  const Shape ps = {1, 8 + pads[2] + pads[3], 9 + pads[4] + pads[5], 6};
  const int padded = b.AddTensor(DataType::kFloat32, ps);
  if (padv2) {
    const int zero = b.AddConstant<float>({}, {0.0f}, "zero");
    b.AddNode(OpType::kPadv2, {x.id, p, zero}, {padded}, {}, 1);
  } else {
    b.AddNode(OpType::kPad, {x.id, p}, {padded}, {}, 1);
  }
  const T in{padded, ps};
  const T y = depthwise ? Depthwise(b, in, k, stride, padding, Activation::kRelu, 60)
                        : Conv(b, in, 7, k, stride, padding, Activation::kRelu, 60);
  b.MarkOutput(y.id);
  return b.Build();
}

TEST(GpuFusionTest, PadFoldedIntoConv) {
  VKD_REQUIRE_GPU();
  struct PadCase {
    std::vector<int32_t> pads;
    int k, stride;
    ir::Padding padding;
    const char* name;
  };
  const std::vector<PadCase> cases = {
      // Keras ZeroPadding2D(((0, 1), (0, 1))) before a stride-2 VALID conv.
      {{0, 0, 0, 1, 0, 1, 0, 0}, 3, 2, ir::Padding::kValid, "keras ((0,1),(0,1)) s2 VALID"},
      {{0, 0, 1, 1, 1, 1, 0, 0}, 3, 1, ir::Padding::kValid, "symmetric 1 s1 VALID"},
      {{0, 0, 2, 2, 2, 2, 0, 0}, 5, 2, ir::Padding::kValid, "symmetric 2 s2 VALID"},
      {{0, 0, 1, 0, 1, 0, 0, 0}, 3, 2, ir::Padding::kValid, "before only s2 VALID"},
      {{0, 0, 1, 2, 0, 1, 0, 0}, 3, 1, ir::Padding::kSame, "asymmetric SAME"},
      {{0, 0, 0, 1, 0, 1, 0, 0}, 3, 2, ir::Padding::kSame, "keras ((0,1),(0,1)) s2 SAME"},
      {{0, 0, 0, 1, 0, 1, 0, 0}, 1, 1, ir::Padding::kValid, "((0,1),(0,1)) 1x1"},
  };
  for (bool depthwise : {false, true}) {
    for (const PadCase& c : cases) {
      for (bool padv2 : {false, true}) {
        const std::string label = std::string(depthwise ? "PAD+DEPTHWISE " : "PAD+CONV ") + c.name +
                                  (padv2 ? " PADV2" : "");
        EXPECT_TRUE(
            Check(PadConvGraph(depthwise, c.pads, c.k, c.stride, c.padding, padv2), label, 1));
      }
    }
  }
}

int ShapeConstant(writer::GraphBuilder& b, const Shape& s) {
  return b.AddConstant<int32_t>({static_cast<int32_t>(s.size())}, s, "shape");
}

TEST(GpuFusionTest, ReshapeKeepingChannelsIsAView) {
  VKD_REQUIRE_GPU();
  {
    // A lone RESHAPE: no dispatch at all.
    writer::GraphBuilder b;
    const T x = Input(b, {2, 4, 6, 8});
    const int y = b.AddTensor(DataType::kFloat32, {48, 8});
    b.AddNode(OpType::kReshape, {x.id, ShapeConstant(b, {48, 8})}, {y}, ir::ReshapeOptions{}, 1);
    b.MarkOutput(y);
    EXPECT_TRUE(Check(b.Build(), "RESHAPE [2,4,6,8] -> [48,8]", 0));
  }
  {
    // Odd channels, rank 4 -> rank 3 between two kernels.
    writer::GraphBuilder b;
    const T x = Input(b, {1, 4, 6, 5});
    const T c = Conv(b, x, 7, 3, 1, ir::Padding::kSame, Activation::kNone, 70);
    const T r{b.AddTensor(DataType::kFloat32, {4, 6, 7}), {4, 6, 7}};
    b.AddNode(OpType::kReshape, {c.id, ShapeConstant(b, r.shape)}, {r.id}, ir::ReshapeOptions{}, 1);
    const T a = Binary(b, OpType::kAdd, r, Constant(b, {7}, 71), Activation::kRelu);
    b.MarkOutput(a.id);
    EXPECT_TRUE(Check(b.Build(), "conv, RESHAPE [1,4,6,7] -> [4,6,7], ADD", 2));
  }
  {
    // RESHAPE of a graph input into a conv, and SQUEEZE of its result.
    writer::GraphBuilder b;
    const T x = Input(b, {24, 3});
    const T r{b.AddTensor(DataType::kFloat32, {1, 4, 6, 3}), {1, 4, 6, 3}};
    b.AddNode(OpType::kReshape, {x.id, ShapeConstant(b, r.shape)}, {r.id}, ir::ReshapeOptions{}, 1);
    const T c = Conv(b, r, 5, 3, 2, ir::Padding::kSame, Activation::kRelu6, 72);
    const int sq = b.AddTensor(DataType::kFloat32, {2, 3, 5});
    b.AddNode(OpType::kSqueeze, {c.id}, {sq}, ir::SqueezeOptions{{0}}, 1);
    b.MarkOutput(sq);
    EXPECT_TRUE(Check(b.Build(), "RESHAPE, conv, SQUEEZE", 1, -3.0f, 3.0f));
  }
}

TEST(GpuFusionTest, DequantizedWeightsFolded) {
  VKD_REQUIRE_GPU();
  for (Weights w : {Weights::kInt8Dequantize, Weights::kFp16Dequantize}) {
    const std::string kind = w == Weights::kInt8Dequantize ? "int8" : "fp16";
    {
      writer::GraphBuilder b;
      const T x = Input(b, {1, 7, 8, 6});
      const T c = Conv(b, x, 9, 3, 2, ir::Padding::kSame, Activation::kRelu6, 80, w);
      const T d = Depthwise(b, c, 3, 1, ir::Padding::kSame, Activation::kNone, 81, w);
      b.MarkOutput(d.id);
      EXPECT_TRUE(Check(b.Build(), "DEQUANTIZE(" + kind + ") -> conv, depthwise", 2));
    }
    {
      // The DEQUANTIZE of the 1x1 conv's weights placed between the convs,
      // as converters emit it next to its reader.
      writer::GraphBuilder b;
      const T x = Input(b, {1, 5, 6, 4});
      const T c1 = Conv(b, x, 8, 3, 1, ir::Padding::kSame, Activation::kRelu, 82, w);
      const T c2 = Conv(b, c1, 4, 1, 1, ir::Padding::kSame, Activation::kNone, 83, w);
      b.MarkOutput(c2.id);
      EXPECT_TRUE(Check(b.Build(), "DEQUANTIZE(" + kind + ") between convs", 2));
    }
  }
  {
    // An fp16 constant dequantized between a conv and the ADD fused after
    // it: the ADD's operand is that constant.
    writer::GraphBuilder b;
    const T x = Input(b, {1, 5, 6, 8});
    const T c = Conv(b, x, 8, 3, 1, ir::Padding::kSame, Activation::kNone, 84);
    const T bias{AddFilter(b, {8}, 0, Weights::kFp16Dequantize, 85), {8}};
    const T a = Binary(b, OpType::kAdd, c, bias, Activation::kRelu);
    b.MarkOutput(a.id);
    EXPECT_TRUE(Check(b.Build(), "conv, DEQUANTIZE(fp16), ADD(conv, dequantized)", 1));
  }
}

// MobileNetV2's inverted residual: 1x1 expand RELU6, 3x3 depthwise RELU6,
// 1x1 project, ADD of the block's input.
TEST(GpuFusionTest, InvertedResidualBlock) {
  VKD_REQUIRE_GPU();
  for (int c : {8, 6}) {
    writer::GraphBuilder b;
    const T x = Input(b, {1, 10, 9, c});
    const T e = Conv(b, x, c * 6, 1, 1, ir::Padding::kSame, Activation::kRelu6, 90);
    const T d = Depthwise(b, e, 3, 1, ir::Padding::kSame, Activation::kRelu6, 91);
    const T p = Conv(b, d, c, 1, 1, ir::Padding::kSame, Activation::kNone, 92);
    const T a = Binary(b, OpType::kAdd, p, x);
    b.MarkOutput(a.id);
    EXPECT_TRUE(Check(b.Build(), "inverted residual c" + std::to_string(c), 3, -2.0f, 2.0f));
  }
  {
    // Two blocks in a row, the second reading the first one's ADD.
    writer::GraphBuilder b;
    const T x = Input(b, {1, 8, 8, 8});
    T in = x;
    for (int block = 0; block < 2; ++block) {
      const uint32_t seed = 100 + block * 10;
      const T e = Conv(b, in, 24, 1, 1, ir::Padding::kSame, Activation::kRelu6, seed);
      const T d = Depthwise(b, e, 3, 1, ir::Padding::kSame, Activation::kRelu6, seed + 1);
      const T p = Conv(b, d, 8, 1, 1, ir::Padding::kSame, Activation::kNone, seed + 2);
      in = Binary(b, OpType::kAdd, p, in);
    }
    b.MarkOutput(in.id);
    EXPECT_TRUE(Check(b.Build(), "two inverted residual blocks", 6, -2.0f, 2.0f));
  }
}

}  // namespace
}  // namespace vkd
