// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on the GPU against TFLite:
// kernel sizes, strides, dilation, padding, odd channel counts, batch,
// fused activations, hybrid (int8) weights dequantized at upload.
#include <gtest/gtest.h>

#include "model/writer/graph_builder.h"
#include "tests/gpu_ops/gpu_test_util.h"

namespace vkd {
namespace {

int OutSize(ir::Padding p, int in, int k, int s, int d) {
  const int eff = (k - 1) * d + 1;
  return p == ir::Padding::kSame ? (in + s - 1) / s : (in - eff + s) / s;
}

struct ConvCase {
  int batch = 1, h = 7, w = 9, cin = 3, cout = 5, k = 3, stride = 1, dilation = 1;
  ir::Padding padding = ir::Padding::kSame;
  ir::Activation act = ir::Activation::kNone;
  bool depthwise = false;
  bool int8_weights = false;
  std::string Label() const {
    return std::string(depthwise ? "dw" : "conv") + " b" + std::to_string(batch) + " " +
           std::to_string(h) + "x" + std::to_string(w) + " c" + std::to_string(cin) + "->" +
           std::to_string(cout) + " k" + std::to_string(k) + " s" + std::to_string(stride) + " d" +
           std::to_string(dilation) + (padding == ir::Padding::kSame ? " SAME" : " VALID") + " " +
           ir::ActivationName(act) + (int8_weights ? " int8w" : "");
  }
};

bool Build(const ConvCase& c, uint32_t seed, ir::Graph* g) {
  const int oh = OutSize(c.padding, c.h, c.k, c.stride, c.dilation);
  const int ow = OutSize(c.padding, c.w, c.k, c.stride, c.dilation);
  if (oh <= 0 || ow <= 0) return false;
  writer::GraphBuilder b;
  const int in = b.AddInput(ir::DataType::kFloat32, {c.batch, c.h, c.w, c.cin});
  const ir::Shape fshape =
      c.depthwise ? ir::Shape{1, c.k, c.k, c.cout} : ir::Shape{c.cout, c.k, c.k, c.cin};
  const size_t fcount = ir::NumElements(fshape);
  int filter;
  if (c.int8_weights) {
    ir::Quantization q;
    q.scale = test::RandomFloats(c.cout, seed + 3, 0.002f, 0.03f);
    q.zero_point.assign(c.cout, 0);
    q.quantized_dimension = c.depthwise ? 3 : 0;
    filter = b.AddConstant<int8_t>(fshape, test::RandomInt8(fcount, seed + 1), "filter", q);
  } else {
    filter = b.AddConstant<float>(fshape, test::RandomFloats(fcount, seed + 1));
  }
  const int bias = b.AddConstant<float>({c.cout}, test::RandomFloats(c.cout, seed + 2));
  const int out = b.AddTensor(ir::DataType::kFloat32, {c.batch, oh, ow, c.cout});
  if (c.depthwise) {
    ir::DepthwiseConv2DOptions o;
    o.padding = c.padding;
    o.stride_h = o.stride_w = c.stride;
    o.dilation_h = o.dilation_w = c.dilation;
    o.depth_multiplier = c.cout / c.cin;
    o.activation = c.act;
    b.AddNode(ir::OpType::kDepthwiseConv2d, {in, filter, bias}, {out}, o, c.int8_weights ? 6 : 2);
  } else {
    ir::Conv2DOptions o;
    o.padding = c.padding;
    o.stride_h = o.stride_w = c.stride;
    o.dilation_h = o.dilation_w = c.dilation;
    o.activation = c.act;
    b.AddNode(ir::OpType::kConv2d, {in, filter, bias}, {out}, o, 2);
  }
  b.MarkOutput(out);
  *g = b.Build();
  return true;
}

constexpr ir::Activation kActs[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                    ir::Activation::kRelu6, ir::Activation::kReluN1To1,
                                    ir::Activation::kTanh};

TEST(GpuConv2DTest, FloatSweep) {
  VKD_REQUIRE_GPU();
  const int channels[][2] = {{1, 1}, {3, 5}, {8, 13}, {16, 16}};
  int index = 0;
  for (int k : {1, 3, 5}) {
    for (int stride : {1, 2}) {
      for (int dilation : {1, 2}) {
        for (ir::Padding p : {ir::Padding::kSame, ir::Padding::kValid}) {
          for (const auto& ch : channels) {
            ConvCase c;
            c.k = k;
            c.stride = stride;
            c.dilation = dilation;
            c.padding = p;
            c.cin = ch[0];
            c.cout = ch[1];
            c.act = kActs[index % 5];
            c.batch = 1 + index % 2;
            ++index;
            ir::Graph g;
            if (!Build(c, 100 + index, &g)) continue;
            test::CompareOptions o;
            o.seed = index;
            o.label = c.Label();
            EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
          }
        }
      }
    }
  }
}

TEST(GpuConv2DTest, PointwiseGemmEdges) {
  VKD_REQUIRE_GPU();
  // 1x1 stride 1 goes to the GEMM kernel: row counts not a multiple of 4,
  // channel counts around the vec4 blocks.
  int index = 0;
  for (int hw : {1, 3, 5, 8}) {
    for (int cin : {1, 4, 7, 32}) {
      for (int cout : {1, 4, 6, 33}) {
        ConvCase c;
        c.h = hw;
        c.w = hw + 1;
        c.cin = cin;
        c.cout = cout;
        c.k = 1;
        c.act = kActs[index++ % 5];
        ir::Graph g;
        ASSERT_TRUE(Build(c, 300 + index, &g));
        test::CompareOptions o;
        o.seed = index;
        o.label = c.Label();
        EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
      }
    }
  }
}

TEST(GpuConv2DTest, HybridInt8Weights) {
  VKD_REQUIRE_GPU();
  // TFLite quantizes the activations of hybrid ops on the fly; the GPU runs
  // float with dequantized weights, so the bound is the hybrid one.
  int index = 0;
  for (int k : {1, 3}) {
    for (bool dw : {false, true}) {
      ConvCase c;
      c.k = k;
      c.depthwise = dw;
      c.cin = dw ? 8 : 6;
      c.cout = dw ? 8 : 10;
      c.int8_weights = true;
      ir::Graph g;
      ASSERT_TRUE(Build(c, 700 + index++, &g));
      test::CompareOptions o;
      o.label = c.Label();
      EXPECT_TRUE(test::GpuMatchesTfLite(g, o, 2e-2));
    }
  }
}

// Every depthwise variant (dw_4col, dw_1col) forced, and the device's choice.
TEST(GpuDepthwiseConv2DTest, FloatSweep) {
  VKD_REQUIRE_GPU();
  const int channels[][2] = {{1, 1}, {3, 3}, {5, 10}, {8, 8}, {3, 12}};
  for (const char* variant : {"", "dw_4col", "dw_1col"}) {
    int index = 0;
    for (int k : {3, 5}) {
      for (int stride : {1, 2}) {
        for (int dilation : {1, 2}) {
          for (ir::Padding p : {ir::Padding::kSame, ir::Padding::kValid}) {
            for (const auto& ch : channels) {
              ConvCase c;
              c.depthwise = true;
              c.k = k;
              c.stride = stride;
              c.dilation = dilation;
              c.padding = p;
              c.cin = ch[0];
              c.cout = ch[1];
              c.act = kActs[index % 5];
              c.batch = 1 + index % 2;
              ++index;
              ir::Graph g;
              if (!Build(c, 900 + index, &g)) continue;
              test::CompareOptions o;
              o.seed = index;
              o.force_variant = variant;
              o.label = c.Label() + " " + variant;
              EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
            }
          }
        }
      }
    }
  }
}

ir::Graph BuildFullyConnected(const ir::Shape& in_shape, int units, bool keep_num_dims,
                              ir::Activation act, bool bias, uint32_t seed) {
  writer::GraphBuilder b;
  const int k = in_shape.back();
  const int in = b.AddInput(ir::DataType::kFloat32, in_shape);
  const int w = b.AddConstant<float>({units, k}, test::RandomFloats(size_t{1} * units * k, seed));
  std::vector<int32_t> inputs = {in, w};
  if (bias) {
    inputs.push_back(b.AddConstant<float>({units}, test::RandomFloats(units, seed + 1)));
  } else {
    inputs.push_back(ir::kNoTensor);
  }
  ir::Shape out_shape;
  if (keep_num_dims) {
    out_shape = in_shape;
    out_shape.back() = units;
  } else {
    out_shape = {static_cast<int32_t>(ir::NumElements(in_shape) / k), units};
  }
  const int out = b.AddTensor(ir::DataType::kFloat32, out_shape);
  ir::FullyConnectedOptions o;
  o.activation = act;
  o.keep_num_dims = keep_num_dims;
  b.AddNode(ir::OpType::kFullyConnected, inputs, {out}, o, keep_num_dims ? 5 : 1);
  b.MarkOutput(out);
  return b.Build();
}

TEST(GpuFullyConnectedTest, Sweep) {
  VKD_REQUIRE_GPU();
  int index = 0;
  for (const ir::Shape& shape : std::vector<ir::Shape>{{1, 16}, {3, 7}, {2, 3, 10}, {1, 640}}) {
    for (int units : {1, 5, 12, 128}) {
      for (bool keep : {false, true}) {
        ++index;
        ir::Graph g =
            BuildFullyConnected(shape, units, keep, kActs[index % 4], index % 3 != 0, 50 + index);
        test::CompareOptions o;
        o.seed = index;
        o.label = ir::ShapeToString(shape) + " units=" + std::to_string(units) +
                  (keep ? " keep_num_dims" : "");
        EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
      }
    }
  }
}

// Every GEMM variant the heuristics or the tuner may pick (lower_conv.cc
// GemmVariants), forced on this device so that each is checked against
// TFLite: rows and channels around the 64 x 16 tiles and 16-channel steps
// of gemm_tiled, rows around the 4 and 8 rows per workgroup of the K-split
// kernels and K around their 64 invocations, in fp32 and fp16.
TEST(GpuFullyConnectedTest, EveryGemmVariant) {
  VKD_REQUIRE_GPU();
  for (const char* variant : {"gemm_reg4x4", "gemm_tiled", "gemm_ksplit4", "gemm_ksplit8"}) {
    int index = 0;
    for (const ir::Shape& shape : std::vector<ir::Shape>{
             {1, 16}, {3, 7}, {65, 20}, {130, 33}, {1, 640}, {9, 260}, {5, 1280}}) {
      for (int units : {1, 5, 17, 64}) {
        ++index;
        ir::Graph g = BuildFullyConnected(shape, units, false, kActs[index % 4], true, 80 + index);
        test::CompareOptions o;
        o.seed = index;
        o.force_variant = variant;
        o.label = std::string(variant) + " " + ir::ShapeToString(shape) +
                  " units=" + std::to_string(units);
        EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
      }
    }
    for (int hw : {7, 9}) {
      ConvCase c;
      c.h = c.w = hw;
      c.k = 1;
      c.cin = hw == 7 ? 320 : 24;
      c.cout = 40;
      c.act = ir::Activation::kRelu6;
      ir::Graph g;
      ASSERT_TRUE(Build(c, 99, &g));
      test::CompareOptions o;
      o.force_variant = variant;
      o.label = std::string(variant) + " " + c.Label();
      EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
      o.fp16 = true;
      o.label += " fp16";
      EXPECT_TRUE(test::GpuMatchesTfLite(g, o, 1e-2));
    }
  }
}

// The shared-memory kernels real GPUs get by default, forced on this device.
TEST(GpuFullyConnectedTest, SharedMemoryTiledVariant) {
  VKD_REQUIRE_GPU();
  int index = 0;
  for (const ir::Shape& shape : std::vector<ir::Shape>{{1, 16}, {65, 20}, {1, 640}}) {
    for (int units : {1, 17}) {
      ++index;
      ir::Graph g = BuildFullyConnected(shape, units, false, kActs[index % 4], true, 80 + index);
      test::CompareOptions o;
      o.seed = index;
      o.shared_memory_kernels = true;
      o.label = "shared-memory " + ir::ShapeToString(shape) + " units=" + std::to_string(units);
      EXPECT_TRUE(test::GpuMatchesTfLite(g, o));
    }
  }
}

}  // namespace
}  // namespace vkd
