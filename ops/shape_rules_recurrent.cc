// Shape rules of the recurrent ops, UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF,
// with the shape checks of the CPU kernels' Prepare (TFLite 2.9's): their
// outputs are sized by the weights, not by a constant input.
#include <initializer_list>
#include <string>

#include "ops/shape_rule_inputs.h"

namespace vkd::ops {
namespace {

std::string Str(int64_t v) { return std::to_string(v); }

// The recurrent op's required inputs: "input N is required" (the kernels' words).
Status RequirePresent(const RuleInputs& in, std::initializer_list<int> required) {
  for (int i : required) VKD_CHECK_ARG(in.has_input(i), "input " + Str(i) + " is required");
  return Status::Ok();
}

// UNIDIRECTIONAL_SEQUENCE_LSTM: the 3-D input's two sequence dimensions (in
// either order, time_major or not) and n_output, the columns of the
// recurrent-to-forget weights (input 6). The kernels check the other weights
// against these sizes.
Status LstmRule(const RuleInputs& in, ir::Shape* out) {
  const ir::Shape& input = in.shape(0);
  VKD_CHECK_ARG(input.size() == 3, "input 0: must be 3-D, got " + ir::ShapeToString(input));
  constexpr int kForgetRecurrentWeights = 6;
  VKD_RETURN_IF_ERROR(RequirePresent(in, {kForgetRecurrentWeights}));
  const ir::Shape& forget_r = in.shape(kForgetRecurrentWeights);
  VKD_CHECK_ARG(forget_r.size() == 2, "input " + Str(kForgetRecurrentWeights) +
                                          ": must be 2-D, got " + ir::ShapeToString(forget_r));
  *out = {input[0], input[1], forget_r[1]};
  return Status::Ok();
}

// SVDF: input [batch, input_size], weights_feature [filters, input_size],
// weights_time [filters, memory], bias [units] (optional), state
// [batch, memory * filters]; the output is [batch, units], units =
// filters / rank.
Status SvdfRule(const RuleInputs& in, ir::Shape* out) {
  VKD_RETURN_IF_ERROR(RequirePresent(in, {0, 1, 2, 4}));
  const ir::Shape& input = in.shape(0);
  const ir::Shape& wf = in.shape(1);
  const ir::Shape& wt = in.shape(2);
  const ir::Shape& st = in.shape(4);
  VKD_CHECK_ARG(input.size() == 2,
                "input 0: must be 2-D [batch, input_size], got " + ir::ShapeToString(input));
  VKD_CHECK_ARG(wf.size() == 2,
                "input 1 (weights_feature): must be 2-D, got " + ir::ShapeToString(wf));
  VKD_CHECK_ARG(wt.size() == 2,
                "input 2 (weights_time): must be 2-D, got " + ir::ShapeToString(wt));
  const int rank = in.options<ir::SvdfOptions>().rank;
  const int batches = input[0], input_size = input[1], filters = wf[0], memory = wt[1];
  VKD_CHECK_ARG(rank > 0, "rank " + Str(rank) + " must be positive");
  VKD_CHECK_ARG(filters % rank == 0,
                "filters " + Str(filters) + " not a multiple of rank " + Str(rank));
  const int units = filters / rank;
  VKD_CHECK_ARG(wf[1] == input_size, "input 1 (weights_feature): " + ir::ShapeToString(wf) +
                                         " does not match input size " + Str(input_size));
  VKD_CHECK_ARG(wt[0] == filters, "input 2 (weights_time): " + ir::ShapeToString(wt) +
                                      " does not match " + Str(filters) + " filters");
  VKD_CHECK_ARG(memory > 0, "input 2 (weights_time): memory size 0");
  if (in.has_input(3)) {
    VKD_CHECK_ARG(in.input(3).num_elements() == units,
                  "input 3 (bias): " + ir::ShapeToString(in.shape(3)) + " does not match " +
                      Str(units) + " units");
  }
  VKD_CHECK_ARG(st.size() == 2 && st[0] == batches && st[1] == memory * filters,
                "input 4 (state): " + ir::ShapeToString(st) + ", expected [" + Str(batches) + "," +
                    Str(memory * filters) + "]");
  *out = {batches, units};
  return Status::Ok();
}

}  // namespace

ShapeRule RecurrentShapeRule(ir::OpType op) {
  switch (op) {
    case ir::OpType::kUnidirectionalSequenceLstm:
      return LstmRule;
    case ir::OpType::kSvdf:
      return SvdfRule;
    default:
      return nullptr;
  }
}

}  // namespace vkd::ops
