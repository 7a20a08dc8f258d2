// Elementwise ops: as post-ops fused after a producer, or standalone (an
// "elementwise" kernel that loads input 0 and applies the op as a post-op).
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"

namespace vkd::gpu_delegate {

using shaders::BinaryOp;
using shaders::PostOp;
using shaders::UnaryOp;

namespace {

// The elementwise ops the GPU runs, each once: the post-op it becomes.
constexpr std::pair<ir::OpType, BinaryOp> kBinaryOps[] = {
    {ir::OpType::kAdd, BinaryOp::kAdd},
    {ir::OpType::kSub, BinaryOp::kSub},
    {ir::OpType::kMul, BinaryOp::kMul},
    {ir::OpType::kDiv, BinaryOp::kDiv},
    {ir::OpType::kMaximum, BinaryOp::kMaximum},
    {ir::OpType::kMinimum, BinaryOp::kMinimum},
    {ir::OpType::kSquaredDifference, BinaryOp::kSquaredDifference},
    {ir::OpType::kPrelu, BinaryOp::kPrelu},
};
constexpr std::pair<ir::OpType, UnaryOp> kUnaryOps[] = {
    {ir::OpType::kRelu, UnaryOp::kRelu},           {ir::OpType::kRelu6, UnaryOp::kRelu6},
    {ir::OpType::kReluN1To1, UnaryOp::kReluN1To1}, {ir::OpType::kTanh, UnaryOp::kTanh},
    {ir::OpType::kLogistic, UnaryOp::kLogistic},   {ir::OpType::kHardSwish, UnaryOp::kHardSwish},
    {ir::OpType::kLeakyRelu, UnaryOp::kLeakyRelu}, {ir::OpType::kExp, UnaryOp::kExp},
    {ir::OpType::kSquare, UnaryOp::kSquare},
};

bool BinaryOf(ir::OpType op, BinaryOp* out) {
  for (const auto& [o, b] : kBinaryOps) {
    if (o == op) {
      *out = b;
      return true;
    }
  }
  return false;
}

bool UnaryOf(const ir::Node& node, PostOp* out) {
  for (const auto& [o, u] : kUnaryOps) {
    if (o != node.op) continue;
    out->unary = u;
    if (u == UnaryOp::kLeakyRelu) {
      const auto* lr = std::get_if<ir::LeakyReluOptions>(&node.options);
      out->alpha = lr ? lr->alpha : ir::LeakyReluOptions{}.alpha;
    }
    return true;
  }
  return false;
}

ir::Activation FusedActivationOf(const ir::Node& node) {
  if (const auto* o = std::get_if<ir::ElementwiseOptions>(&node.options)) return o->activation;
  return ir::Activation::kNone;
}

}  // namespace

bool ElementwiseAsPostOp(const ir::Node& node, int value_tensor, PostOp* op, int* operand) {
  *operand = ir::kNoTensor;
  *op = PostOp{};
  if (UnaryOf(node, op)) return node.inputs.size() == 1 && node.inputs[0] == value_tensor;
  BinaryOp b;
  if (!BinaryOf(node.op, &b) || node.inputs.size() != 2) return false;
  op->binary = true;
  op->op = b;
  if (node.inputs[0] == value_tensor && node.inputs[1] != value_tensor) {
    *operand = node.inputs[1];
  } else if (node.inputs[1] == value_tensor && node.inputs[0] != value_tensor &&
             b != BinaryOp::kPrelu) {
    *operand = node.inputs[0];
    op->value_is_rhs = true;
  } else {
    return false;
  }
  return true;
}

StatusOr<LoweredKernel> LowerElementwise(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  const int out = node.outputs[0];
  LoweredKernel l;
  l.spec.main = "elementwise";
  VKD_ASSIGN_OR_RETURN(l.spec.out, ctx.Dims(out));
  VKD_ASSIGN_OR_RETURN(shaders::TensorDims in_dims, ctx.Dims(node.inputs[0]));
  l.spec.inputs = {in_dims};
  l.spec.invocations = l.spec.out.vec4_count();
  VKD_ASSIGN_OR_RETURN(int in_tensor, ctx.Tensor(node.inputs[0]));
  l.bindings = {-1, in_tensor};
  l.output_tensor = out;
  // The op itself becomes post-op 0 on the value of input 0; the builder
  // binds the operand (input 1) like any fused operand.
  PostOp op;
  int operand;
  if (!ElementwiseAsPostOp(node, node.inputs[0], &op, &operand)) {
    // ADD(x, x) and friends: the operand is the value itself.
    BinaryOp b;
    if (node.inputs.size() != 2 || !BinaryOf(node.op, &b)) {
      return UnimplementedError(ctx.label() + ": not an elementwise op");
    }
    op.binary = true;
    op.op = b;
  }
  op.operand = 0;
  l.spec.post_ops.push_back(op);
  VKD_RETURN_IF_ERROR(AppendActivation(FusedActivationOf(node), l.spec.post_ops));
  return l;
}

namespace {

bool Broadcastable(const ir::Shape& a, const ir::Shape& out) {
  if (a.size() > out.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const int32_t d = a[a.size() - 1 - i], o = out[out.size() - 1 - i];
    if (d != 1 && d != o) return false;
  }
  return true;
}

Verdict CheckBinary(const SupportQuery& q) {
  if (q.node.inputs.size() != 2) return No("expected 2 inputs");
  const ir::Shape& out = q.tensor(q.node.outputs[0]).shape;
  for (int i = 0; i < 2; ++i) {
    const ir::Tensor& t = q.tensor(q.node.inputs[i]);
    if (t.is_constant() && t.type != ir::DataType::kFloat32) {
      return No("constant input " + std::to_string(i) + " is not float32");
    }
    if (!Broadcastable(t.shape, out)) return No("broadcast beyond 4-D");
  }
  return Yes();
}

// Standalone (not fused into a producer): input 0 loaded, the op applied
// as post-op 0. ADD(x, x) and friends too.
StatusOr<LoweredKernel> LowerElementwiseNode(LoweringContext& ctx) {
  const ir::Node& node = ctx.node();
  PostOp op;
  int operand;
  if (ElementwiseAsPostOp(node, node.inputs.empty() ? -2 : node.inputs[0], &op, &operand) ||
      (node.inputs.size() == 2 && node.inputs[0] == node.inputs[1])) {
    return LowerElementwise(ctx);
  }
  return UnimplementedError(ctx.label() + ": no GPU kernel");
}

}  // namespace

std::vector<GpuOpFamily> ElementwiseFamilies() {
  GpuOpFamily binary{"binary", {}, CheckBinary, LowerElementwiseNode};
  for (const auto& entry : kBinaryOps) binary.ops.push_back(entry.first);
  GpuOpFamily unary{"unary", {}, [](const SupportQuery&) { return Yes(); }, LowerElementwiseNode};
  for (const auto& entry : kUnaryOps) unary.ops.push_back(entry.first);
  return {binary, unary};
}

}  // namespace vkd::gpu_delegate
