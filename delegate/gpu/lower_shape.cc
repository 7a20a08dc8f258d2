// Data-movement ops as GPU kernels: PAD/PADV2 (when not folded into a
// conv), CONCATENATION, RESHAPE/SQUEEZE that change the channel count,
// STRIDED_SLICE. Shapes of rank < 4 are right-aligned into BHWC (ToDims),
// so a dimension d of a rank-r tensor is BHWC dimension d + 4 - r.
#include <string>

#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"
#include "ops/strided_slice.h"

namespace vkd::gpu_delegate {

using shaders::TensorDims;

namespace {

// One vec4 per invocation over the output, for templates that decompose
// gid with channel blocks fastest.
LoweredKernel PerVec4Kernel(const std::string& main, const TensorDims& out,
                            std::vector<TensorDims> inputs) {
  LoweredKernel l;
  l.spec.main = main;
  l.spec.out = out;
  l.spec.inputs = std::move(inputs);
  l.spec.invocations = out.vec4_count();
  return l;
}

// The BHWC dimension of dimension `d` of a rank-`rank` tensor; < 0 for the
// leading dimensions of rank 5+ shapes (which ToDims requires to be 1).
int BhwcDim(int d, int rank) { return d + 4 - rank; }

StatusOr<int64_t> ConstInt(LoweringContext& ctx, int t, int64_t i) {
  const ir::Tensor& tensor = ctx.tensor(t);
  if (!tensor.is_constant()) {
    return UnimplementedError(ctx.label() + ": " + ir::TensorLabel(ctx.graph(), t) +
                              " must be constant on the GPU");
  }
  if (tensor.type == ir::DataType::kInt32) return tensor.const_data<int32_t>()[i];
  if (tensor.type == ir::DataType::kInt64) return tensor.const_data<int64_t>()[i];
  return UnimplementedError(ctx.label() + ": " + ir::TensorLabel(ctx.graph(), t) +
                            " is not INT32/INT64");
}

}  // namespace

StatusOr<LoweredKernel> LowerPad(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  const int in = node.inputs[0], paddings = node.inputs[1], out = node.outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  const int rank = static_cast<int>(ctx.tensor(in).shape.size());
  if (ctx.tensor(paddings).num_elements() != 2 * rank) {
    return InvalidArgumentError(ctx.label() + ": paddings are not [" + std::to_string(rank) +
                                ", 2]");
  }
  int before[4] = {0, 0, 0, 0};
  for (int d = 0; d < rank; ++d) {
    VKD_ASSIGN_OR_RETURN(int64_t pad, ConstInt(ctx, paddings, 2 * d));
    VKD_ASSIGN_OR_RETURN(int64_t pad_after, ConstInt(ctx, paddings, 2 * d + 1));
    if (pad < 0 || pad_after < 0) {
      return InvalidArgumentError(ctx.label() + ": negative padding of dimension " +
                                  std::to_string(d));
    }
    const int j = BhwcDim(d, rank);
    if (j >= 0) {
      before[j] = static_cast<int>(pad);
    } else if (pad != 0 || pad_after != 0) {
      return UnimplementedError(ctx.label() + ": padding of a dimension beyond BHWC");
    }
  }
  float value = 0.0f;
  if (node.op == ir::OpType::kPadv2 && node.inputs.size() > 2 && node.inputs[2] != ir::kNoTensor) {
    const float* v = ctx.FloatConstant(node.inputs[2]);
    if (!v) return UnimplementedError(ctx.label() + ": pad value must be a float constant");
    value = v[0];
  }
  LoweredKernel l = PerVec4Kernel("pad", out_dims, {in_dims});
  l.spec.int_params = {
      {"PAD_B", before[0]}, {"PAD_TOP", before[1]}, {"PAD_LEFT", before[2]}, {"PAD_C", before[3]}};
  l.spec.float_params = {{"PAD_VALUE", value}};
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

StatusOr<LoweredKernel> LowerConcatenation(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  const int out = node.outputs[0];
  const auto* o = std::get_if<ir::ConcatenationOptions>(&node.options);
  const ir::ConcatenationOptions opts = o ? *o : ir::ConcatenationOptions{};
  const int rank = static_cast<int>(ctx.tensor(out).shape.size());
  const int axis = BhwcDim(opts.axis < 0 ? opts.axis + rank : opts.axis, rank);
  if (axis < 0 || axis > 3) {
    return UnimplementedError(ctx.label() + ": axis " + std::to_string(opts.axis) +
                              " is outside BHWC");
  }
  const int n = static_cast<int>(node.inputs.size());
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  LoweredKernel l = PerVec4Kernel("concat", out_dims, {});
  l.spec.int_params = {{"AXIS", axis}};
  l.bindings = {-1};
  int offset = 0;
  for (int i = 0; i < n; ++i) {
    VKD_ASSIGN_OR_RETURN(TensorDims d, ctx.Dims(node.inputs[i]));
    VKD_ASSIGN_OR_RETURN(int t, ctx.Tensor(node.inputs[i]));
    l.spec.inputs.push_back(d);
    l.bindings.push_back(t);
    if (i > 0) l.spec.int_params.push_back({"OFFSET" + std::to_string(i), offset});
    const int32_t sizes[4] = {d.b, d.h, d.w, d.c};
    offset += sizes[axis];
  }
  // The selection among the n inputs (see concat.glsl): input k covers
  // [OFFSETk, OFFSETk+1) along the axis.
  auto start = [](int k) { return k == 0 ? std::string("0") : "OFFSET" + std::to_string(k); };
  std::string g = "VEC4 concat_block(int b, int y, int x, int c4) {\n";
  g += "  ivec4 p = ivec4(b, y, x, c4);\n  int a = p[AXIS];\n";
  for (int k = 0; k < n; ++k) {
    const std::string in = std::to_string(k);
    const std::string load =
        "{ p[AXIS] = a - " + start(k) + "; return load_in" + in + "(p.x, p.y, p.z, p.w); }\n";
    g += k + 1 < n ? "  if (a < " + start(k + 1) + ") " + load : "  " + load;
  }
  g += "}\n";
  g += "FLT concat_lane(int b, int y, int x, int c) {\n";
  for (int k = 0; k < n; ++k) {
    const std::string load =
        "return load_in" + std::to_string(k) + "_lane(b, y, x, c - " + start(k) + ");\n";
    g += k + 1 < n ? "  if (c < " + start(k + 1) + ") " + load : "  " + load;
  }
  g += "}\n";
  g += "VEC4 concat_channels(int b, int y, int x, int c4) {\n  int c = c4 * 4;\n";
  for (int k = 0; k < n; ++k) {
    // The last input's trailing block may run into the output's padding
    // lanes, which store_out masks.
    const std::string in = std::to_string(k);
    g += "  if ((" + start(k) + " & 3) == 0 && c >= " + start(k) +
         (k + 1 < n ? " && c + 3 < " + start(k + 1) : std::string()) + ") return in" + in +
         "_data[in" + in + "_offset(b, y, x, (c - " + start(k) + ") >> 2)];\n";
  }
  g += "  VEC4 v = VEC4(0);\n";
  g += "  for (int i = 0; i < 4 && c + i < OUT_C; ++i) v[i] = concat_lane(b, y, x, c + i);\n";
  g += "  return v;\n}\n";
  l.spec.extra_glsl = std::move(g);
  // TFLite 2.9 refuses a fused activation here; the CPU kernel applies the
  // float clamp, and so does this.
  VKD_RETURN_IF_ERROR(AppendActivation(opts.activation, l.spec.post_ops));
  l.output_tensor = out;
  return l;
}

StatusOr<int> EmitDenseCopy(LoweringContext& ctx, int graph_tensor, const TensorDims& dims,
                            const std::string& name) {
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(graph_tensor));
  auto count = [](const TensorDims& d) { return int64_t{d.b} * d.h * d.w * d.c; };
  if (count(in_dims) != count(dims)) {
    return InternalError(ctx.label() + ": " + name + " changes the element count");
  }
  LoweredKernel l = PerVec4Kernel("reshape_copy", dims, {in_dims});
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(graph_tensor));
  const int temp = ctx.NewTemporary(dims, name);
  l.bindings = {temp, in_tensor};
  ctx.EmitKernel(std::move(l));
  return temp;
}

StatusOr<LoweredKernel> LowerReshapeCopy(LoweringContext& ctx) {
  const int in = ctx.node().inputs[0], out = ctx.node().outputs[0];
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  LoweredKernel l = PerVec4Kernel("reshape_copy", out_dims, {in_dims});
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

StatusOr<LoweredKernel> LowerStridedSlice(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  const int in = node.inputs[0], out = node.outputs[0];
  const auto* o = std::get_if<ir::StridedSliceOptions>(&node.options);
  const ir::StridedSliceOptions opts = o ? *o : ir::StridedSliceOptions{};
  if (opts.ellipsis_mask || opts.new_axis_mask || opts.shrink_axis_mask) {
    return UnimplementedError(ctx.label() + ": ellipsis, new-axis and shrink-axis masks");
  }
  const ir::Shape& shape = ctx.tensor(in).shape;
  const int rank = static_cast<int>(shape.size());
  if (rank < 1 || rank > 4) {
    return UnimplementedError(ctx.label() + ": rank " + std::to_string(rank) + " input");
  }
  int32_t index[3][4];
  for (int k = 0; k < 3; ++k) {
    const int t = node.inputs[1 + k];
    if (ctx.tensor(t).type != ir::DataType::kInt32 || ctx.tensor(t).num_elements() != rank) {
      return InvalidArgumentError(ctx.label() + ": " + ir::TensorLabel(ctx.graph(), t) +
                                  " is not INT32 [" + std::to_string(rank) + "]");
    }
    for (int d = 0; d < rank; ++d) {
      VKD_ASSIGN_OR_RETURN(int64_t v, ConstInt(ctx, t, d));
      index[k][d] = static_cast<int32_t>(v);
    }
  }
  for (int d = 0; d < rank; ++d) {
    if (index[2][d] == 0) return InvalidArgumentError(ctx.label() + ": zero stride");
  }
  // The same resolution as the CPU kernel (masks, negative indices,
  // clamping by direction).
  ops::StridedSliceParams p;
  ops::ResolveStridedSlice(rank, shape.data(), index[0], index[1], index[2], opts.begin_mask,
                           opts.end_mask, 0, &p);
  int start[4] = {0, 0, 0, 0}, stride[4] = {1, 1, 1, 1};
  for (int d = 0; d < rank; ++d) {
    start[BhwcDim(d, rank)] = p.start[d];
    stride[BhwcDim(d, rank)] = p.stride[d];
  }
  VKD_ASSIGN_OR_RETURN(TensorDims in_dims, ctx.Dims(in));
  VKD_ASSIGN_OR_RETURN(TensorDims out_dims, ctx.Dims(out));
  LoweredKernel l = PerVec4Kernel("strided_slice", out_dims, {in_dims});
  l.spec.int_params = {{"START_B", start[0]},   {"START_H", start[1]},   {"START_W", start[2]},
                       {"START_C", start[3]},   {"STRIDE_B", stride[0]}, {"STRIDE_H", stride[1]},
                       {"STRIDE_W", stride[2]}, {"STRIDE_C", stride[3]}};
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(in));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  return l;
}

namespace {

// The concat kernel binds each input as a buffer of its own, plus the
// output and fused operands. Vulkan guarantees only 4 storage buffers per
// stage, desktop and most mobile drivers allow far more; on a device with
// fewer, pipeline creation fails naming the limit and the model runs on
// the CPU.
constexpr size_t kMaxConcatInputs = 8;

Verdict CheckPad(const SupportQuery& q) {
  // Folded into the conv that reads it when possible (TryFoldPad in
  // program_builder.cc), else a pad kernel.
  const ir::Tensor& pads = q.tensor(q.node.inputs[1]);
  const int rank = static_cast<int>(q.input_shape(0).size());
  if (!pads.is_constant() || pads.num_elements() != 2 * rank ||
      (pads.type != ir::DataType::kInt32 && pads.type != ir::DataType::kInt64)) {
    return No("paddings are not a constant INT32/INT64 [rank, 2]");
  }
  for (int i = 0; i < 2 * rank; ++i) {
    const int64_t p = pads.type == ir::DataType::kInt64 ? pads.const_data<int64_t>()[i]
                                                        : pads.const_data<int32_t>()[i];
    if (p < 0) return No("negative padding");
  }
  const auto& in = q.node.inputs;
  if (q.node.op == ir::OpType::kPadv2 && in.size() > 2 && in[2] != ir::kNoTensor) {
    const ir::Tensor& v = q.tensor(in[2]);
    if (!v.is_constant() || v.type != ir::DataType::kFloat32 || v.num_elements() != 1) {
      return No("PADV2 value is not a constant float32 scalar");
    }
  }
  return Yes();
}

Verdict CheckConcatenation(const SupportQuery& q) {
  const auto& in = q.node.inputs;
  if (in.empty() || in.size() > kMaxConcatInputs) {
    return No("CONCATENATION of " + std::to_string(in.size()) + " inputs (1.." +
              std::to_string(kMaxConcatInputs) + " on the GPU)");
  }
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == ir::kNoTensor || q.tensor(in[i]).type != ir::DataType::kFloat32) {
      return No("input " + std::to_string(i) + " is missing or not float32");
    }
  }
  const auto* o = std::get_if<ir::ConcatenationOptions>(&q.node.options);
  const int rank = static_cast<int>(q.tensor(q.node.outputs[0]).shape.size());
  const int axis = o ? (o->axis < 0 ? o->axis + rank : o->axis) : 0;
  // Concatenating along a leading dimension of a rank-5+ shape makes it
  // larger than 1, which the generic output check already refused.
  if (axis < 0 || axis >= rank) return No("axis out of range");
  return Yes();
}

Verdict CheckStridedSlice(const SupportQuery& q) {
  const auto* o = std::get_if<ir::StridedSliceOptions>(&q.node.options);
  if (o && (o->ellipsis_mask || o->new_axis_mask || o->shrink_axis_mask)) {
    return No("STRIDED_SLICE with an ellipsis, new-axis or shrink-axis mask");
  }
  const int rank = static_cast<int>(q.input_shape(0).size());
  if (rank < 1 || rank > 4 || q.node.inputs.size() != 4) return No("input rank outside 1..4");
  for (int i = 1; i < 4; ++i) {
    const ir::Tensor& t = q.tensor(q.node.inputs[i]);
    if (!t.is_constant() || t.type != ir::DataType::kInt32 || t.num_elements() != rank) {
      return No("begin, end and strides must be constant INT32 [rank]");
    }
  }
  const int32_t* strides = q.tensor(q.node.inputs[3]).const_data<int32_t>();
  for (int d = 0; d < rank; ++d) {
    if (strides[d] == 0) return No("zero stride");
  }
  return Yes();
}

}  // namespace

std::vector<GpuOpFamily> ShapeFamilies() {
  // RESHAPE / SQUEEZE keeping the channel count are views (no kernel);
  // the others a reshape_copy kernel.
  return {{"pad", {ir::OpType::kPad, ir::OpType::kPadv2}, CheckPad, LowerPad},
          {"concatenation", {ir::OpType::kConcatenation}, CheckConcatenation, LowerConcatenation},
          {"reshape",
           {ir::OpType::kReshape, ir::OpType::kSqueeze},
           [](const SupportQuery&) { return Yes(); },
           LowerReshapeCopy},
          {"strided_slice", {ir::OpType::kStridedSlice}, CheckStridedSlice, LowerStridedSlice}};
}

}  // namespace vkd::gpu_delegate
