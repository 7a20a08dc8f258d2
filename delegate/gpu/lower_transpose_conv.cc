// TRANSPOSE_CONV as a GPU kernel (transpose_conv2d.glsl, a gather per output
// pixel). Inputs: output_shape, weights [O, KH, KW, I], input, optional bias
// (input 3). A fused activation in the options is ignored, as TFLite 2.9
// (and the CPU kernel) ignore it.
#include "delegate/gpu/layout.h"
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"

namespace vkd::gpu_delegate {

using shaders::TensorDims;

StatusOr<LoweredKernel> LowerTransposeConv(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  const auto* o = std::get_if<ir::TransposeConvOptions>(&node.options);
  const ir::TransposeConvOptions opts = o ? *o : ir::TransposeConvOptions{};
  const int filter = node.inputs[1], in = node.inputs[2], out = node.outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  const ir::Shape& fs = ctx.tensor(filter).shape;
  if (fs.size() != 4 || fs[3] != in_dims.c || fs[0] != out_dims.c) {
    return InvalidArgumentError(ctx.label() + ": weights " + ir::ShapeToString(fs) +
                                " do not fit input and output channels");
  }
  const float* weights = ctx.FloatConstant(filter);
  if (!weights) return UnimplementedError(ctx.label() + ": weights must be constant on the GPU");
  const float* bias = nullptr;
  if (node.inputs.size() > 3 && node.inputs[3] != ir::kNoTensor) {
    bias = ctx.FloatConstant(node.inputs[3]);
    if (!bias) return UnimplementedError(ctx.label() + ": bias must be constant on the GPU");
  }
  const int oc = fs[0], kh = fs[1], kw = fs[2], ic = fs[3];
  LoweredKernel l;
  l.spec.main = "transpose_conv2d";
  l.spec.out = out_dims;
  l.spec.inputs = {in_dims};
  l.spec.const_buffers = {"weights", "bias"};
  l.spec.int_params = {
      {"KH", kh},
      {"KW", kw},
      {"STRIDE_X", opts.stride_w},
      {"STRIDE_Y", opts.stride_h},
      {"PAD_TOP", ops::TransposeConvPadding(opts.padding, out_dims.h, kh, opts.stride_h)},
      {"PAD_LEFT", ops::TransposeConvPadding(opts.padding, out_dims.w, kw, opts.stride_w)}};
  l.spec.invocations = out_dims.vec4_count();
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  const int w = ctx.AddConstant(RelayoutConvWeights(weights, oc, kh, kw, ic), "weights");
  const int b = ctx.AddConstant(PadChannels(bias, oc), "bias");
  l.bindings = {-1, in_tensor, w, b};
  l.output_tensor = out;
  return l;
}

namespace {

Verdict CheckTransposeConv(const SupportQuery& q) {
  const auto& in = q.node.inputs;
  if (in.size() < 3 || in.size() > 4) return No("expected 3 or 4 inputs");
  const ir::Tensor& out_shape = q.tensor(in[0]);
  if (!out_shape.is_constant() || out_shape.type != ir::DataType::kInt32 ||
      out_shape.num_elements() != 4) {
    return No("output_shape is not a constant INT32 [4]");
  }
  // float32 only (constant, or DEQUANTIZE of a constant): the CPU kernel
  // that propagates shapes has no hybrid int8 form.
  auto float_constant = [&](int t) {
    return q.tensor(t).type == ir::DataType::kFloat32 && q.constant_like(t);
  };
  if (!float_constant(in[1])) return No("weights are not constant float32");
  if (in.size() > 3 && in[3] != ir::kNoTensor && !float_constant(in[3])) {
    return No("bias is not constant float32");
  }
  const ir::Shape& f = q.input_shape(1);
  if (f.size() != 4 || q.input_shape(2).size() != 4 || f[3] != q.input_shape(2)[3]) {
    return No("weights do not match the 4-D input's channels");
  }
  return Yes();
}

}  // namespace

std::vector<GpuOpFamily> TransposeConvFamilies() {
  return {
      {"transpose_conv2d", {ir::OpType::kTransposeConv}, CheckTransposeConv, LowerTransposeConv}};
}

}  // namespace vkd::gpu_delegate
