// Elementwise ops: as post-ops fused after a producer, or standalone (an
// "elementwise" kernel that loads input 0 and applies the op as a post-op).
#include "delegate/gpu/lowering.h"

namespace vkd::gpu_delegate {

using shaders::BinaryOp;
using shaders::PostOp;
using shaders::UnaryOp;

namespace {

bool BinaryOf(ir::OpType op, BinaryOp* out) {
  switch (op) {
    case ir::OpType::kAdd:
      *out = BinaryOp::kAdd;
      return true;
    case ir::OpType::kSub:
      *out = BinaryOp::kSub;
      return true;
    case ir::OpType::kMul:
      *out = BinaryOp::kMul;
      return true;
    case ir::OpType::kDiv:
      *out = BinaryOp::kDiv;
      return true;
    case ir::OpType::kMaximum:
      *out = BinaryOp::kMaximum;
      return true;
    case ir::OpType::kMinimum:
      *out = BinaryOp::kMinimum;
      return true;
    case ir::OpType::kSquaredDifference:
      *out = BinaryOp::kSquaredDifference;
      return true;
    case ir::OpType::kPrelu:
      *out = BinaryOp::kPrelu;
      return true;
    default:
      return false;
  }
}

bool UnaryOf(const ir::Node& node, PostOp* out) {
  switch (node.op) {
    case ir::OpType::kRelu:
      out->unary = UnaryOp::kRelu;
      return true;
    case ir::OpType::kRelu6:
      out->unary = UnaryOp::kRelu6;
      return true;
    case ir::OpType::kReluN1To1:
      out->unary = UnaryOp::kReluN1To1;
      return true;
    case ir::OpType::kTanh:
      out->unary = UnaryOp::kTanh;
      return true;
    case ir::OpType::kLogistic:
      out->unary = UnaryOp::kLogistic;
      return true;
    case ir::OpType::kHardSwish:
      out->unary = UnaryOp::kHardSwish;
      return true;
    case ir::OpType::kLeakyRelu: {
      out->unary = UnaryOp::kLeakyRelu;
      const auto* o = std::get_if<ir::LeakyReluOptions>(&node.options);
      out->alpha = o ? o->alpha : ir::LeakyReluOptions{}.alpha;
      return true;
    }
    default:
      return false;
  }
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

}  // namespace vkd::gpu_delegate
