#include "cpu_fallback/reference/lstm.h"

#include <algorithm>
#include <cmath>

#include "cpu_fallback/activation.h"

namespace vkd::cpu::ref {

namespace {

// acc[r] += sum_c m[r, c] * v[c]: TFLite sums each row's dot product on its
// own, then adds it to the accumulator.
void MatVecAccumulate(const float* m, int rows, int cols, const float* v, float* acc) {
  for (int r = 0; r < rows; ++r) {
    const float* row = m + static_cast<int64_t>(r) * cols;
    float dot = 0.0f;
    for (int c = 0; c < cols; ++c) dot += row[c] * v[c];
    acc[r] += dot;
  }
}

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// TFLite's MeanStddevNormalization: (x - mean) / sqrt(variance + 1e-8).
void MeanStddevNormalize(float* v, int n) {
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += v[i];
  const float mean = sum / n;
  float sum_diff_sq = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float d = v[i] - mean;
    sum_diff_sq += d * d;
  }
  const float variance = sum_diff_sq / n;
  const float stddev_inv = 1.0f / std::sqrt(variance + 1e-8f);
  for (int i = 0; i < n; ++i) v[i] = (v[i] - mean) * stddev_inv;
}

float Clip(float x, float clip) { return std::max(-clip, std::min(clip, x)); }

// One gate of one batch row into `gate` [n_cell].
void ComputeGate(const LstmFloatParams& p, int g, const float* x, const float* h, const float* c,
                 float* gate) {
  const bool layer_norm = p.layer_norm[g] != nullptr;
  for (int i = 0; i < p.n_cell; ++i) gate[i] = layer_norm ? 0.0f : p.bias[g][i];
  MatVecAccumulate(p.input_weights[g], p.n_cell, p.n_input, x, gate);
  MatVecAccumulate(p.recurrent_weights[g], p.n_cell, p.n_output, h, gate);
  if (p.peephole[g]) {
    for (int i = 0; i < p.n_cell; ++i) gate[i] += p.peephole[g][i] * c[i];
  }
  if (layer_norm) {
    MeanStddevNormalize(gate, p.n_cell);
    for (int i = 0; i < p.n_cell; ++i) gate[i] = gate[i] * p.layer_norm[g][i] + p.bias[g][i];
  }
  if (g == kGateCell) {
    for (int i = 0; i < p.n_cell; ++i) gate[i] = ApplyFusedActivation(p.activation, gate[i]);
  } else {
    for (int i = 0; i < p.n_cell; ++i) gate[i] = Sigmoid(gate[i]);
  }
}

// One time step of one batch row: updates h [n_output] and c [n_cell].
void Step(const LstmFloatParams& p, const float* x, float* h, float* c, float* scratch) {
  float* input_gate = scratch;
  float* forget_gate = scratch + p.n_cell;
  float* cell_gate = scratch + 2 * p.n_cell;
  float* output_gate = scratch + 3 * p.n_cell;
  float* m = scratch + 4 * p.n_cell;
  const bool cifg = p.input_weights[kGateInput] == nullptr;
  if (!cifg) ComputeGate(p, kGateInput, x, h, c, input_gate);
  ComputeGate(p, kGateForget, x, h, c, forget_gate);
  ComputeGate(p, kGateCell, x, h, c, cell_gate);
  for (int i = 0; i < p.n_cell; ++i) {
    const float in = cifg ? 1.0f - forget_gate[i] : input_gate[i];
    c[i] = forget_gate[i] * c[i] + cell_gate[i] * in;
    if (p.cell_clip > 0.0f) c[i] = Clip(c[i], p.cell_clip);
  }
  ComputeGate(p, kGateOutput, x, h, c, output_gate);
  for (int i = 0; i < p.n_cell; ++i)
    m[i] = output_gate[i] * ApplyFusedActivation(p.activation, c[i]);
  if (p.projection_weights) {
    for (int o = 0; o < p.n_output; ++o) h[o] = p.projection_bias ? p.projection_bias[o] : 0.0f;
    MatVecAccumulate(p.projection_weights, p.n_output, p.n_cell, m, h);
    if (p.proj_clip > 0.0f) {
      for (int o = 0; o < p.n_output; ++o) h[o] = Clip(h[o], p.proj_clip);
    }
  } else {
    std::copy(m, m + p.n_output, h);
  }
}

}  // namespace

void LstmFloat(const LstmFloatParams& p, const float* input, float* output_state, float* cell_state,
               float* output, float* scratch) {
  // Batch rows are independent, so one row at a time through all steps
  // computes what TFLite's batched time-major loop does.
  for (int b = 0; b < p.batches; ++b) {
    float* h = output_state + static_cast<int64_t>(b) * p.n_output;
    float* c = cell_state + static_cast<int64_t>(b) * p.n_cell;
    for (int t = 0; t < p.max_time; ++t) {
      const int64_t row = p.time_major ? static_cast<int64_t>(t) * p.batches + b
                                       : static_cast<int64_t>(b) * p.max_time + t;
      Step(p, input + row * p.n_input, h, c, scratch);
      std::copy(h, h + p.n_output, output + row * p.n_output);
    }
  }
}

}  // namespace vkd::cpu::ref
