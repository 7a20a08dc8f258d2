// gemmlowp's fixed-point transcendental functions (exp on negative values,
// tanh, logistic) for scalar int16 and int32 raw values, as TFLite 2.9 runs
// them for int16 LOGISTIC/TANH with power-of-two scales and in the integer
// LSTM. The arithmetic must stay bit-identical to gemmlowp's: the polynomial,
// the Newton-Raphson steps and every rounding step below follow its order.
//
// A value FixedPoint<R, I> holds raw / 2^(bits(R) - 1 - I), so I integer bits
// (sign excluded): the range is [-2^I, 2^I).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace vkd::fixed {

template <typename R>
constexpr int kBits = 8 * static_cast<int>(sizeof(R));

// (a * b) / 2^(bits - 1), rounded half away from zero, -1 * -1 saturated.
inline int16_t DoublingHighMul(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return 32767;
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));  // truncating division on purpose
}
inline int32_t DoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * b;
  const int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// Rounding arithmetic right shift, ties away from zero.
template <typename R>
inline R RoundingShiftRight(R x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = static_cast<int32_t>(x) & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<R>((static_cast<int32_t>(x) >> exponent) + (remainder > threshold ? 1 : 0));
}

// x * 2^exponent: saturating when exponent > 0, rounding when < 0.
template <int kExponent, typename R>
inline R MulByPot(R x) {
  if constexpr (kExponent > 0) {
    constexpr int32_t threshold = (1 << (kBits<R> - 1 - kExponent)) - 1;
    if (x > threshold) return std::numeric_limits<R>::max();
    if (x < -threshold) return std::numeric_limits<R>::min();
    return static_cast<R>(static_cast<int32_t>(x) * (1 << kExponent));
  } else if constexpr (kExponent < 0) {
    return RoundingShiftRight(x, -kExponent);
  } else {
    return x;
  }
}

// Wrapping add/sub in R (gemmlowp's plain Add/Sub on scalars).
template <typename R>
inline R WrapAdd(R a, R b) {
  return static_cast<R>(static_cast<std::make_unsigned_t<R>>(a) +
                        static_cast<std::make_unsigned_t<R>>(b));
}
template <typename R>
inline R WrapSub(R a, R b) {
  return static_cast<R>(static_cast<std::make_unsigned_t<R>>(a) -
                        static_cast<std::make_unsigned_t<R>>(b));
}
// 16-bit adds saturate where gemmlowp's AddSaturatingIf16Bit does.
template <typename R>
inline R AddSaturatingIf16(R a, R b) {
  if constexpr (sizeof(R) == 2) {
    const int32_t s = static_cast<int32_t>(a) + b;
    return static_cast<R>(s > 32767 ? 32767 : (s < -32768 ? -32768 : s));
  } else {
    return WrapAdd(a, b);
  }
}
template <typename R>
inline R RoundingHalfSum(R a, R b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<R>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

template <typename R, int I>
struct Fx {
  static constexpr int kFrac = kBits<R> - 1 - I;
  R raw;
  static Fx Raw(R r) { return Fx{r}; }
  static Fx One() {
    return Fx{I == 0 ? std::numeric_limits<R>::max()
                     : static_cast<R>(R{1} << (I == 0 ? 0 : kFrac))};
  }
  template <int kExp>
  static Fx Pot() {
    return Fx{static_cast<R>(R{1} << (kFrac + kExp))};
  }
  // A constant given as an int32 raw value of 32-bit precision, rounded to R
  // (gemmlowp's RescaleConstantInitializer).
  static Fx Constant(int32_t raw32) {
    return Fx{static_cast<R>(RoundingShiftRight<int32_t>(raw32, 32 - kBits<R>))};
  }
};

template <typename R, int A, int B>
inline Fx<R, A + B> operator*(Fx<R, A> a, Fx<R, B> b) {
  return Fx<R, A + B>{DoublingHighMul(a.raw, b.raw)};
}
template <typename R, int I>
inline Fx<R, I> operator+(Fx<R, I> a, Fx<R, I> b) {
  return Fx<R, I>{WrapAdd(a.raw, b.raw)};
}
template <typename R, int I>
inline Fx<R, I> operator-(Fx<R, I> a, Fx<R, I> b) {
  return Fx<R, I>{WrapSub(a.raw, b.raw)};
}
template <typename R, int I>
inline Fx<R, I> operator-(Fx<R, I> a) {
  return Fx<R, I>{WrapSub(R{0}, a.raw)};
}
// Changes the integer bits, the value kept (saturating or rounding).
template <int kDst, typename R, int kSrc>
inline Fx<R, kDst> Rescale(Fx<R, kSrc> x) {
  return Fx<R, kDst>{MulByPot<kSrc - kDst>(x.raw)};
}
// Same raw value, the value times 2^kExp.
template <int kExp, typename R, int I>
inline Fx<R, I + kExp> ExactMulByPot(Fx<R, I> a) {
  return Fx<R, I + kExp>{a.raw};
}

// exp(a) for a in [-1/4, 0): Taylor expansion around -1/8.
template <typename R>
inline Fx<R, 0> ExpOnQuarterInterval(Fx<R, 0> a) {
  using F = Fx<R, 0>;
  const F exp_minus_one_eighth = F::Constant(1895147668);
  const F one_third = F::Constant(715827883);
  const F x = a + F::template Pot<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = F{MulByPot<-2>(x4.raw)};
  const F poly = F{MulByPot<-1>((((x4_over_4 + x3) * one_third) + x2).raw)};
  return F{AddSaturatingIf16(exp_minus_one_eighth.raw, (exp_minus_one_eighth * (x + poly)).raw)};
}

// exp(a) for a <= 0: the fractional quarter by polynomial, each set bit of
// the rest by a constant factor exp(-2^k).
template <typename R, int I>
inline Fx<R, 0> ExpOnNegativeValues(Fx<R, I> a) {
  using InF = Fx<R, I>;
  using OutF = Fx<R, 0>;
  constexpr int kFrac = InF::kFrac;
  const InF quarter = InF::template Pot<-2>();
  const InF mask = quarter - InF{1};
  const InF a_mod_quarter_minus_quarter = InF{static_cast<R>(a.raw & mask.raw)} - quarter;
  OutF result = ExpOnQuarterInterval(Rescale<0>(a_mod_quarter_minus_quarter));
  const R remainder = (a_mod_quarter_minus_quarter - a).raw;
  auto barrel = [&](auto exponent_tag, int32_t multiplier32) {
    constexpr int kExp = decltype(exponent_tag)::value;
    if constexpr (I > kExp) {
      constexpr int kShift = kFrac + kExp;
      if (static_cast<int32_t>(remainder) & (1 << kShift)) {
        result = result * OutF::Constant(multiplier32);
      }
    }
  };
  barrel(std::integral_constant<int, -2>{}, 1672461947);
  barrel(std::integral_constant<int, -1>{}, 1302514674);
  barrel(std::integral_constant<int, 0>{}, 790015084);
  barrel(std::integral_constant<int, 1>{}, 290630308);
  barrel(std::integral_constant<int, 2>{}, 39332535);
  barrel(std::integral_constant<int, 3>{}, 720401);
  barrel(std::integral_constant<int, 4>{}, 242);
  if constexpr (I > 5) {
    const InF clamp = InF::Constant(-(1 << (36 - I)));  // -32
    if (a.raw < clamp.raw) result = OutF{0};
  }
  if (a.raw == 0) result = OutF::One();
  return result;
}

// 1 / (1 + a) for a in [0, 1], by three Newton-Raphson steps from 48/17 -
// 32/17 * d (d = (1 + a) / 2), in 2 integer bits; MinusOne gives
// (1 - a) / (1 + a) instead.
template <typename R, bool kMinusOne>
inline Fx<R, 0> NewtonReciprocal(Fx<R, 0> a) {
  using F0 = Fx<R, 0>;
  using F2 = Fx<R, 2>;
  const F0 half_denominator{RoundingHalfSum(a.raw, F0::One().raw)};
  const F2 c48_17 = F2::Constant(1515870810);
  const F2 c_neg32_17 = F2::Constant(-1010580540);
  F2 x = c48_17 + half_denominator * c_neg32_17;
  for (int i = 0; i < 3; ++i) {
    const F2 one_minus_dx = F2::One() - half_denominator * x;
    x = x + Rescale<2>(x * one_minus_dx);
  }
  if constexpr (kMinusOne) {
    return Rescale<0>(x - F2::One());
  } else {
    return Rescale<0>(ExactMulByPot<-1>(x));
  }
}

template <typename R, int I>
inline Fx<R, 0> Tanh(Fx<R, I> a) {
  using InF = Fx<R, I>;
  const bool negative = a.raw < 0;
  const InF n = negative ? a : -a;  // -|a|
  const Fx<R, 0> t = NewtonReciprocal<R, true>(ExpOnNegativeValues(ExactMulByPot<1>(n)));
  if (a.raw == 0) return Fx<R, 0>{0};
  return negative ? -t : t;
}

template <typename R, int I>
inline Fx<R, 0> Logistic(Fx<R, I> a) {
  using InF = Fx<R, I>;
  const bool positive = a.raw > 0;
  const InF abs_a = positive ? a : -a;
  const Fx<R, 0> if_positive = NewtonReciprocal<R, false>(ExpOnNegativeValues(-abs_a));
  if (a.raw == 0) return Fx<R, 0>::Constant(1 << 30);
  return positive ? if_positive : Fx<R, 0>::One() - if_positive;
}

}  // namespace vkd::fixed
