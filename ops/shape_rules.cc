// The shape-rule table (ops/shape_rules.h) and the rules of the ops whose
// output is their input's shape or the broadcast of two inputs. The other
// families' rules are in shape_rules_*.cc (ops/shape_rule_inputs.h lists them).
#include "ops/shape_rules.h"

#include <algorithm>
#include <string>

#include "ops/shape_rule_inputs.h"

namespace vkd::ops {

const ir::Tensor& RuleInputs::input(int i) const {
  return has_input(i) ? tensors_[node_.inputs[i]] : ir::AbsentTensor();
}

std::string TypeUnsupported(const std::string& what, ir::DataType type) {
  return what + ": " + ir::DataTypeName(type) + " unsupported";
}

Status RequireInputs(const RuleInputs& in, int count) {
  for (int i = 0; i < count; ++i) {
    if (!in.has_input(i)) return InvalidArgumentError("input " + std::to_string(i) + " missing");
  }
  return Status::Ok();
}

StatusOr<ir::Shape> BroadcastShapes(const ir::Shape& a, const ir::Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  ir::Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Right-aligned: dimension i of the output pairs with a's (i - (rank - a.size())).
    const int32_t da = i + a.size() >= rank ? a[i + a.size() - rank] : 1;
    const int32_t db = i + b.size() >= rank ? b[i + b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1) {
      return InvalidArgumentError("input 1: shape " + ir::ShapeToString(b) +
                                  " not broadcastable to " + ir::ShapeToString(a));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace {

// Activations, element-wise unary math, (de)quantization, casts.
Status SameShapeRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  *out = in.shape(0);
  return Status::Ok();
}

// SOFTMAX normalizes along the last axis, which a scalar lacks.
Status SoftmaxRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 1));
  if (in.shape(0).empty()) {
    return InvalidArgumentError("input 0: a scalar has no axis to normalize");
  }
  *out = in.shape(0);
  return Status::Ok();
}

// Binary element-wise ops and PRELU (input and alpha broadcast, as TFLite's
// prelu.cc computes its output shape).
Status BroadcastRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequireInputs(in, 2));
  VKD_ASSIGN_OR_RETURN(*out, BroadcastShapes(in.shape(0), in.shape(1)));
  return Status::Ok();
}

ShapeRule ElementwiseShapeRule(ir::OpType op) {
  using ir::OpType;
  switch (op) {
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kRelu:
    case OpType::kRelu6:
    case OpType::kReluN1To1:
    case OpType::kLeakyRelu:
    case OpType::kHardSwish:
    case OpType::kSqrt:
    case OpType::kRsqrt:
    case OpType::kExp:
    case OpType::kSquare:
    case OpType::kQuantize:
    case OpType::kDequantize:
    case OpType::kCast:
      return SameShapeRule;
    case OpType::kSoftmax:
      return SoftmaxRule;
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
    case OpType::kMaximum:
    case OpType::kMinimum:
    case OpType::kSquaredDifference:
    case OpType::kFloorDiv:
    case OpType::kFloorMod:
    case OpType::kPrelu:
      return BroadcastRule;
    default:
      return nullptr;
  }
}

ShapeRule FindRule(ir::OpType op) {
  if (ShapeRule r = ElementwiseShapeRule(op)) return r;
  if (ShapeRule r = WindowShapeRule(op)) return r;
  if (ShapeRule r = MovementShapeRule(op)) return r;
  if (ShapeRule r = IndexingShapeRule(op)) return r;
  return RecurrentShapeRule(op);
}

}  // namespace

bool HasShapeRule(ir::OpType op) {
  return FindRule(op) != nullptr || SplitShapeRule(op) != nullptr;
}

Status InferOutputShapes(const ir::Node& node, const std::vector<ir::Tensor>& tensors,
                         std::vector<ir::Shape>* outputs) {
  if (const MultiShapeRule multi = SplitShapeRule(node.op)) {
    outputs->assign(node.outputs.size(), ir::Shape{});
    return multi(RuleInputs(node, tensors), outputs);
  }
  const ShapeRule rule = FindRule(node.op);
  if (rule == nullptr) return UnimplementedError("no shape rule for " + ir::OpTypeName(node.op));
  // Every op with a single-output rule has one output.
  if (node.outputs.size() != 1) {
    return InvalidArgumentError("expected 1 output, got " + std::to_string(node.outputs.size()));
  }
  outputs->assign(1, ir::Shape{});
  return rule(RuleInputs(node, tensors), &(*outputs)[0]);
}

}  // namespace vkd::ops
