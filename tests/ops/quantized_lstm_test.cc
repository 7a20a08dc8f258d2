// UNIDIRECTIONAL_SEQUENCE_LSTM, fully integer (int8 activations and hidden
// state, int16 cell state; TFLite's 8x8_16 form with 5 intermediates)
// against TFLite 2.9's builtin kernel over several invokes, so the state
// carried between invokes is compared too. Exact (tolerance 0): the kernel is
// integer arithmetic throughout. Forms: plain, CIFG, peephole, projection
// with and without bias, layer norm, cell and projection clipping, time-major
// and batch-major.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/recurrent_test_util.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;

constexpr int kInvokes = 3;

struct QLstmCase {
  int batches = 2, time = 3, n_input = 5, n_cell = 4, n_output = 4;
  bool cifg = false, peephole = false, projection = false, projection_bias = false;
  bool layer_norm = false, time_major = false;
  float cell_clip = 0, proj_clip = 0;
  int cell_log2 = -11;
  int input_zp = 5, state_zp = 2, hidden_zp = -3;
  std::string Label() const {
    std::string s = "int8 b" + std::to_string(batches) + " t" + std::to_string(time) + " in" +
                    std::to_string(n_input) + " cell" + std::to_string(n_cell) + " out" +
                    std::to_string(n_output);
    if (cifg) s += " cifg";
    if (peephole) s += " peephole";
    if (projection) s += projection_bias ? " proj+bias" : " proj";
    if (layer_norm) s += " layernorm";
    s += time_major ? " time-major" : " batch-major";
    if (cell_clip > 0) s += " cell_clip " + std::to_string(cell_clip);
    if (proj_clip > 0) s += " proj_clip " + std::to_string(proj_clip);
    s += " cell 2^" + std::to_string(cell_log2) + " zp in/state/hidden " +
         std::to_string(input_zp) + "/" + std::to_string(state_zp) + "/" +
         std::to_string(hidden_zp);
    return s;
  }
};

ir::Quantization Q(float scale, int64_t zp = 0) {
  ir::Quantization q;
  q.scale = {scale};
  q.zero_point = {zp};
  return q;
}

template <typename T>
std::vector<T> RandomInts(int64_t n, std::mt19937& rng, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(dist(rng));
  return v;
}

// Scales chosen so that the gates spend time in the nonlinear parts of
// sigmoid and tanh rather than saturating.
ir::Graph Int8Lstm(const QLstmCase& c, uint32_t seed, int num_intermediates = 5) {
  std::mt19937 rng(seed);
  writer::GraphBuilder g;
  std::vector<int32_t> in(24, ir::kNoTensor);
  const float input_scale = 1.0f / 64, w_scale = 0.6f / 127, ln_scale = 1.5f / 32767;
  const float peephole_scale = 0.5f / 32767, proj_scale = 0.5f / 127;
  const float hidden_scale = 1.0f / 128, state_scale = c.projection ? 1.0f / 100 : 1.0f / 128;
  const ir::Shape x_shape = c.time_major ? ir::Shape{c.time, c.batches, c.n_input}
                                         : ir::Shape{c.batches, c.time, c.n_input};
  in[0] = g.AddInput(DataType::kInt8, x_shape, "x", Q(input_scale, c.input_zp));
  auto weights = [&](const ir::Shape& shape, const std::string& name, float scale) {
    return g.AddConstant<int8_t>(shape, RandomInts<int8_t>(ir::NumElements(shape), rng, -127, 127),
                                 name, Q(scale));
  };
  auto int16s = [&](const std::string& name, float scale, int64_t lo, int64_t hi) {
    return g.AddConstant<int16_t>({c.n_cell}, RandomInts<int16_t>(c.n_cell, rng, lo, hi), name,
                                  Q(scale));
  };
  // Gate biases: in the matmul accumulator's scale without layer norm, in
  // the layer norm's (coefficient scale / 2^10) with it.
  const int64_t bias_range = c.layer_norm ? 10000000 : 2000;
  for (int gate = c.cifg ? 1 : 0; gate < 4; ++gate) {
    const std::string s = std::to_string(gate);
    in[1 + gate] = weights({c.n_cell, c.n_input}, "w" + s, w_scale);
    in[5 + gate] = weights({c.n_cell, c.n_output}, "r" + s, w_scale);
    in[12 + gate] = g.AddConstant<int32_t>(
        {c.n_cell}, RandomInts<int32_t>(c.n_cell, rng, -bias_range, bias_range), "bias" + s,
        Q(c.layer_norm ? ln_scale / 1024 : input_scale * w_scale));
    if (c.layer_norm) in[20 + gate] = int16s("ln" + s, ln_scale, 10000, 32767);
  }
  if (c.peephole) {
    if (!c.cifg) in[9] = int16s("p_in", peephole_scale, -32767, 32767);
    in[10] = int16s("p_forget", peephole_scale, -32767, 32767);
    in[11] = int16s("p_out", peephole_scale, -32767, 32767);
  }
  if (c.projection) {
    in[16] = weights({c.n_output, c.n_cell}, "proj", proj_scale);
    if (c.projection_bias) {
      in[17] =
          g.AddConstant<int32_t>({c.n_output}, RandomInts<int32_t>(c.n_output, rng, -6000, 6000),
                                 "proj_bias", Q(hidden_scale * proj_scale));
    }
  }
  in[18] = g.AddTensor(DataType::kInt8, {c.batches, c.n_output}, "output_state",
                       Q(state_scale, c.state_zp));
  in[19] = g.AddTensor(DataType::kInt16, {c.batches, c.n_cell}, "cell_state",
                       Q(std::ldexp(1.0f, c.cell_log2)));
  const ir::Shape out_shape = c.time_major ? ir::Shape{c.time, c.batches, c.n_output}
                                           : ir::Shape{c.batches, c.time, c.n_output};
  const int out = g.AddTensor(DataType::kInt8, out_shape, "out", Q(state_scale, c.state_zp));
  std::vector<int32_t> intermediates;
  const float gate_scales[4] = {1.3e-4f, 1.1e-4f, 1.7e-4f, 0.9e-4f};
  for (int i = 0; i < num_intermediates; ++i) {
    if (i == 4) {
      intermediates.push_back(
          g.AddTensor(DataType::kInt8, {}, "hidden", Q(hidden_scale, c.hidden_zp)));
    } else {
      intermediates.push_back(
          g.AddTensor(DataType::kInt16, {}, "gate" + std::to_string(i), Q(gate_scales[i % 4])));
    }
  }
  ir::UnidirectionalSequenceLstmOptions o;
  o.activation = ir::Activation::kTanh;
  o.cell_clip = c.cell_clip;
  o.proj_clip = c.proj_clip;
  o.time_major = c.time_major;
  const int node = g.AddNode(OpType::kUnidirectionalSequenceLstm, in, {out}, o);
  g.SetIntermediates(node, intermediates);
  g.MarkOutput(out);
  ir::Graph graph = g.Build();
  graph.tensors[in[18]].is_variable = true;
  graph.tensors[in[19]].is_variable = true;
  return graph;
}

void ExpectMatches(const QLstmCase& c, uint32_t seed) {
  test::CompareOptions opts;
  opts.seed = seed;
  opts.label = c.Label();
  EXPECT_TRUE(test::BothKernelsMatchTfLiteOverInvokes(Int8Lstm(c, seed), opts, 0, kInvokes));
}

TEST(QuantizedLstmTest, Int8BasicForms) {
  uint32_t seed = 1;
  for (bool time_major : {false, true}) {
    for (int batches : {1, 3}) {
      QLstmCase c;
      c.time_major = time_major;
      c.batches = batches;
      ExpectMatches(c, seed += 50);
      c.cifg = true;
      ExpectMatches(c, seed += 50);
    }
  }
}

TEST(QuantizedLstmTest, Int8PeepholeProjectionLayerNorm) {
  uint32_t seed = 1000;
  for (bool cifg : {false, true}) {
    for (bool peephole : {false, true}) {
      for (bool layer_norm : {false, true}) {
        for (int projection : {0, 1, 2}) {
          QLstmCase c;
          c.cifg = cifg;
          c.peephole = peephole;
          c.layer_norm = layer_norm;
          c.projection = projection > 0;
          c.projection_bias = projection > 1;
          if (c.projection) c.n_output = 3;
          c.time_major = (seed / 50) % 2 == 0;
          ExpectMatches(c, seed += 50);
        }
      }
    }
  }
}

TEST(QuantizedLstmTest, Int8ClipsScalesAndZeroPoints) {
  uint32_t seed = 5000;
  QLstmCase c;
  c.peephole = true;
  c.projection = true;
  c.projection_bias = true;
  c.layer_norm = true;
  c.n_output = 6;
  c.n_cell = 7;
  c.time = 6;
  c.cell_clip = 0.3f;
  ExpectMatches(c, seed += 50);
  c.proj_clip = 0.2f;
  ExpectMatches(c, seed += 50);
  c.cell_clip = 0;
  c.time_major = true;
  ExpectMatches(c, seed += 50);
  for (int cell_log2 : {-9, -12, -15}) {
    QLstmCase s;
    s.cell_log2 = cell_log2;
    s.input_zp = -7;
    s.state_zp = -4;
    s.hidden_zp = 6;
    ExpectMatches(s, seed += 50);
  }
}

// A wider case: longer sequence, sizes not powers of two (layer norm's
// variance uses 2^20 / n_cell, truncated).
TEST(QuantizedLstmTest, Int8Larger) {
  QLstmCase c;
  c.batches = 2;
  c.time = 16;
  c.n_input = 24;
  c.n_cell = 20;
  c.n_output = 12;
  c.projection = true;
  c.peephole = true;
  c.layer_norm = true;
  ExpectMatches(c, 9000);
  c.time_major = true;
  c.n_cell = 32;
  c.n_output = 16;
  ExpectMatches(c, 9100);
}

Status AllocateStatus(const ir::Graph& graph) {
  auto bytes = writer::SerializeGraph(graph);
  if (!bytes.ok()) return bytes.status();
  auto model = reader::ReadModelFromBytes(*bytes);
  if (!model.ok()) return model.status();
  auto runner = ModelRunner::Create(model->graph, RunnerOptions{});
  if (!runner.ok()) return runner.status();
  return (*runner)->AllocateTensors();
}

TEST(QuantizedLstmTest, DeclinesUnsupportedForms) {
  QLstmCase c;
  // The 8x8_8 form (12 intermediates) and a model without intermediates.
  for (int n : {0, 12}) {
    Status s = AllocateStatus(Int8Lstm(c, 1, n));
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
    EXPECT_NE(s.ToString().find("intermediates"), std::string::npos) << s.ToString();
  }
  // A cell state scale that is not a power of two.
  ir::Graph g = Int8Lstm(c, 1);
  g.tensors[g.nodes[0].inputs[19]].quant.scale = {0.001f};
  Status s = AllocateStatus(g);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.ToString().find("input 19"), std::string::npos) << s.ToString();
  // Peepholes with n_output > n_cell (TFLite 2.9 reads past the cell state).
  QLstmCase p;
  p.peephole = true;
  p.projection = true;
  p.n_output = 6;
  s = AllocateStatus(Int8Lstm(p, 1));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  // A weight without quantization parameters.
  g = Int8Lstm(c, 1);
  g.tensors[g.nodes[0].inputs[2]].quant = {};
  s = AllocateStatus(g);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("input 2"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
