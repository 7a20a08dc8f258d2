// UNIDIRECTIONAL_SEQUENCE_LSTM, fully integer (int8 activations and hidden
// state, int16 cell state; TFLite's 8x8_16 form with 5 intermediates)
// against TFLite 2.9's builtin kernel on the CPU backends over several
// invokes, so the state carried between invokes is compared too. Exact
// (tolerance 0): the kernel is integer arithmetic throughout. Forms: plain,
// CIFG, peephole, projection with and without bias, layer norm, cell and
// projection clipping, time-major and batch-major (the cases and sweeps the
// float form shares: lstm_cases.h).
#include <gtest/gtest.h>

#include <string>

#include "tests/ops/lstm_cases.h"
#include "tests/ops/recurrent_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using test::LstmCase;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedLstmTest, kCpuBackends);

LstmCase Int8Case() {
  LstmCase c;
  c.int8 = true;
  return c;
}

TEST_P(QuantizedLstmTest, Int8BasicForms) { test::ExpectLstmBasicForms(*this, /*int8=*/true); }

TEST_P(QuantizedLstmTest, Int8PeepholeProjectionLayerNorm) {
  test::ExpectLstmPeepholeProjectionLayerNorm(*this, /*int8=*/true);
}

TEST_P(QuantizedLstmTest, Int8ClipsScalesAndZeroPoints) {
  LstmCase c = Int8Case();
  c.layer_norm = true;
  uint32_t seed = test::ExpectLstmClips(*this, c, 5000);
  for (int cell_log2 : {-9, -12, -15}) {
    LstmCase s = Int8Case();
    s.cell_log2 = cell_log2;
    s.input_zp = -7;
    s.state_zp = -4;
    s.hidden_zp = 6;
    test::ExpectLstmMatches(*this, s, seed += 50);
  }
}

// Sizes not powers of two (layer norm's variance uses 2^20 / n_cell,
// truncated), then powers of two time-major.
TEST_P(QuantizedLstmTest, Int8Larger) {
  test::ExpectLstmMatches(*this, test::LargerLstm(/*int8=*/true, 20, 12), 9000);
  LstmCase c = test::LargerLstm(/*int8=*/true, 32, 16);
  c.time_major = true;
  test::ExpectLstmMatches(*this, c, 9100);
}

TEST(QuantizedLstmTest, DeclinesUnsupportedForms) {
  const LstmCase c = Int8Case();
  // The 8x8_8 form (12 intermediates) and a model without intermediates.
  for (int n : {0, 12}) {
    Status s = test::AllocateStatus(test::Int8Lstm(c, 1, n));
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
    EXPECT_NE(s.ToString().find("intermediates"), std::string::npos) << s.ToString();
  }
  // A cell state scale that is not a power of two.
  ir::Graph g = test::Int8Lstm(c, 1);
  g.tensors[g.nodes[0].inputs[19]].quant.scale = {0.001f};
  Status s = test::AllocateStatus(g);
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  EXPECT_NE(s.ToString().find("input 19"), std::string::npos) << s.ToString();
  // Peepholes with n_output > n_cell (TFLite 2.9 reads past the cell state).
  LstmCase p = Int8Case();
  p.peephole = true;
  p.projection = true;
  p.n_output = 6;
  s = test::AllocateStatus(test::Int8Lstm(p, 1));
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  // A weight without quantization parameters.
  g = test::Int8Lstm(c, 1);
  g.tensors[g.nodes[0].inputs[2]].quant = {};
  s = test::AllocateStatus(g);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("input 2"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace vkd
