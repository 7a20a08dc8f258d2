// SVDF against TFLite 2.9's builtin kernel on the CPU backends, over several invokes in a row so
// the state memory (a variable tensor) is exercised: float (rank 1 and 2,
// with and without bias, each fused activation, batch 1 and 3) within 1e-5,
// and full integer (int8 input/output, int16 state and time weights) at 0 LSB.
// The hybrid form is declined with an Unimplemented error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/ops/recurrent_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::Activation;
using ir::DataType;
using ir::OpType;

using test::Quant;

constexpr int kInvokes = 5;  // longer than the memory of most cases below

// The GPU has no SVDF kernel.
VKD_BACKEND_TEST_SUITE(SvdfTest, kCpuBackends);

struct SvdfCase {
  int batches = 2, input_size = 5, units = 3, rank = 1, memory = 4;
  bool bias = true;
  Activation activation = Activation::kNone;
  std::string Label() const {
    return "b" + std::to_string(batches) + " in" + std::to_string(input_size) + " u" +
           std::to_string(units) + " r" + std::to_string(rank) + " m" + std::to_string(memory) +
           (bias ? " bias " : " nobias ") + ir::ActivationName(activation);
  }
};

// The state tensor is an activation the builder marks variable afterwards
// (GraphBuilder has no variable-tensor call); TFLite zeroes it.
ir::Graph FloatSvdf(const SvdfCase& c, uint32_t seed) {
  writer::GraphBuilder g;
  const int filters = c.units * c.rank;
  const int x = g.AddInput(DataType::kFloat32, {c.batches, c.input_size}, "x");
  const int wf = g.AddConstant<float>({filters, c.input_size},
                                      test::RandomFloats(filters * c.input_size, seed), "wf");
  const int wt = g.AddConstant<float>({filters, c.memory},
                                      test::RandomFloats(filters * c.memory, seed + 1), "wt");
  const int bias =
      c.bias ? g.AddConstant<float>({c.units}, test::RandomFloats(c.units, seed + 2), "bias")
             : ir::kNoTensor;
  const int state = g.AddTensor(DataType::kFloat32, {c.batches, c.memory * filters}, "state");
  const int out = g.AddTensor(DataType::kFloat32, {c.batches, c.units}, "out");
  g.AddNode(OpType::kSvdf, {x, wf, wt, bias, state}, {out},
            ir::SvdfOptions{c.rank, c.activation, false});
  g.MarkOutput(out);
  ir::Graph graph = g.Build();
  graph.tensors[state].is_variable = true;
  return graph;
}

TEST_P(SvdfTest, FloatMatchesTfLite) {
  std::vector<SvdfCase> cases;
  for (int rank : {1, 2}) {
    for (bool bias : {true, false}) {
      for (Activation act : {Activation::kNone, Activation::kRelu, Activation::kRelu6,
                             Activation::kReluN1To1, Activation::kTanh}) {
        SvdfCase c;
        c.rank = rank;
        c.bias = bias;
        c.activation = act;
        cases.push_back(c);
      }
    }
  }
  SvdfCase one;
  one.batches = 1;
  one.input_size = 16;
  one.units = 8;
  one.memory = 10;
  one.rank = 2;
  cases.push_back(one);
  SvdfCase three = one;
  three.batches = 3;
  three.memory = 1;
  cases.push_back(three);
  uint32_t seed = 11;
  for (const SvdfCase& c : cases) {
    test::CompareOptions opts;
    opts.seed = seed;
    opts.label = c.Label();
    EXPECT_TRUE(test::MatchesOverInvokes(*this, FloatSvdf(c, seed), opts, 1e-5, kInvokes));
    seed += 3;
  }
}

// The int8 form as TFLite's quantizer makes it: int8 input and feature
// weights, int16 time weights and state (zero point 0), int32 bias.
ir::Graph Int8Svdf(const SvdfCase& c, uint32_t seed, int input_zp, int output_zp, float state_scale,
                   float output_scale) {
  writer::GraphBuilder g;
  const int filters = c.units * c.rank;
  const float in_scale = 1.0f / 64, wf_scale = 1.0f / 100, wt_scale = 1.0f / 16384;
  const int x =
      g.AddInput(DataType::kInt8, {c.batches, c.input_size}, "x", Quant(in_scale, input_zp));
  const int wf =
      g.AddConstant<int8_t>({filters, c.input_size}, test::RandomInt8(filters * c.input_size, seed),
                            "wf", Quant(wf_scale, 0));
  std::vector<int16_t> wt_values(filters * c.memory);
  std::vector<float> r = test::RandomFloats(wt_values.size(), seed + 1, -16384, 16384);
  for (size_t i = 0; i < r.size(); ++i) wt_values[i] = static_cast<int16_t>(r[i]);
  const int wt = g.AddConstant<int16_t>({filters, c.memory}, wt_values, "wt", Quant(wt_scale, 0));
  int bias = ir::kNoTensor;
  if (c.bias) {
    std::vector<int32_t> b(c.units);
    std::vector<float> rb = test::RandomFloats(c.units, seed + 2, -20000, 20000);
    for (int i = 0; i < c.units; ++i) b[i] = static_cast<int32_t>(rb[i]);
    bias = g.AddConstant<int32_t>({c.units}, b, "bias", Quant(state_scale * wt_scale, 0));
  }
  const int state = g.AddTensor(DataType::kInt16, {c.batches, c.memory * filters}, "state",
                                Quant(state_scale, 0));
  const int out =
      g.AddTensor(DataType::kInt8, {c.batches, c.units}, "out", Quant(output_scale, output_zp));
  g.AddNode(OpType::kSvdf, {x, wf, wt, bias, state}, {out},
            ir::SvdfOptions{c.rank, c.activation, false}, /*version=*/3);
  g.MarkOutput(out);
  ir::Graph graph = g.Build();
  graph.tensors[state].is_variable = true;
  return graph;
}

TEST_P(SvdfTest, Int8MatchesTfLiteExactly) {
  struct Q {
    int input_zp, output_zp;
    float state_scale, output_scale;
  };
  // Scales chosen so that some feature activations saturate the int16 state
  // and some outputs saturate int8, and others do not.
  const Q quants[] = {{0, 0, 1.0f / 4096, 1.0f / 32},
                      {-5, 17, 1.0f / 2048, 1.0f / 8},
                      {100, -128, 1.0f / 16384, 1.0f / 64}};
  uint32_t seed = 101;
  for (const Q& q : quants) {
    for (int rank : {1, 2}) {
      for (bool bias : {true, false}) {
        SvdfCase c;
        c.rank = rank;
        c.bias = bias;
        c.input_size = 12;
        c.activation = Activation::kRelu;  // the only one TFLite's integer kernel takes
        test::CompareOptions opts;
        opts.seed = seed;
        opts.label =
            c.Label() + " zp " + std::to_string(q.input_zp) + "/" + std::to_string(q.output_zp);
        EXPECT_TRUE(test::MatchesOverInvokes(
            *this, Int8Svdf(c, seed, q.input_zp, q.output_zp, q.state_scale, q.output_scale), opts,
            /*LSB=*/0, kInvokes));
        seed += 3;
      }
    }
  }
}

TEST(SvdfTest, DeclinesWhatItDoesNotImplement) {
  SvdfCase c;
  c.activation = Activation::kTanh;  // int8 SVDF takes only RELU
  auto bytes = writer::SerializeGraph(Int8Svdf(c, 1, 0, 0, 1.0f / 4096, 1.0f / 32));
  ASSERT_TRUE(bytes.ok());
  auto model = reader::ReadModelFromBytes(*bytes);
  ASSERT_TRUE(model.ok());
  auto runner = ModelRunner::Create(model->graph, RunnerOptions{});
  ASSERT_TRUE(runner.ok());
  Status s = (*runner)->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();

  // Quantized activations without parameters name the tensor.
  ir::Graph g = Int8Svdf(c, 1, 0, 0, 1.0f / 4096, 1.0f / 32);
  g.nodes[0].options = ir::SvdfOptions{1, Activation::kRelu, false};
  g.tensors[g.nodes[0].inputs[4]].quant = {};
  auto r2 = ModelRunner::Create(g, RunnerOptions{});
  ASSERT_TRUE(r2.ok());
  s = (*r2)->AllocateTensors();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("input 4 (state)"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
