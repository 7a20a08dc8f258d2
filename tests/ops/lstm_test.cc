// UNIDIRECTIONAL_SEQUENCE_LSTM (float) against TFLite 2.9's builtin kernel,
// within 1e-5 (TFLite's tanh/sigmoid are Eigen's approximations; ours are
// std::tanh/exp). Forms: plain, CIFG, peephole, projection with and without
// bias, layer norm, cell and projection clipping, time-major and batch-major,
// several fused activations; each over several invokes in a row, so the
// state carried between invokes is compared too. The hybrid form is declined
// with an Unimplemented error; the integer form is in quantized_lstm_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/recurrent_test_util.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;

constexpr int kInvokes = 3;

struct LstmCase {
  int batches = 2, time = 3, n_input = 5, n_cell = 4, n_output = 4;
  bool cifg = false, peephole = false, projection = false, projection_bias = false;
  bool layer_norm = false, time_major = false;
  float cell_clip = 0, proj_clip = 0;
  Activation activation = Activation::kTanh;
  std::string Label() const {
    std::string s = "b" + std::to_string(batches) + " t" + std::to_string(time) + " in" +
                    std::to_string(n_input) + " cell" + std::to_string(n_cell) + " out" +
                    std::to_string(n_output);
    if (cifg) s += " cifg";
    if (peephole) s += " peephole";
    if (projection) s += projection_bias ? " proj+bias" : " proj";
    if (layer_norm) s += " layernorm";
    s += time_major ? " time-major" : " batch-major";
    if (cell_clip > 0) s += " cell_clip " + std::to_string(cell_clip);
    if (proj_clip > 0) s += " proj_clip " + std::to_string(proj_clip);
    return s + " " + ir::ActivationName(activation);
  }
};

ir::Graph FloatLstm(const LstmCase& c, uint32_t seed) {
  writer::GraphBuilder g;
  std::vector<int32_t> in(24, ir::kNoTensor);
  const ir::Shape x_shape = c.time_major ? ir::Shape{c.time, c.batches, c.n_input}
                                         : ir::Shape{c.batches, c.time, c.n_input};
  in[0] = g.AddInput(DataType::kFloat32, x_shape, "x");
  auto constant = [&](const ir::Shape& shape, const std::string& name, float lo = -0.6f,
                      float hi = 0.6f) {
    return g.AddConstant<float>(shape, test::RandomFloats(ir::NumElements(shape), seed++, lo, hi),
                                name);
  };
  for (int gate = c.cifg ? 1 : 0; gate < 4; ++gate) {
    in[1 + gate] = constant({c.n_cell, c.n_input}, "w" + std::to_string(gate));
    in[5 + gate] = constant({c.n_cell, c.n_output}, "r" + std::to_string(gate));
    in[12 + gate] = constant({c.n_cell}, "bias" + std::to_string(gate));
    if (c.layer_norm) in[20 + gate] = constant({c.n_cell}, "ln" + std::to_string(gate), 0.5f, 1.5f);
  }
  if (c.peephole) {
    if (!c.cifg) in[9] = constant({c.n_cell}, "p_in");
    in[10] = constant({c.n_cell}, "p_forget");
    in[11] = constant({c.n_cell}, "p_out");
  }
  if (c.projection) {
    in[16] = constant({c.n_output, c.n_cell}, "proj");
    if (c.projection_bias) in[17] = constant({c.n_output}, "proj_bias");
  }
  in[18] = g.AddTensor(DataType::kFloat32, {c.batches, c.n_output}, "output_state");
  in[19] = g.AddTensor(DataType::kFloat32, {c.batches, c.n_cell}, "cell_state");
  const ir::Shape out_shape = c.time_major ? ir::Shape{c.time, c.batches, c.n_output}
                                           : ir::Shape{c.batches, c.time, c.n_output};
  const int out = g.AddTensor(DataType::kFloat32, out_shape, "out");
  ir::UnidirectionalSequenceLstmOptions o;
  o.activation = c.activation;
  o.cell_clip = c.cell_clip;
  o.proj_clip = c.proj_clip;
  o.time_major = c.time_major;
  g.AddNode(OpType::kUnidirectionalSequenceLstm, in, {out}, o);
  g.MarkOutput(out);
  ir::Graph graph = g.Build();
  graph.tensors[in[18]].is_variable = true;
  graph.tensors[in[19]].is_variable = true;
  return graph;
}

void ExpectMatches(const LstmCase& c, uint32_t seed) {
  test::CompareOptions opts;
  opts.seed = seed;
  opts.input_min = -2.0f;
  opts.input_max = 2.0f;
  opts.label = c.Label();
  EXPECT_TRUE(test::BothKernelsMatchTfLiteOverInvokes(FloatLstm(c, seed), opts, 1e-5, kInvokes));
}

TEST(UnidirectionalSequenceLstmTest, FloatBasicForms) {
  uint32_t seed = 1;
  for (bool time_major : {false, true}) {
    for (int batches : {1, 3}) {
      LstmCase c;
      c.time_major = time_major;
      c.batches = batches;
      ExpectMatches(c, seed += 50);
      c.cifg = true;
      ExpectMatches(c, seed += 50);
    }
  }
}

TEST(UnidirectionalSequenceLstmTest, FloatPeepholeProjectionLayerNorm) {
  uint32_t seed = 1000;
  for (bool cifg : {false, true}) {
    for (bool peephole : {false, true}) {
      for (bool layer_norm : {false, true}) {
        for (int projection : {0, 1, 2}) {
          LstmCase c;
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

TEST(UnidirectionalSequenceLstmTest, FloatClipsAndActivations) {
  uint32_t seed = 5000;
  LstmCase c;
  c.peephole = true;
  c.projection = true;
  c.projection_bias = true;
  c.n_output = 6;
  c.n_cell = 7;
  c.time = 6;
  c.cell_clip = 0.3f;
  ExpectMatches(c, seed += 50);
  c.proj_clip = 0.2f;
  ExpectMatches(c, seed += 50);
  c.cell_clip = 0;
  ExpectMatches(c, seed += 50);
  for (Activation act :
       {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1, Activation::kSignBit}) {
    LstmCase a;
    a.activation = act;
    ExpectMatches(a, seed += 50);
  }
}

// A wider case: longer sequence, input and cell larger than the others.
TEST(UnidirectionalSequenceLstmTest, FloatLarger) {
  LstmCase c;
  c.batches = 2;
  c.time = 16;
  c.n_input = 24;
  c.n_cell = 32;
  c.n_output = 16;
  c.projection = true;
  c.peephole = true;
  c.layer_norm = true;
  ExpectMatches(c, 9000);
}

TEST(UnidirectionalSequenceLstmTest, DeclinesActivationNone) {
  LstmCase c;
  c.activation = Activation::kNone;
  auto runner = ModelRunner::Create(FloatLstm(c, 1), RunnerOptions{});
  ASSERT_TRUE(runner.ok());
  Status s = (*runner)->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
}

}  // namespace
}  // namespace vkd
