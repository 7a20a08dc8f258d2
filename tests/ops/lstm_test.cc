// UNIDIRECTIONAL_SEQUENCE_LSTM (float) against TFLite 2.9's builtin kernel on
// the CPU backends, within 1e-5 (TFLite's tanh/sigmoid are Eigen's
// approximations; ours are std::tanh/exp). Forms: plain, CIFG, peephole,
// projection with and without bias, layer norm, cell and projection
// clipping, time-major and batch-major, several fused activations; each over
// several invokes in a row, so the state carried between invokes is compared
// too. The hybrid form is declined with an Unimplemented error; the integer
// form is in quantized_lstm_test.cc (the cases and sweeps both forms share:
// lstm_cases.h).
#include <gtest/gtest.h>

#include "tests/ops/lstm_cases.h"
#include "tests/ops/recurrent_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::Activation;
using test::LstmCase;

// The GPU has no LSTM kernel.
VKD_BACKEND_TEST_SUITE(UnidirectionalSequenceLstmTest, kCpuBackends);

TEST_P(UnidirectionalSequenceLstmTest, FloatBasicForms) {
  test::ExpectLstmBasicForms(*this, /*int8=*/false);
}

TEST_P(UnidirectionalSequenceLstmTest, FloatPeepholeProjectionLayerNorm) {
  test::ExpectLstmPeepholeProjectionLayerNorm(*this, /*int8=*/false);
}

TEST_P(UnidirectionalSequenceLstmTest, FloatClipsAndActivations) {
  uint32_t seed = test::ExpectLstmClips(*this, LstmCase{}, 5000);
  for (Activation act :
       {Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1, Activation::kSignBit}) {
    LstmCase a;
    a.activation = act;
    test::ExpectLstmMatches(*this, a, seed += 50);
  }
}

TEST_P(UnidirectionalSequenceLstmTest, FloatLarger) {
  test::ExpectLstmMatches(*this, test::LargerLstm(/*int8=*/false, 32, 16), 9000);
}

TEST(UnidirectionalSequenceLstmTest, DeclinesActivationNone) {
  LstmCase c;
  c.activation = Activation::kNone;
  auto runner = ModelRunner::Create(test::FloatLstm(c, 1), RunnerOptions{});
  ASSERT_TRUE(runner.ok());
  Status s = (*runner)->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
}

}  // namespace
}  // namespace vkd
