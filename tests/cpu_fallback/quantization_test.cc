// The fixed-point primitives of cpu_fallback/quantization.h on values worked
// out by hand from gemmlowp's definitions (the op sweeps check them against
// TFLite end to end).
#include "cpu_fallback/quantization.h"

#include <gtest/gtest.h>

#include <limits>

namespace vkd::cpu {
namespace {

TEST(QuantizationTest, RoundingDivideByPOTRoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(RoundingDivideByPOT(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(RoundingDivideByPOT(-6, 2), -2);  // -1.5 -> -2
  EXPECT_EQ(RoundingDivideByPOT(-5, 2), -1);  // -1.25 -> -1
  EXPECT_EQ(RoundingDivideByPOT(9, 0), 9);
}

TEST(QuantizationTest, SaturatingRoundingDoublingHighMul) {
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMin, kMin), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);  // 0.5 * 0.5
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(3, 1 << 30), 2);              // 1.5 rounds up
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-3, 1 << 30), -1);  // -1.5 truncates toward 0
}

TEST(QuantizationTest, QuantizeMultiplier) {
  QuantizedMultiplier half = QuantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  QuantizedMultiplier three = QuantizeMultiplier(3.0);
  EXPECT_EQ(three.multiplier, 3 << 29);
  EXPECT_EQ(three.shift, 2);
  EXPECT_EQ(QuantizeMultiplier(0.0).multiplier, 0);
  EXPECT_EQ(QuantizeMultiplier(1e-12).multiplier, 0);  // below 2^-31: flushed to zero
  // Mantissas that round up to 1.0 renormalize.
  QuantizedMultiplier almost_one = QuantizeMultiplier(1.0 - 1e-12);
  EXPECT_EQ(almost_one.multiplier, 1 << 30);
  EXPECT_EQ(almost_one.shift, 1);
}

TEST(QuantizationTest, MultiplyByQuantizedMultiplier) {
  EXPECT_EQ(QuantizeMultiplier(0.5).Apply(101), 51);   // 50.5 -> 51
  // The high multiply rounds a negative half toward zero: -50.5 -> -50.
  EXPECT_EQ(QuantizeMultiplier(0.5).Apply(-101), -50);
  EXPECT_EQ(QuantizeMultiplier(3.0).Apply(7), 21);
  EXPECT_EQ(QuantizeMultiplier(0.25).Apply(1000), 250);
  const QuantizedMultiplier q = QuantizeMultiplier(0.0123);
  EXPECT_EQ(MultiplyByQuantizedMultiplier64(10000, q.multiplier, q.shift), 123);
}

TEST(QuantizationTest, ActivationRange) {
  int32_t lo = 0, hi = 0;
  GetQuantizedActivationRange(ir::Activation::kRelu6, ir::DataType::kUInt8, {0.05f, 10}, &lo,
                              &hi);
  EXPECT_EQ(lo, 10);
  EXPECT_EQ(hi, 130);
  GetQuantizedActivationRange(ir::Activation::kRelu6, ir::DataType::kInt8, {0.01f, -128}, &lo,
                              &hi);
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, 127);  // 6.0 is past the range
  GetQuantizedActivationRange(ir::Activation::kTanh, ir::DataType::kInt8, {0.1f, 3}, &lo, &hi);
  EXPECT_EQ(lo, -128);
  EXPECT_EQ(hi, 127);
}

}  // namespace
}  // namespace vkd::cpu
