// UNIDIRECTIONAL_SEQUENCE_LSTM, fully integer, as TFLite 2.9 prepares it
// (PopulateQuantizedLstmParams8x8_16, PopulatePrecomputedZPTimesWeightsWithBias).
// The input order is the float kernel's (see lstm.cc). Types:
//   input, output, output state (18): INT8, per-tensor asymmetric
//   cell state (19): INT16, scale 2^k with -15 <= k <= -9, zero point 0
//   weights (1-8) and projection (16): INT8, per-tensor (symmetric)
//   peepholes (9-11) and layer norm coefficients (20-23): INT16
//   gate biases (12-15), projection bias (17): INT32
// and five intermediates (tensors that only carry quantization parameters):
// the input/forget/cell/output gate pre-activations (read with layer norm;
// without it the gates are Q3.12) and the hidden state (int8, always read).
//
// The options' fused activation is ignored, as in TFLite: the integer cell
// gate and output always use tanh.
#include "cpu_fallback/kernels/lstm_integer.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cpu_fallback/kernels/lstm_inputs.h"
#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/lstm.h"
#include "cpu_fallback/reference/lstm_integer.h"

namespace vkd::cpu {

namespace {

constexpr int kNumIntermediates = 5;
constexpr int kHiddenIntermediate = 4;

struct LstmIntegerState : KernelState {
  ref::LstmIntegerParams params;
  // Effective biases the params point into.
  std::vector<int32_t> input_bias[4], recurrent_bias[4], projection_bias;
  std::vector<int16_t> scratch16;
  std::vector<int8_t> scratch8;
};

// Checks input `i`: present, constant, of `type` and `shape`, per-tensor
// quantized when `quantized`; returns its scale through `scale`.
Status CheckConstant(const KernelContext& ctx, int i, ir::DataType type, const ir::Shape& shape,
                     const std::string& what, float* scale) {
  const std::string name = In(i) + " (" + what + ")";
  VKD_CHECK_ARG(ctx.has_input(i), name + " is required");
  const ir::Tensor& t = ctx.input(i);
  if (t.type != type) {
    return UnimplementedError(name + ": " + ir::DataTypeName(t.type) + " unsupported, expected " +
                              ir::DataTypeName(type) + " in the integer LSTM");
  }
  VKD_CHECK_ARG(t.shape == shape, name + ": shape " + ir::ShapeToString(t.shape) + ", expected " +
                                      ir::ShapeToString(shape));
  if (!t.is_constant()) return UnimplementedError(name + ": non-constant tensor not implemented");
  if (scale) {
    if (t.quant.per_channel()) {
      return UnimplementedError(name + ": per-channel quantization not implemented");
    }
    QuantParams q;
    VKD_RETURN_IF_ERROR(GetQuantParams(t, name.c_str(), &q));
    *scale = q.scale;
  }
  return Status::Ok();
}

// TFLite's CheckedLog2: the exponent of a power-of-two scale, in float.
bool CheckedLog2(float x, int* log2) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2 = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

// bias (or 0) + zero_point * (sum of each row of w): TFLite's
// PrecomputeZeroPointTimesWeightWithBias, in int32.
std::vector<int32_t> EffectiveBias(const int8_t* w, int rows, int cols, const int32_t* bias,
                                   int32_t zero_point) {
  std::vector<int32_t> out(rows, 0);
  for (int r = 0; r < rows; ++r) {
    if (bias) out[r] = bias[r];
    int32_t row_sum = 0;
    for (int c = 0; c < cols; ++c) row_sum += w[static_cast<int64_t>(r) * cols + c];
    out[r] += row_sum * zero_point;
  }
  return out;
}

// The output and cell states: variable int8 / int16 tensors of batches *
// n_output / n_cell elements, the cell's scale a power of two in
// [2^-15, 2^-9] (TFLite's integer LSTM needs it).
Status PrepareStates(KernelContext& ctx, ref::LstmIntegerParams& p, QuantParams* output_state_q,
                     QuantParams* cell_q, int* cell_log2) {
  const ir::Tensor& output_state = ctx.input(kOutputState);
  const ir::Tensor& cell_state = ctx.input(kCellState);
  VKD_CHECK_ARG(output_state.is_variable && cell_state.is_variable,
                "inputs 18, 19 (output and cell state) must be variable tensors");
  if (output_state.type != ir::DataType::kInt8)
    return UnsupportedType("input 18 (output state)", output_state.type);
  if (cell_state.type != ir::DataType::kInt16)
    return UnsupportedType("input 19 (cell state)", cell_state.type);
  VKD_CHECK_ARG(output_state.num_elements() == static_cast<int64_t>(p.batches) * p.n_output,
                "input 18 (output state): " + ir::ShapeToString(output_state.shape) +
                    " does not hold batches * n_output elements");
  VKD_CHECK_ARG(cell_state.num_elements() == static_cast<int64_t>(p.batches) * p.n_cell,
                "input 19 (cell state): " + ir::ShapeToString(cell_state.shape) +
                    " does not hold batches * n_cell elements");
  VKD_RETURN_IF_ERROR(GetQuantParams(output_state, "input 18 (output state)", output_state_q));
  VKD_RETURN_IF_ERROR(GetQuantParams(cell_state, "input 19 (cell state)", cell_q));
  if (!CheckedLog2(cell_q->scale, cell_log2)) {
    return UnimplementedError("input 19 (cell state): scale " + std::to_string(cell_q->scale) +
                              " is not a power of two");
  }
  if (*cell_log2 > -9 || *cell_log2 < -15) {
    return UnimplementedError("input 19 (cell state): scale 2^" + Str(*cell_log2) +
                              " outside [2^-15, 2^-9]");
  }
  p.cell_log2_scale = *cell_log2;
  p.output_state_zero_point = output_state_q->zero_point;
  return Status::Ok();
}

// What every gate's preparation reads: the quantization of the tensors the
// gates combine and the form of the cell.
struct GateInputs {
  float gate_scale[4];
  QuantParams input_q, output_state_q;
  int cell_log2 = 0;
  bool cifg = false, peephole = false, layer_norm = false;
};

// The gates' weights, biases, peepholes and layer norms, checked, with their
// effective scales (computed in float, as TFLite does) and the zero points
// folded into the biases.
Status PrepareGates(KernelContext& ctx, const GateInputs& in, LstmIntegerState* state) {
  ref::LstmIntegerParams& p = state->params;
  const bool cifg = in.cifg, peephole = in.peephole, layer_norm = in.layer_norm;
  const float* gate_scale = in.gate_scale;
  const QuantParams& input_q = in.input_q;
  const QuantParams& output_state_q = in.output_state_q;
  const int cell_log2 = in.cell_log2;
  const int32_t* gate_bias[4] = {};
  for (int g = 0; g < 4; ++g) {
    if (cifg && g == ref::kGateInput) {
      VKD_CHECK_ARG(!ctx.has_input(kBias), "input 12 (input gate bias) must be absent under CIFG");
      continue;
    }
    const std::string name = kGateNames[g];
    float w_scale = 0, r_scale = 0;
    VKD_RETURN_IF_ERROR(CheckConstant(ctx, kInputWeights + g, ir::DataType::kInt8,
                                      {p.n_cell, p.n_input}, name + " gate input weights",
                                      &w_scale));
    VKD_RETURN_IF_ERROR(CheckConstant(ctx, kRecurrentWeights + g, ir::DataType::kInt8,
                                      {p.n_cell, p.n_output}, name + " gate recurrent weights",
                                      &r_scale));
    VKD_RETURN_IF_ERROR(CheckConstant(ctx, kBias + g, ir::DataType::kInt32, {p.n_cell},
                                      name + " gate bias", nullptr));
    p.input_weights[g] = ctx.input_data<int8_t>(kInputWeights + g);
    p.recurrent_weights[g] = ctx.input_data<int8_t>(kRecurrentWeights + g);
    gate_bias[g] = ctx.input_data<int32_t>(kBias + g);
    const float eff_input = w_scale * input_q.scale / gate_scale[g];
    const float eff_recurrent = r_scale * output_state_q.scale / gate_scale[g];
    p.input_scale[g] = QuantizeMultiplier(eff_input);
    p.recurrent_scale[g] = QuantizeMultiplier(eff_recurrent);
    if (peephole && g != ref::kGateCell) {
      const int i = kPeephole + (g == ref::kGateOutput ? 2 : g);
      float c_scale = 0;
      VKD_RETURN_IF_ERROR(CheckConstant(ctx, i, ir::DataType::kInt16, {p.n_cell},
                                        name + " gate peephole", &c_scale));
      p.peephole[g] = ctx.input_data<int16_t>(i);
      const float eff_cell = static_cast<float>(std::pow(2.0, cell_log2) * c_scale / gate_scale[g]);
      p.peephole_scale[g] = QuantizeMultiplier(eff_cell);
    }
    if (layer_norm) {
      float ln_scale = 0;
      VKD_RETURN_IF_ERROR(CheckConstant(ctx, kLayerNorm + g, ir::DataType::kInt16, {p.n_cell},
                                        name + " layer norm coefficients", &ln_scale));
      p.layer_norm[g] = ctx.input_data<int16_t>(kLayerNorm + g);
      p.layer_norm_bias[g] = gate_bias[g];
      p.layer_norm_scale[g] = QuantizeMultiplier(ln_scale);
      p.variance_guard[g] = std::max(1, static_cast<int32_t>(10000 * ln_scale));
    }
    // Zero points folded into the biases; the gate bias goes there too
    // unless layer norm applies it after normalizing.
    state->input_bias[g] = EffectiveBias(p.input_weights[g], p.n_cell, p.n_input,
                                         layer_norm ? nullptr : gate_bias[g], -input_q.zero_point);
    state->recurrent_bias[g] = EffectiveBias(p.recurrent_weights[g], p.n_cell, p.n_output, nullptr,
                                             -output_state_q.zero_point);
    p.input_effective_bias[g] = state->input_bias[g].data();
    p.recurrent_effective_bias[g] = state->recurrent_bias[g].data();
  }
  return Status::Ok();
}

}  // namespace

Status PrepareLstmInteger(KernelContext& ctx) {
  const auto options = ctx.options<ir::UnidirectionalSequenceLstmOptions>();
  const ir::Tensor& input = ctx.input(kInput);
  for (int i : {kInputWeights + 1, kRecurrentWeights + 1, kOutputState, kCellState}) {
    VKD_CHECK_ARG(ctx.has_input(i), In(i) + " is required");
  }
  const ir::Tensor& forget_w = ctx.input(kInputWeights + 1);
  const ir::Tensor& forget_r = ctx.input(kRecurrentWeights + 1);
  // The integer kernel's own words for the weights' rank, ahead of the shape
  // rule's (the float kernel's), which then checks the 3-D input.
  VKD_CHECK_ARG(forget_w.shape.size() == 2 && forget_r.shape.size() == 2,
                "inputs 2, 6 (forget gate weights) must be 2-D");
  VKD_RETURN_IF_ERROR(ctx.ApplyShapeRule());
  QuantParams input_q;
  VKD_RETURN_IF_ERROR(GetQuantParams(input, "input 0", &input_q));
  VKD_CHECK_ARG(options.cell_clip >= 0 && options.proj_clip >= 0,
                "cell_clip and proj_clip must not be negative");
  if (ctx.num_intermediates() != kNumIntermediates) {
    return UnimplementedError(
        "integer LSTM needs 5 intermediates (gate and hidden scales), got " +
        Str(ctx.num_intermediates()) +
        (ctx.num_intermediates() == 12 ? " (the 8x8_8 form is not implemented)" : ""));
  }

  auto state = std::make_unique<LstmIntegerState>();
  ref::LstmIntegerParams& p = state->params;
  ReadSequenceDims(input, options.time_major, &p);
  p.n_cell = forget_w.shape[0];
  p.n_output = forget_r.shape[1];
  VKD_CHECK_ARG(p.n_cell > 0 && p.n_output > 0 && p.n_input > 0 && p.batches > 0,
                "empty dimensions");

  bool cifg = false, peephole = false;
  VKD_RETURN_IF_ERROR(ReadOptionalGroups(ctx, &cifg, &peephole));
  if (peephole && p.n_output > p.n_cell) {
    // TFLite 2.9 walks the peepholes over n_output elements (see
    // ref::LstmInteger), past the end of the cell state when n_output > n_cell.
    return UnimplementedError("peephole with n_output " + Str(p.n_output) + " > n_cell " +
                              Str(p.n_cell) + " (TFLite 2.9 reads out of bounds)");
  }
  const bool layer_norm = ctx.num_inputs() == 24 && ctx.has_input(kLayerNorm + 1);
  const bool projection = ctx.has_input(kProjectionWeights);

  QuantParams output_state_q, cell_q;
  int cell_log2 = 0;
  VKD_RETURN_IF_ERROR(PrepareStates(ctx, p, &output_state_q, &cell_q, &cell_log2));

  const ir::Tensor& output = ctx.output(0);
  if (output.type != ir::DataType::kInt8) return UnsupportedType("output 0", output.type);
  QuantParams output_q;
  VKD_RETURN_IF_ERROR(GetQuantParams(output, "output 0", &output_q));

  // Intermediates: the gates' scales (layer norm only) and the hidden state's.
  float gate_scale[4];
  for (int g = 0; g < 4; ++g) {
    gate_scale[g] = std::pow(2.0f, -12.0f);  // Q3.12
    if (!layer_norm) continue;
    QuantParams q;
    const std::string what = "intermediate " + Str(g) + " (" + kGateNames[g] + " gate)";
    VKD_RETURN_IF_ERROR(GetQuantParams(ctx.intermediate(g), what.c_str(), &q));
    gate_scale[g] = q.scale;
  }
  QuantParams hidden_q;
  VKD_RETURN_IF_ERROR(
      GetQuantParams(ctx.intermediate(kHiddenIntermediate), "intermediate 4 (hidden)", &hidden_q));
  p.hidden_zero_point = hidden_q.zero_point;

  // Clips in the cell state's and the output's quantized units.
  if (options.cell_clip > 0) {
    p.cell_clip = static_cast<int16_t>(
        std::min(std::max(options.cell_clip / cell_q.scale, -32768.0f), 32767.0f));
  }
  if (options.proj_clip > 0) {
    p.proj_clip = static_cast<int8_t>(
        std::min(std::max(options.proj_clip / output_q.scale, -128.0f), 127.0f));
  }

  GateInputs gates;
  std::copy(gate_scale, gate_scale + 4, gates.gate_scale);
  gates.input_q = input_q;
  gates.output_state_q = output_state_q;
  gates.cell_log2 = cell_log2;
  gates.cifg = cifg;
  gates.peephole = peephole;
  gates.layer_norm = layer_norm;
  VKD_RETURN_IF_ERROR(PrepareGates(ctx, gates, state.get()));

  // Hidden state and projection.
  const float eff_hidden =
      static_cast<float>(std::pow(2.0, -15) / hidden_q.scale * std::pow(2.0, -15));
  p.hidden_scale = QuantizeMultiplier(eff_hidden);
  if (projection) {
    float proj_scale = 0;
    VKD_RETURN_IF_ERROR(CheckConstant(ctx, kProjectionWeights, ir::DataType::kInt8,
                                      {p.n_output, p.n_cell}, "projection weights", &proj_scale));
    p.projection_weights = ctx.input_data<int8_t>(kProjectionWeights);
    const int32_t* proj_bias = nullptr;
    if (ctx.has_input(kProjectionBias)) {
      VKD_RETURN_IF_ERROR(CheckConstant(ctx, kProjectionBias, ir::DataType::kInt32, {p.n_output},
                                        "projection bias", nullptr));
      proj_bias = ctx.input_data<int32_t>(kProjectionBias);
    }
    const float eff_proj = proj_scale * hidden_q.scale / output_state_q.scale;
    p.projection_scale = QuantizeMultiplier(eff_proj);
    state->projection_bias =
        EffectiveBias(p.projection_weights, p.n_output, p.n_cell, proj_bias, p.hidden_zero_point);
    p.projection_effective_bias = state->projection_bias.data();
  } else {
    VKD_CHECK_ARG(!ctx.has_input(kProjectionBias), "projection bias without projection weights");
    VKD_CHECK_ARG(p.n_output == p.n_cell, "without projection, n_output " + Str(p.n_output) +
                                              " must equal n_cell " + Str(p.n_cell));
  }

  state->scratch16.resize(ref::LstmIntegerScratch16(p));
  state->scratch8.resize(ref::LstmIntegerScratch8(p));
  ctx.state() = std::move(state);
  return Status::Ok();
}

Status EvalLstmInteger(KernelContext& ctx) {
  LstmIntegerState* s = ctx.state_as<LstmIntegerState>();
  // The states are inputs the kernel updates in place (TFLite's variable inputs).
  ref::LstmInteger(s->params, ctx.input_data<int8_t>(kInput),
                   const_cast<int8_t*>(ctx.input_data<int8_t>(kOutputState)),
                   const_cast<int16_t*>(ctx.input_data<int16_t>(kCellState)),
                   ctx.output_data<int8_t>(0), s->scratch16.data(), s->scratch8.data());
  return Status::Ok();
}

}  // namespace vkd::cpu
