// The UNIDIRECTIONAL_SEQUENCE_LSTM cases both forms share (float in
// lstm_test.cc, fully integer in quantized_lstm_test.cc): one case
// description, one builder (the 24-input skeleton once; what differs between
// the forms is how each kind of tensor is made), and the sweeps of the forms
// both take, each case compared over several invokes so the state carried
// between them is compared too.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/ops/recurrent_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd::test {

struct LstmCase {
  // TFLite's 8x8_16 form: int8 activations and hidden state, int16 cell
  // state, 5 intermediates. Otherwise float.
  bool int8 = false;
  int batches = 2, time = 3, n_input = 5, n_cell = 4, n_output = 4;
  bool cifg = false, peephole = false, projection = false, projection_bias = false;
  bool layer_norm = false, time_major = false;
  float cell_clip = 0, proj_clip = 0;
  ir::Activation activation = ir::Activation::kTanh;  // float only: int8 takes TANH
  // int8 only: the cell state's scale 2^cell_log2, and zero points.
  int cell_log2 = -11;
  int input_zp = 5, state_zp = 2, hidden_zp = -3;

  ir::Shape SequenceShape(int features) const {
    return time_major ? ir::Shape{time, batches, features} : ir::Shape{batches, time, features};
  }

  std::string Label() const {
    std::string s = std::string(int8 ? "int8 " : "") + "b" + std::to_string(batches) + " t" +
                    std::to_string(time) + " in" + std::to_string(n_input) + " cell" +
                    std::to_string(n_cell) + " out" + std::to_string(n_output);
    if (cifg) s += " cifg";
    if (peephole) s += " peephole";
    if (projection) s += projection_bias ? " proj+bias" : " proj";
    if (layer_norm) s += " layernorm";
    s += time_major ? " time-major" : " batch-major";
    if (cell_clip > 0) s += " cell_clip " + std::to_string(cell_clip);
    if (proj_clip > 0) s += " proj_clip " + std::to_string(proj_clip);
    if (!int8) return s + " " + ir::ActivationName(activation);
    return s + " cell 2^" + std::to_string(cell_log2) + " zp in/state/hidden " +
           std::to_string(input_zp) + "/" + std::to_string(state_zp) + "/" +
           std::to_string(hidden_zp);
  }
};

// What each tensor of the node is, for the form's maker.
enum class LstmRole {
  kInput,
  kWeights,  // input and recurrent, per gate
  kGateBias,
  kLayerNorm,
  kPeephole,
  kProjection,
  kProjectionBias,
  kOutputState,
  kCellState,
  kOutput,
};

// The node's 24 inputs in TFLite's order (absent ones kNoTensor), made by
// make(role, shape, name) in a fixed order (so seeded constants repeat), its
// states variable. `intermediates` are set on the node.
template <typename Make>
ir::Graph LstmSkeleton(const LstmCase& c, writer::GraphBuilder& g, Make make,
                       const std::vector<int32_t>& intermediates = {}) {
  using R = LstmRole;
  std::vector<int32_t> in(24, ir::kNoTensor);
  in[0] = make(R::kInput, c.SequenceShape(c.n_input), "x");
  for (int gate = c.cifg ? 1 : 0; gate < 4; ++gate) {
    const std::string s = std::to_string(gate);
    in[1 + gate] = make(R::kWeights, {c.n_cell, c.n_input}, "w" + s);
    in[5 + gate] = make(R::kWeights, {c.n_cell, c.n_output}, "r" + s);
    in[12 + gate] = make(R::kGateBias, {c.n_cell}, "bias" + s);
    if (c.layer_norm) in[20 + gate] = make(R::kLayerNorm, {c.n_cell}, "ln" + s);
  }
  if (c.peephole) {
    if (!c.cifg) in[9] = make(R::kPeephole, {c.n_cell}, "p_in");
    in[10] = make(R::kPeephole, {c.n_cell}, "p_forget");
    in[11] = make(R::kPeephole, {c.n_cell}, "p_out");
  }
  if (c.projection) {
    in[16] = make(R::kProjection, {c.n_output, c.n_cell}, "proj");
    if (c.projection_bias) in[17] = make(R::kProjectionBias, {c.n_output}, "proj_bias");
  }
  in[18] = make(R::kOutputState, {c.batches, c.n_output}, "output_state");
  in[19] = make(R::kCellState, {c.batches, c.n_cell}, "cell_state");
  const int out = make(R::kOutput, c.SequenceShape(c.n_output), "out");
  ir::UnidirectionalSequenceLstmOptions o;
  o.activation = c.activation;
  o.cell_clip = c.cell_clip;
  o.proj_clip = c.proj_clip;
  o.time_major = c.time_major;
  const int node = g.AddNode(ir::OpType::kUnidirectionalSequenceLstm, in, {out}, o);
  if (!intermediates.empty()) g.SetIntermediates(node, intermediates);
  g.MarkOutput(out);
  ir::Graph graph = g.Build();
  graph.tensors[in[18]].is_variable = true;
  graph.tensors[in[19]].is_variable = true;
  return graph;
}

inline ir::Graph FloatLstm(const LstmCase& c, uint32_t seed) {
  writer::GraphBuilder g;
  auto make = [&](LstmRole role, const ir::Shape& shape, const std::string& name) {
    switch (role) {
      case LstmRole::kInput:
        return g.AddInput(ir::DataType::kFloat32, shape, name);
      case LstmRole::kOutputState:
      case LstmRole::kCellState:
      case LstmRole::kOutput:
        return g.AddTensor(ir::DataType::kFloat32, shape, name);
      default:
        const bool ln = role == LstmRole::kLayerNorm;
        return g.AddConstant<float>(
            shape,
            RandomFloats(ir::NumElements(shape), seed++, ln ? 0.5f : -0.6f, ln ? 1.5f : 0.6f),
            name);
    }
  };
  return LstmSkeleton(c, g, make);
}

// Scales chosen so that the gates spend time in the nonlinear parts of
// sigmoid and tanh rather than saturating. `num_intermediates` other than 5
// makes the forms vkdelegate declines.
inline ir::Graph Int8Lstm(const LstmCase& c, uint32_t seed, int num_intermediates = 5) {
  std::mt19937 rng(seed);
  writer::GraphBuilder g;
  const float input_scale = 1.0f / 64, w_scale = 0.6f / 127, ln_scale = 1.5f / 32767;
  const float peephole_scale = 0.5f / 32767, proj_scale = 0.5f / 127;
  const float hidden_scale = 1.0f / 128, state_scale = c.projection ? 1.0f / 100 : 1.0f / 128;
  auto ints = [&](auto zero, const ir::Shape& shape, const std::string& name, float scale,
                  int64_t lo, int64_t hi) {
    using T = decltype(zero);
    return g.AddConstant<T>(shape, RandomInts<T>(ir::NumElements(shape), rng, lo, hi), name,
                            Quant(scale, 0));
  };
  // Gate biases: in the matmul accumulator's scale without layer norm, in
  // the layer norm's (coefficient scale / 2^10) with it.
  const int64_t bias_range = c.layer_norm ? 10000000 : 2000;
  const float bias_scale = c.layer_norm ? ln_scale / 1024 : input_scale * w_scale;
  auto make = [&](LstmRole role, const ir::Shape& shape, const std::string& name) {
    switch (role) {
      case LstmRole::kInput:
        return g.AddInput(ir::DataType::kInt8, shape, name, Quant(input_scale, c.input_zp));
      case LstmRole::kWeights:
        return ints(int8_t{}, shape, name, w_scale, -127, 127);
      case LstmRole::kGateBias:
        return ints(int32_t{}, shape, name, bias_scale, -bias_range, bias_range);
      case LstmRole::kLayerNorm:
        return ints(int16_t{}, shape, name, ln_scale, 10000, 32767);
      case LstmRole::kPeephole:
        return ints(int16_t{}, shape, name, peephole_scale, -32767, 32767);
      case LstmRole::kProjection:
        return ints(int8_t{}, shape, name, proj_scale, -127, 127);
      case LstmRole::kProjectionBias:
        return ints(int32_t{}, shape, name, hidden_scale * proj_scale, -6000, 6000);
      case LstmRole::kCellState:
        return g.AddTensor(ir::DataType::kInt16, shape, name,
                           Quant(std::ldexp(1.0f, c.cell_log2), 0));
      default:  // output state and output
        return g.AddTensor(ir::DataType::kInt8, shape, name, Quant(state_scale, c.state_zp));
    }
  };
  std::vector<int32_t> intermediates;
  const float gate_scales[4] = {1.3e-4f, 1.1e-4f, 1.7e-4f, 0.9e-4f};
  for (int i = 0; i < num_intermediates; ++i) {
    intermediates.push_back(
        i == 4 ? g.AddTensor(ir::DataType::kInt8, {}, "hidden", Quant(hidden_scale, c.hidden_zp))
               : g.AddTensor(ir::DataType::kInt16, {}, "gate" + std::to_string(i),
                             Quant(gate_scales[i % 4], 0)));
  }
  return LstmSkeleton(c, g, make, intermediates);
}

// The case against TFLite over 3 invokes on `t`'s backend: float within 1e-5
// (TFLite's tanh/sigmoid are Eigen's approximations; ours are
// std::tanh/exp), inputs in [-2, 2]; int8 exact (integer arithmetic
// throughout).
inline void ExpectLstmMatches(const BackendTest& t, const LstmCase& c, uint32_t seed) {
  CompareOptions opts;
  opts.seed = seed;
  opts.label = c.Label();
  if (!c.int8) {
    opts.input_min = -2.0f;
    opts.input_max = 2.0f;
  }
  EXPECT_TRUE(MatchesOverInvokes(t, c.int8 ? Int8Lstm(c, seed) : FloatLstm(c, seed), opts,
                                 c.int8 ? 0 : 1e-5, /*invokes=*/3));
}

// Plain and CIFG, time- and batch-major, batch 1 and 3.
inline void ExpectLstmBasicForms(const BackendTest& t, bool int8) {
  uint32_t seed = 1;
  for (bool time_major : {false, true}) {
    for (int batches : {1, 3}) {
      LstmCase c;
      c.int8 = int8;
      c.time_major = time_major;
      c.batches = batches;
      ExpectLstmMatches(t, c, seed += 50);
      c.cifg = true;
      ExpectLstmMatches(t, c, seed += 50);
    }
  }
}

// Every combination of CIFG, peephole, layer norm and projection (none,
// without and with bias).
inline void ExpectLstmPeepholeProjectionLayerNorm(const BackendTest& t, bool int8) {
  uint32_t seed = 1000;
  for (bool cifg : {false, true}) {
    for (bool peephole : {false, true}) {
      for (bool layer_norm : {false, true}) {
        for (int projection : {0, 1, 2}) {
          LstmCase c;
          c.int8 = int8;
          c.cifg = cifg;
          c.peephole = peephole;
          c.layer_norm = layer_norm;
          c.projection = projection > 0;
          c.projection_bias = projection > 1;
          if (c.projection) c.n_output = 3;
          c.time_major = (seed / 50) % 2 == 0;
          ExpectLstmMatches(t, c, seed += 50);
        }
      }
    }
  }
}

// A wider case: a longer sequence, input and cell larger than the others,
// peephole, projection and layer norm.
inline LstmCase LargerLstm(bool int8, int n_cell, int n_output) {
  LstmCase c;
  c.int8 = int8;
  c.batches = 2;
  c.time = 16;
  c.n_input = 24;
  c.n_cell = n_cell;
  c.n_output = n_output;
  c.projection = true;
  c.peephole = true;
  c.layer_norm = true;
  return c;
}

// Cell and projection clipping on a peephole, projection-with-bias case
// over a longer sequence, from `c` (the int8 form's has layer norm, and its
// last case is time-major). Returns the last seed used.
inline uint32_t ExpectLstmClips(const BackendTest& t, LstmCase c, uint32_t seed) {
  c.peephole = true;
  c.projection = true;
  c.projection_bias = true;
  c.n_output = 6;
  c.n_cell = 7;
  c.time = 6;
  c.cell_clip = 0.3f;
  ExpectLstmMatches(t, c, seed += 50);
  c.proj_clip = 0.2f;
  ExpectLstmMatches(t, c, seed += 50);
  c.cell_clip = 0;
  if (c.int8) c.time_major = true;
  ExpectLstmMatches(t, c, seed += 50);
  return seed;
}

}  // namespace vkd::test
