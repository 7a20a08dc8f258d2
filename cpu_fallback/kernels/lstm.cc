// UNIDIRECTIONAL_SEQUENCE_LSTM, float, as TFLite 2.9 runs it: with or
// without CIFG, peepholes, projection (and its bias), layer normalization,
// cell and projection clipping, time-major or batch-major input. INT8 input
// goes to the fully integer kernel (lstm_integer.cc); the hybrid form (float
// input, int8 weights) is declined in Prepare.
//
// Inputs (TFLite's order; optional ones may be absent, index -1):
//   0 input [time, batch, n_input] (time_major) or [batch, time, n_input]
//   1-4   input-to-{input,forget,cell,output} weights [n_cell, n_input]
//   5-8   recurrent-to-{input,forget,cell,output} weights [n_cell, n_output]
//   9-11  cell-to-{input,forget,output} peepholes [n_cell]
//   12-15 {input,forget,cell,output} gate bias [n_cell]
//   16 projection weights [n_output, n_cell], 17 projection bias [n_output]
//   18 output state [batch, n_output], 19 cell state [batch, n_cell]: variable
//      tensors, kept across invokes and zeroed on AllocateTensors
//   20-23 {input,forget,cell,output} layer norm coefficients [n_cell]
// The output shape [time, batch, n_output] (or [batch, time, n_output]) is
// the op's shape rule (ops/shape_rules.h), for this kernel and the integer one.
#include "cpu_fallback/reference/lstm.h"

#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/activation.h"
#include "cpu_fallback/kernel_registry.h"
#include "cpu_fallback/kernels/lstm_inputs.h"
#include "cpu_fallback/kernels/lstm_integer.h"

namespace vkd::cpu {

namespace {

struct LstmState : KernelState {
  ref::LstmFloatParams params;
  std::vector<float> scratch;
};

// Checks optional input `i`: FLOAT32 of `shape` when present.
Status CheckFloatTensor(const KernelContext& ctx, int i, const ir::Shape& shape,
                        const std::string& what) {
  const ir::Tensor& t = ctx.input(i);
  if (t.type == ir::DataType::kInt8 || t.type == ir::DataType::kUInt8) {
    return UnimplementedError(In(i) + " (" + what +
                              "): quantized weights (hybrid LSTM) not implemented");
  }
  if (t.type != ir::DataType::kFloat32)
    return UnsupportedType((In(i) + " (" + what + ")").c_str(), t.type);
  VKD_CHECK_ARG(t.shape == shape, In(i) + " (" + what + "): shape " + ir::ShapeToString(t.shape) +
                                      ", expected " + ir::ShapeToString(shape));
  return Status::Ok();
}

Status Prepare(KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 20 || ctx.num_inputs() == 24,
                "expected 20 or 24 inputs, got " + Str(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1, "expected 1 output, got " + Str(ctx.num_outputs()));
  const auto options = ctx.options<ir::UnidirectionalSequenceLstmOptions>();
  const ir::Tensor& input = ctx.input(kInput);
  if (input.type == ir::DataType::kInt8) return PrepareLstmInteger(ctx);
  if (input.type != ir::DataType::kFloat32) {
    if (IsQuantizedType(input.type)) {
      return UnimplementedError("input 0: " + std::string(ir::DataTypeName(input.type)) +
                                " (fully integer LSTM) not implemented");
    }
    return UnsupportedType("input 0", input.type);
  }
  // The 3-D input and the recurrent-to-forget weights that size the output:
  // the shape rule's checks.
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  // TFLite's ApplyActivationToVector writes nothing for NONE, so its output
  // step would read a stale buffer; there is nothing well defined to match.
  if (options.activation == ir::Activation::kNone) {
    return UnimplementedError("fused activation NONE unsupported (TFLite leaves it undefined)");
  }
  VKD_RETURN_IF_ERROR(CheckFusedActivation(options.activation));
  VKD_CHECK_ARG(options.cell_clip >= 0 && options.proj_clip >= 0,
                "cell_clip and proj_clip must not be negative");

  auto state = std::make_unique<LstmState>();
  ref::LstmFloatParams& p = state->params;
  ReadSequenceDims(input, options.time_major, &p);
  p.activation = options.activation;
  p.cell_clip = options.cell_clip;
  p.proj_clip = options.proj_clip;

  for (int i : {kInputWeights + 1, kInputWeights + 2, kInputWeights + 3, kRecurrentWeights + 1,
                kRecurrentWeights + 2, kRecurrentWeights + 3, kBias + 1, kBias + 2, kBias + 3,
                kOutputState, kCellState}) {
    VKD_CHECK_ARG(ctx.has_input(i), In(i) + " is required");
  }
  const ir::Tensor& forget_w = ctx.input(kInputWeights + 1);
  VKD_CHECK_ARG(forget_w.shape.size() == 2,
                In(kInputWeights + 1) + ": must be 2-D, got " + ir::ShapeToString(forget_w.shape));
  p.n_cell = forget_w.shape[0];
  p.n_output = ctx.input(kRecurrentWeights + 1).shape[1];
  VKD_CHECK_ARG(p.n_cell > 0 && p.n_output > 0 && p.n_input > 0 && p.batches > 0,
                "empty dimensions");

  bool cifg = false, peephole = false;
  VKD_RETURN_IF_ERROR(ReadOptionalGroups(ctx, &cifg, &peephole));
  // CIFG: the input gate's weights, recurrent weights and bias go together.
  if (!cifg) VKD_CHECK_ARG(ctx.has_input(kBias), "input gate bias (input 12) is required");
  const bool layer_norm = ctx.num_inputs() == 24 && ctx.has_input(kLayerNorm + 1);

  for (int g = 0; g < 4; ++g) {
    if (cifg && g == ref::kGateInput) continue;
    const std::string name = kGateNames[g];
    VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, kInputWeights + g, {p.n_cell, p.n_input},
                                         name + " gate input weights"));
    VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, kRecurrentWeights + g, {p.n_cell, p.n_output},
                                         name + " gate recurrent weights"));
    VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, kBias + g, {p.n_cell}, name + " gate bias"));
    p.input_weights[g] = ctx.input_data<float>(kInputWeights + g);
    p.recurrent_weights[g] = ctx.input_data<float>(kRecurrentWeights + g);
    p.bias[g] = ctx.input_data<float>(kBias + g);
    if (peephole && g != ref::kGateCell) {
      const int i = kPeephole + (g == ref::kGateOutput ? 2 : g);
      VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, i, {p.n_cell}, name + " gate peephole"));
      p.peephole[g] = ctx.input_data<float>(i);
    }
    if (layer_norm) {
      VKD_CHECK_ARG(ctx.has_input(kLayerNorm + g),
                    In(kLayerNorm + g) + " (" + name + " layer norm coefficients) is required");
      VKD_RETURN_IF_ERROR(
          CheckFloatTensor(ctx, kLayerNorm + g, {p.n_cell}, name + " layer norm coefficients"));
      p.layer_norm[g] = ctx.input_data<float>(kLayerNorm + g);
    }
  }
  if (ctx.has_input(kProjectionWeights)) {
    VKD_RETURN_IF_ERROR(
        CheckFloatTensor(ctx, kProjectionWeights, {p.n_output, p.n_cell}, "projection weights"));
    p.projection_weights = ctx.input_data<float>(kProjectionWeights);
    if (ctx.has_input(kProjectionBias)) {
      VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, kProjectionBias, {p.n_output}, "projection bias"));
      p.projection_bias = ctx.input_data<float>(kProjectionBias);
    }
  } else {
    VKD_CHECK_ARG(!ctx.has_input(kProjectionBias), "projection bias without projection weights");
    VKD_CHECK_ARG(p.n_output == p.n_cell, "without projection, n_output " + Str(p.n_output) +
                                              " must equal n_cell " + Str(p.n_cell));
  }
  VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, kOutputState, {p.batches, p.n_output}, "output state"));
  VKD_RETURN_IF_ERROR(CheckFloatTensor(ctx, kCellState, {p.batches, p.n_cell}, "cell state"));
  VKD_CHECK_ARG(ctx.input(kOutputState).is_variable && ctx.input(kCellState).is_variable,
                "inputs 18, 19 (output and cell state) must be variable tensors");
  // Weights are read in place; that needs them constant (the converter's
  // form). Non-constant weights would be read at Eval: take their pointers there.
  for (int i = 1; i < 18; ++i) {
    if (ctx.has_input(i) && !ctx.input(i).is_constant()) {
      return UnimplementedError(In(i) + ": non-constant weights not implemented");
    }
  }
  if (layer_norm) {
    for (int i = kLayerNorm; i < kLayerNorm + 4; ++i) {
      if (ctx.has_input(i) && !ctx.input(i).is_constant())
        return UnimplementedError(In(i) + ": non-constant coefficients not implemented");
    }
  }
  const ir::Tensor& output = ctx.output(0);
  if (output.type != ir::DataType::kFloat32) return UnsupportedType("output 0", output.type);
  state->scratch.resize(static_cast<size_t>(5) * p.n_cell);
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status Eval(KernelContext& ctx) {
  if (ctx.input(kInput).type == ir::DataType::kInt8) return EvalLstmInteger(ctx);
  LstmState* state = ctx.state_as<LstmState>();
  // The states are inputs the kernel updates in place (TFLite's variable inputs).
  ref::LstmFloat(state->params, ctx.input_data<float>(kInput),
                 const_cast<float*>(ctx.input_data<float>(kOutputState)),
                 const_cast<float*>(ctx.input_data<float>(kCellState)), ctx.output_data<float>(0),
                 state->scratch.data());
  return Status::Ok();
}

}  // namespace

void RegisterLstmKernels(KernelTable& table) {
  table.Add(ir::OpType::kUnidirectionalSequenceLstm, {Prepare, Eval});
}

}  // namespace vkd::cpu
