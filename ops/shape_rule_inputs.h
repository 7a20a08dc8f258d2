// What a shape rule sees of its node (ops/shape_rules.h): the node's input
// tensors and options. Internal to ops/shape_rules*.cc.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "model/ir/graph.h"
#include "ops/shape_rules.h"

namespace vkd::ops {

class RuleInputs {
 public:
  RuleInputs(const ir::Node& node, const std::vector<ir::Tensor>& tensors)
      : node_(node), tensors_(tensors) {}

  const ir::Node& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(node_.inputs.size()); }
  // False for an optional input left out (kNoTensor), past the end, or a
  // tensor index outside the graph (hostile models reach rules unchecked).
  bool has_input(int i) const {
    return i >= 0 && i < num_inputs() && node_.inputs[i] >= 0 &&
           node_.inputs[i] < static_cast<int32_t>(tensors_.size());
  }
  // An absent input reads as a STRING tensor without shape or data, which
  // every rule's type checks refuse: no rule indexes past a missing input.
  const ir::Tensor& input(int i) const;
  const ir::Shape& shape(int i) const { return input(i).shape; }

  template <typename O>
  O options() const {
    return ir::OptionsAs<O>(node_);
  }

 private:
  const ir::Node& node_;
  const std::vector<ir::Tensor>& tensors_;
};

// A single-output op's rule.
using ShapeRule = Status (*)(const RuleInputs& in, ir::Shape* out);

// The rule of an op with several outputs (UNPACK, SPLIT, SPLIT_V): *outs
// holds one shape per node output on entry; the count is the op's too.
using MultiShapeRule = Status (*)(const RuleInputs& in, std::vector<ir::Shape>* outs);

// Required inputs must be present: "input N missing".
Status RequireInputs(const RuleInputs& in, int count);

// The rules of ops/shape_rules_window.cc (windows, matrix products, resize),
// ops/shape_rules_movement.cc (reshape, pad, concat, strided slice, reduce),
// ops/shape_rules_indexing.cc (gather, arg max, slice, tile, transpose,
// expand dims, pack), ops/shape_rules_recurrent.cc (LSTM, SVDF) and
// ops/shape_rules_split.cc (the multi-output UNPACK, SPLIT, SPLIT_V), by op.
ShapeRule WindowShapeRule(ir::OpType op);
ShapeRule MovementShapeRule(ir::OpType op);
ShapeRule IndexingShapeRule(ir::OpType op);
ShapeRule RecurrentShapeRule(ir::OpType op);
MultiShapeRule SplitShapeRule(ir::OpType op);

}  // namespace vkd::ops
