// UNIDIRECTIONAL_SEQUENCE_LSTM, fully integer (TFLite's "8x8_16" form), as
// TFLite 2.9's lstm_eval EvalInteger8x8_16 runs it: int8 input, output and
// hidden state (asymmetric), int16 cell state (symmetric, power-of-two
// scale), int8 symmetric weights, int32 biases, int16 peepholes and layer
// norm coefficients.
//
// Per step, each gate g is an int16 vector:
//   g = sat16(rq(W_g . x + bias_x)) then sat16(g + rq(R_g . h + bias_h))
//   (+ peephole: sat16(g + rq(P_g * c)))
//   with layer norm: g = LN(g) * L_g + bias_g (integer, see ApplyLayerNorm)
//   then sigmoid (input Q3.12, output Q0.15) or, for the cell gate, tanh.
// Without layer norm the gates are Q3.12 and the gate bias (and the input's
// and hidden state's zero points times the weight row sums) is folded into
// bias_x/bias_h in Prepare; with it, bias_g is applied inside LN.
//   c = sat16(rshift(f * c, 15) + rshift(i * cell_gate, 30 + cell_log2)), clipped
//   hidden = clamp8(rq(o * tanh(c)) - hidden_zp)
//   h = projection ? clamp8(rq(P . hidden + proj_bias) + h_zp), clipped : hidden
// The output gate is computed after the cell update, so its peephole sees the
// new cell state.
#pragma once

#include <cstdint>

#include "cpu_fallback/quantization.h"
#include "cpu_fallback/reference/lstm.h"

namespace vkd::cpu::ref {

struct LstmIntegerParams : LstmShape {
  // Per gate (LstmGate order: input, forget, cell, output); input gate
  // entries are null under CIFG.
  const int8_t* input_weights[4] = {};      // [n_cell, n_input]
  const int8_t* recurrent_weights[4] = {};  // [n_cell, n_output]
  // The gate bias (without layer norm) plus -zero_point * row sums: [n_cell].
  const int32_t* input_effective_bias[4] = {};
  const int32_t* recurrent_effective_bias[4] = {};
  QuantizedMultiplier input_scale[4];
  QuantizedMultiplier recurrent_scale[4];
  const int16_t* peephole[4] = {};  // [n_cell]; never for the cell gate
  QuantizedMultiplier peephole_scale[4];
  const int16_t* layer_norm[4] = {};       // [n_cell]
  const int32_t* layer_norm_bias[4] = {};  // the gate bias, [n_cell]
  QuantizedMultiplier layer_norm_scale[4];
  int32_t variance_guard[4] = {};
  // Projection: weights [n_output, n_cell], bias plus hidden_zp * row sums.
  const int8_t* projection_weights = nullptr;
  const int32_t* projection_effective_bias = nullptr;
  QuantizedMultiplier projection_scale;
  QuantizedMultiplier hidden_scale;
  int32_t hidden_zero_point = 0;
  int32_t output_state_zero_point = 0;
  int cell_log2_scale = -11;  // cell state scale = 2^cell_log2_scale, in [-15, -9]
  int16_t cell_clip = 0;      // 0: none
  int8_t proj_clip = 0;       // 0: none
};

// int16 scratch elements `scratch16` must hold, and int8 ones `scratch8`.
int64_t LstmIntegerScratch16(const LstmIntegerParams& p);
int64_t LstmIntegerScratch8(const LstmIntegerParams& p);

// output_state [batches, n_output] and cell_state [batches, n_cell] carry over
// from the previous invoke.
void LstmInteger(const LstmIntegerParams& p, const int8_t* input, int8_t* output_state,
                 int16_t* cell_state, int8_t* output, int16_t* scratch16, int8_t* scratch8);

}  // namespace vkd::cpu::ref
