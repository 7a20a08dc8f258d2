// int16 LOGISTIC and TANH as TFLite 2.9 computes them: its fixed-point forms
// for power-of-two input scales, else its sigmoid-table interpolation.
#include "cpu_fallback/reference/quantized_activation_int16.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "cpu_fallback/fixed_point_math.h"

namespace vkd::ref {
namespace {

// sigmoid(i / 24) in unsigned 0.16 fixed point, i = 0..255: TFLite's
// sigmoid_table_uint16 (common.h). It is data, not a formula: several entries
// differ by one from round(65536 * sigmoid(i / 24)), so it is kept verbatim.
constexpr uint16_t kSigmoidTable[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794,
    41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443,
    48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169, 53581, 53983, 54374,
    54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544,
    58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279,
    61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990,
    63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030,
    64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
    64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019,
    65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234,
    65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476,
    65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498, 65500, 65501,
    65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516,
    65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529,
    65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532,
    65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65533, 65534, 65534,
    65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535};

// TFLite's CheckedLog2: whether x is within 1e-3 (in log2) of a power of two.
bool CheckedLog2(float x, int* log2_result) {
  const double log2_x = std::log(static_cast<double>(x)) / std::log(2.0);
  const double rounded = std::round(log2_x);
  *log2_result = static_cast<int>(rounded);
  return std::fabs(log2_x - rounded) < 1e-3;
}

}  // namespace

Status MakeInt16ActivationParams(bool tanh, const cpu::QuantParams& in, const cpu::QuantParams& out,
                                 Int16ActivationParams* p) {
  constexpr int kInputIntegerBits = 3;
  if (in.zero_point != 0) {
    return InvalidArgumentError("input 0: int16 zero point " + std::to_string(in.zero_point) +
                                " (must be 0)");
  }
  if (out.zero_point != 0) {
    return InvalidArgumentError("output 0: int16 zero point " + std::to_string(out.zero_point) +
                                " (must be 0)");
  }
  int out_log2 = 0;
  if (!CheckedLog2(out.scale, &out_log2) || out_log2 != -15) {
    return InvalidArgumentError("output 0: int16 scale " + std::to_string(out.scale) +
                                " (must be 1/32768)");
  }
  int in_log2 = 0;
  bool pot = CheckedLog2(in.scale, &in_log2);
  p->input_left_shift = (15 - kInputIntegerBits) + in_log2;
  pot = pot && (p->input_left_shift == 0 || (tanh && p->input_left_shift == 1));
  p->input_multiplier = 0;
  if (!pot) {
    // Scale the input to 1 / (3 * 4096): the table spans [-10.7, 10.7], not
    // [-8, 8]. The multiplier is doubled up to above 2^14, the shift counting
    // the doublings, and truncated (as TFLite's static_cast).
    double multiplier = static_cast<double>(in.scale) * 4096.0 * 3.0;
    p->input_left_shift = 0;
    while (multiplier <= 32767.0 / 2.0 && p->input_left_shift <= 30) {
      ++p->input_left_shift;
      multiplier *= 2.0;
    }
    p->input_multiplier = static_cast<int32_t>(multiplier);
  }
  return Status::Ok();
}

namespace {

// The table path LOGISTIC and TANH share (TFLite's int16 kernels): x = in *
// input_multiplier, rounding right shift by input_left_shift; the sigmoid
// table is read at |x| >> kStepBits and interpolated linearly over the low
// kStepBits bits (`saturated` past its end); out = finish(x, that value).
template <int kStepBits, typename Finish>
void SigmoidTableActivation(const Int16ActivationParams& p, const int16_t* in, int16_t* out,
                            int64_t n, uint32_t saturated, Finish finish) {
  const int shift = p.input_left_shift;
  const int32_t round = shift > 0 ? 1 << (shift - 1) : 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = (static_cast<int32_t>(in[i]) * p.input_multiplier + round) >> shift;
    const uint32_t abs_x = static_cast<uint32_t>(std::abs(x));
    const uint32_t step = abs_x >> kStepBits;
    uint32_t r = saturated;
    if (step < 255) {
      const uint32_t a = kSigmoidTable[step], b = kSigmoidTable[step + 1];
      // Unsigned wrap when b < a cannot happen.
      r = (a << kStepBits) + (abs_x & ((1u << kStepBits) - 1)) * (b - a);
    }
    out[i] = finish(x, r);
  }
}

}  // namespace

void LogisticInt16(const Int16ActivationParams& p, const int16_t* in, int16_t* out, int64_t n) {
  if (p.input_multiplier == 0) {
    using F3 = fixed::Fx<int16_t, 3>;
    for (int64_t i = 0; i < n; ++i) out[i] = fixed::Logistic(F3::Raw(in[i])).raw;
    return;
  }
  // x in units of 1 / (3 * 4096) / 2^... : 2^9 of them per table step; r is
  // sigmoid(|x|) in 0.16 with 9 more fractional bits.
  SigmoidTableActivation<9>(p, in, out, n, 0x7FFFu << 10, [](int32_t x, uint32_t r) {
    // sigmoid(-x) = 1 - sigmoid(x); round, then drop to 0.15.
    r = x >= 0 ? r + (1u << 9) : (1u << (16 + 9)) - r + (1u << 9) - 1;
    return static_cast<int16_t>(r >> 10);
  });
}

void TanhInt16(const Int16ActivationParams& p, const int16_t* in, int16_t* out, int64_t n) {
  if (p.input_multiplier == 0) {
    using F3 = fixed::Fx<int16_t, 3>;
    for (int64_t i = 0; i < n; ++i) {
      const int16_t x = p.input_left_shift == 1 ? fixed::MulByPot<1>(in[i]) : in[i];
      out[i] = fixed::Tanh(F3::Raw(x)).raw;
    }
    return;
  }
  // As LOGISTIC, but the table step is 2^8 units: the table is read at 2x.
  SigmoidTableActivation<8>(p, in, out, n, 0xFFFFu << 8, [](int32_t x, uint32_t table) {
    const int32_t r = static_cast<int32_t>(table);
    // tanh = 2 sigmoid - 1, with rounding, back to 0.15.
    const int32_t t =
        x >= 0 ? r - (1 << (14 + 9)) + (1 << (9 - 2)) : -r + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    return static_cast<int16_t>(t >> (9 - 1));
  });
}

}  // namespace vkd::ref
