// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED as GPU kernels. Weights are
// re-laid out once here (layout.h); int8 weights of hybrid models arrive
// already dequantized from FloatConstant.
#include "delegate/gpu/layout.h"
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"

namespace vkd::gpu_delegate {

using shaders::TensorDims;

Status AppendActivation(ir::Activation a, std::vector<shaders::PostOp>& post_ops) {
  shaders::PostOp p;
  switch (a) {
    case ir::Activation::kNone:
      return Status::Ok();
    case ir::Activation::kRelu:
      p.unary = shaders::UnaryOp::kRelu;
      break;
    case ir::Activation::kRelu6:
      p.unary = shaders::UnaryOp::kRelu6;
      break;
    case ir::Activation::kReluN1To1:
      p.unary = shaders::UnaryOp::kReluN1To1;
      break;
    // TFLite's float kernels turn a fused activation into a clamp range
    // (CalculateActivationRange), which knows only the RELU family: TANH and
    // SIGN_BIT fused into an op are ignored there, so here too.
    case ir::Activation::kTanh:
    case ir::Activation::kSignBit:
      return Status::Ok();
  }
  post_ops.push_back(p);
  return Status::Ok();
}

namespace {

// Bias (optional input 2) padded to vec4 blocks.
StatusOr<int> BiasBuffer(LoweringContext& ctx, int channels) {
  const float* bias = nullptr;
  if (ctx.node().inputs.size() > 2 && ctx.Input(2) != ir::kNoTensor) {
    bias = ctx.FloatConstant(ctx.Input(2));
    if (!bias) return UnimplementedError(ctx.label() + ": bias must be constant on the GPU");
  }
  return ctx.AddConstant(PadChannels(bias, channels), "bias");
}

// The sliding-window parameters conv2d.glsl and depthwise_conv2d.glsl share.
// Padding is computed on the (possibly PAD-ed) tensor the model convolves,
// plus the folded PAD's leading rows and columns.
struct Window {
  int kh, kw, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  std::vector<std::pair<std::string, int32_t>> Params() const {
    return {{"KH", kh},
            {"KW", kw},
            {"STRIDE_X", stride_w},
            {"STRIDE_Y", stride_h},
            {"DILATION_X", dilation_w},
            {"DILATION_Y", dilation_h},
            {"PAD_TOP", pad_top},
            {"PAD_LEFT", pad_left}};
  }
};

template <typename Options>
Window MakeWindow(const LoweringContext& ctx, const Options& o, int kh, int kw,
                  const TensorDims& in, const TensorDims& out) {
  Window w{kh, kw, o.stride_h, o.stride_w, o.dilation_h, o.dilation_w, 0, 0};
  w.pad_top = ctx.folded_pad_top() + ops::LeadingPadding(o.padding, in.h + ctx.folded_pad_height(),
                                                         kh, o.stride_h, o.dilation_h, out.h);
  w.pad_left = ctx.folded_pad_left() + ops::LeadingPadding(o.padding, in.w + ctx.folded_pad_width(),
                                                           kw, o.stride_w, o.dilation_w, out.w);
  return w;
}

// Binds input 0, the re-laid-out weights and the bias of a conv-like kernel.
Status BindConvOperands(LoweringContext& ctx, int in, std::vector<float> weights, int channels,
                        LoweredKernel& l) {
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  const int w = ctx.AddConstant(weights, "weights");
  VKD_ASSIGN_OR_RETURN(int bias, BiasBuffer(ctx, channels));
  l.bindings = {-1, in_tensor, w, bias};
  l.output_tensor = ctx.node().outputs[0];
  return Status::Ok();
}

// The GEMM variants of 1x1 convolutions with stride 1 and no padding, and
// FULLY_CONNECTED: `rows` pixels of `k` channels times [units][k] weights,
// all reading the weights as RelayoutConvWeights lays them out.
//   gemm_reg4x4  4 rows x 4 channels per invocation, no shared memory
//                (conv2d_gemm.glsl): CPU devices such as lavapipe;
//   gemm_tiled   64 rows x 16 channels per workgroup through shared memory
//                (conv2d_gemm_tiled.glsl): many rows;
//   gemm_ksplit4 / gemm_ksplit8  4 or 8 rows x 4 channels per workgroup,
//                K split over its 64 invocations (conv2d_gemm_ksplit.glsl):
//                few rows and long K, where tiles would leave the GPU idle.
std::vector<KernelVariant> GemmVariants(int rows, const TensorDims& out) {
  std::vector<KernelVariant> v;
  v.push_back({"gemm_reg4x4", "conv2d_gemm", int64_t{(rows + 3) / 4} * out.c4(), 64, {{"RPG", 4}}});
  v.push_back({"gemm_tiled",
               "conv2d_gemm_tiled",
               int64_t{(rows + 63) / 64} * ((out.c4() + 3) / 4) * 64,
               64,
               {{"RPG", 4}}});
  for (int rpg : {4, 8}) {
    const int r = std::min(rpg, rows);
    if (rpg == 8 && r <= 4) break;  // the same as ksplit4 for so few rows
    v.push_back({"gemm_ksplit" + std::to_string(rpg),
                 "conv2d_gemm_ksplit",
                 int64_t{(rows + r - 1) / r} * out.c4() * 64,
                 64,
                 {{"RPG", r}}});
  }
  return v;
}

// Which GEMM variant without measurements (the tuner may replace it). The
// thresholds come from the H200 profile of MobileNetV2: tiles reach
// 1.4-4.2 TFLOP/s on layers of several hundred workgroups and fall to
// 0.25-0.55 TFLOP/s on layers of 20-100 (7x7 and 14x14 maps).
int PickGemmVariant(const LoweringContext& ctx, int rows, const TensorDims& in,
                    const TensorDims& out) {
  if (ctx.cpu_device() || !ctx.shared_memory_kernels()) return 0;
  const int64_t tiled_groups = int64_t{(rows + 63) / 64} * ((out.c4() + 3) / 4);
  if (tiled_groups >= 384) return 1;
  if (in.c4() >= 16) return rows > 4 ? 3 : 2;
  return 0;
}

// The GEMM kernel of a 1x1 convolution or FULLY_CONNECTED, with its variants.
StatusOr<LoweredKernel> GemmKernel(LoweringContext& ctx, int in, const TensorDims& in_dims,
                                   const TensorDims& out_dims, const float* weights, int units,
                                   int k, ir::Activation act) {
  LoweredKernel l;
  l.spec.out = out_dims;
  l.spec.inputs = {in_dims};
  l.spec.const_buffers = {"weights", "bias"};
  const int rows = out_dims.b * out_dims.h * out_dims.w;
  l.spec.int_params = {{"ROWS", rows}};
  l.variants = GemmVariants(rows, out_dims);
  l.variant = PickGemmVariant(ctx, rows, in_dims, out_dims);
  l.spec = WithVariant(l.spec, l.variants[l.variant]);
  VKD_RETURN_IF_ERROR(AppendActivation(act, l.spec.post_ops));
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  const int w = ctx.AddConstant(RelayoutConvWeights(weights, units, 1, 1, k), "weights");
  VKD_ASSIGN_OR_RETURN(int bias, BiasBuffer(ctx, units));
  l.bindings = {-1, in_tensor, w, bias};
  l.output_tensor = ctx.node().outputs[0];
  return l;
}

}  // namespace

StatusOr<LoweredKernel> LowerConv2d(LoweringContext& ctx) {
  const auto& o = std::get<ir::Conv2DOptions>(ctx.node().options);
  const int in = ctx.Input(0), filter = ctx.Input(1), out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  const ir::Shape& fs = ctx.tensor(filter).shape;  // [O, KH, KW, I]
  const float* weights = ctx.FloatConstant(filter);
  if (!weights) return UnimplementedError(ctx.label() + ": filter must be constant on the GPU");
  const int oc = fs[0], kh = fs[1], kw = fs[2], ic = fs[3];
  const Window win = MakeWindow(ctx, o, kh, kw, in_dims, out_dims);
  if (kh == 1 && kw == 1 && o.stride_h == 1 && o.stride_w == 1 && win.pad_top == 0 &&
      win.pad_left == 0 && in_dims.h == out_dims.h && in_dims.w == out_dims.w) {
    return GemmKernel(ctx, in, in_dims, out_dims, weights, oc, ic, o.activation);
  }
  LoweredKernel l;
  l.spec.main = "conv2d";
  l.spec.out = out_dims;
  l.spec.inputs = {in_dims};
  l.spec.const_buffers = {"weights", "bias"};
  l.spec.int_params = win.Params();
  l.spec.invocations = int64_t{(out_dims.w + 3) / 4} * out_dims.h * out_dims.b * out_dims.c4();
  VKD_RETURN_IF_ERROR(AppendActivation(o.activation, l.spec.post_ops));
  VKD_RETURN_IF_ERROR(
      BindConvOperands(ctx, in, RelayoutConvWeights(weights, oc, kh, kw, ic), oc, l));
  return l;
}

StatusOr<LoweredKernel> LowerDepthwiseConv2d(LoweringContext& ctx) {
  const auto& o = std::get<ir::DepthwiseConv2DOptions>(ctx.node().options);
  const int in = ctx.Input(0), filter = ctx.Input(1), out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  const ir::Shape& fs = ctx.tensor(filter).shape;  // [1, KH, KW, OC]
  const float* weights = ctx.FloatConstant(filter);
  if (!weights) return UnimplementedError(ctx.label() + ": filter must be constant on the GPU");
  const int kh = fs[1], kw = fs[2], oc = fs[3];
  LoweredKernel l;
  l.spec.out = out_dims;
  l.spec.inputs = {in_dims};
  l.spec.const_buffers = {"weights", "bias"};
  l.spec.int_params = MakeWindow(ctx, o, kh, kw, in_dims, out_dims).Params();
  l.spec.int_params.push_back({"DEPTH_MULTIPLIER", oc / in_dims.c});
  // dw_4col: 4 output columns per invocation share input loads (lavapipe,
  // large maps); dw_1col: one output vec4 per invocation, for small maps on
  // GPUs where 4 columns per invocation leaves too few workgroups.
  const int64_t outputs = out_dims.vec4_count();
  l.variants = {{"dw_4col",
                 "depthwise_conv2d",
                 int64_t{(out_dims.w + 3) / 4} * out_dims.h * out_dims.b * out_dims.c4(),
                 64,
                 {}},
                {"dw_1col", "depthwise_conv2d_1x", outputs, 64, {}}};
  l.variant = !ctx.cpu_device() && outputs < 64 * 1024 ? 1 : 0;
  l.spec = WithVariant(l.spec, l.variants[l.variant]);
  VKD_RETURN_IF_ERROR(AppendActivation(o.activation, l.spec.post_ops));
  VKD_RETURN_IF_ERROR(
      BindConvOperands(ctx, in, RelayoutDepthwiseWeights(weights, kh, kw, oc), oc, l));
  return l;
}

StatusOr<LoweredKernel> LowerFullyConnected(LoweringContext& ctx) {
  const auto& o = std::get<ir::FullyConnectedOptions>(ctx.node().options);
  const int in = ctx.Input(0), filter = ctx.Input(1), out = ctx.node().outputs[0];
  const ir::Shape& fs = ctx.tensor(filter).shape;  // [units, K]
  const int units = fs[0], k = fs[1];
  const ir::Shape& in_shape = ctx.tensor(in).shape;
  if (in_shape.empty() || ir::NumElements(in_shape) % k != 0) {
    return InvalidArgumentError(ctx.label() + ": input " + ir::ShapeToString(in_shape) +
                                " does not flatten into rows of " + std::to_string(k));
  }
  const int64_t rows = ir::NumElements(in_shape) / k;
  // Input and output viewed as [rows, channels]; same bytes as their own
  // dims because only the channel dimension is padded.
  TensorDims in_dims{1, 1, static_cast<int32_t>(rows), k};
  // An implicit flatten (last dimension != K) regroups the elements into rows
  // of K. When either channel count is not a multiple of 4, padding lanes
  // make the bytes differ, so a reshape_copy kernel first writes the
  // [rows, K] view into a temporary and the GEMM reads that: one small extra
  // dispatch rather than a GEMM variant that gathers lanes.
  const bool flatten = in_shape.back() != k && (in_shape.back() % 4 != 0 || k % 4 != 0);
  TensorDims out_dims{1, 1, static_cast<int32_t>(rows), units};
  const float* weights = ctx.FloatConstant(filter);
  if (!weights) return UnimplementedError(ctx.label() + ": weights must be constant on the GPU");
  VKD_ASSIGN_OR_RETURN(LoweredKernel l,
                       GemmKernel(ctx, in, in_dims, out_dims, weights, units, k, o.activation));
  if (flatten) {
    VKD_ASSIGN_OR_RETURN(l.bindings[1], EmitDenseCopy(ctx, in, in_dims, "flatten"));
  }
  // Report the real output dims (fused operands broadcast against them).
  VKD_ASSIGN_OR_RETURN(l.spec.out, ctx.Dims(out));
  if (l.spec.out.b * l.spec.out.h * l.spec.out.w != rows) {
    return InternalError(ctx.label() + ": output rows mismatch");
  }
  return l;
}

namespace {

Verdict CheckConv2d(const SupportQuery& q) {
  if (!std::get_if<ir::Conv2DOptions>(&q.node.options)) return No("missing CONV_2D options");
  if (!q.weights_ok(1) || !q.bias_ok()) return No("filter or bias is not constant");
  const ir::Shape& f = q.input_shape(1);
  if (f.size() != 4 || q.input_shape(0).size() != 4 || f[3] != q.input_shape(0)[3]) {
    return No("grouped or non-4-D convolution");
  }
  return Yes();
}

Verdict CheckDepthwiseConv2d(const SupportQuery& q) {
  if (!std::get_if<ir::DepthwiseConv2DOptions>(&q.node.options)) {
    return No("missing DEPTHWISE_CONV_2D options");
  }
  if (!q.weights_ok(1) || !q.bias_ok()) return No("filter or bias is not constant");
  const ir::Shape& f = q.input_shape(1);
  if (f.size() != 4 || q.input_shape(0).size() != 4 || f[3] % q.input_shape(0)[3] != 0) {
    return No("filter channels are not a multiple of input channels");
  }
  return Yes();
}

Verdict CheckFullyConnected(const SupportQuery& q) {
  const auto* o = std::get_if<ir::FullyConnectedOptions>(&q.node.options);
  if (o && o->shuffled_weights) return No("shuffled FULLY_CONNECTED weights");
  if (!q.weights_ok(1) || !q.bias_ok()) return No("weights or bias are not constant");
  // TFLite's float kernel ignores a fused TANH or SIGN_BIT (AppendActivation
  // does the same), but its hybrid kernel applies them
  // (ApplyActivationToVector): the GPU would silently differ.
  const bool hybrid = q.tensor(q.node.inputs[1]).type != ir::DataType::kFloat32;
  if (o && hybrid &&
      (o->activation == ir::Activation::kTanh || o->activation == ir::Activation::kSignBit)) {
    return No("hybrid FULLY_CONNECTED with a fused TANH or SIGN_BIT");
  }
  const ir::Shape& w = q.input_shape(1);
  // An input whose last dimension is not K is flattened into rows of K
  // (a reshape_copy kernel first when padding lanes get in the way).
  if (w.size() != 2 || w[1] <= 0 || q.input_shape(0).empty() ||
      ir::NumElements(q.input_shape(0)) % w[1] != 0) {
    return No("input does not flatten into rows of the weights' input size");
  }
  return Yes();
}

}  // namespace

std::vector<GpuOpFamily> ConvFamilies() {
  return {
      {"conv2d", {ir::OpType::kConv2d}, CheckConv2d, LowerConv2d},
      {"depthwise_conv2d",
       {ir::OpType::kDepthwiseConv2d},
       CheckDepthwiseConv2d,
       LowerDepthwiseConv2d},
      {"fully_connected", {ir::OpType::kFullyConnected}, CheckFullyConnected, LowerFullyConnected}};
}

}  // namespace vkd::gpu_delegate
