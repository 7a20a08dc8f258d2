// UNIDIRECTIONAL_SEQUENCE_LSTM, float, as TFLite 2.9's lstm_eval runs it.
//
// Per time step and batch row, for each gate g in {input, forget, cell, output}:
//   pre_g = W_g . x + R_g . h  (+ peephole P_g * c for input/forget/output)
//   without layer norm: g = act_g(bias_g + pre_g)
//   with layer norm:    g = act_g(LN(pre_g) * L_g + bias_g)
// act is sigmoid for input/forget/output and the op's activation for the cell
// gate. CIFG (no input gate weights): input = 1 - forget.
//   c = clip(forget * c + input * cell_gate, cell_clip)
//   (the output gate's peephole sees the updated c)
//   m = output * act(c)
//   h = projection ? clip(P . m + proj_bias, proj_clip) : m
// and the step's output row is h.
#pragma once

#include <cstdint>

#include "model/ir/op_options.h"

namespace vkd::cpu::ref {

enum LstmGate { kGateInput = 0, kGateForget = 1, kGateCell = 2, kGateOutput = 3 };

// The dimensions every UNIDIRECTIONAL_SEQUENCE_LSTM form (float, integer)
// runs over.
struct LstmShape {
  int batches = 0;
  int max_time = 0;
  int n_input = 0;
  int n_cell = 0;
  int n_output = 0;
  bool time_major = false;
};

struct LstmFloatParams : LstmShape {
  ir::Activation activation = ir::Activation::kTanh;
  float cell_clip = 0;  // 0: none
  float proj_clip = 0;  // 0: none
  // Per gate (LstmGate order). Null when absent: input gate weights, bias and
  // layer norm under CIFG; peepholes (the cell gate never has one); layer
  // norm coefficients without layer norm.
  const float* input_weights[4] = {};         // [n_cell, n_input]
  const float* recurrent_weights[4] = {};     // [n_cell, n_output]
  const float* peephole[4] = {};              // [n_cell]
  const float* bias[4] = {};                  // [n_cell]
  const float* layer_norm[4] = {};            // [n_cell]
  const float* projection_weights = nullptr;  // [n_output, n_cell]
  const float* projection_bias = nullptr;     // [n_output]
};

// `scratch` holds 5 * n_cell floats. output_state [batches, n_output] and
// cell_state [batches, n_cell] carry over from the previous invoke.
void LstmFloat(const LstmFloatParams& p, const float* input, float* output_state, float* cell_state,
               float* output, float* scratch);

}  // namespace vkd::cpu::ref
