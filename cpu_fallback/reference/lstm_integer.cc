#include "cpu_fallback/reference/lstm_integer.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "cpu_fallback/fixed_point_math.h"
#include "cpu_fallback/reference/lstm.h"

namespace vkd::cpu::ref {

namespace {

int32_t Clamp(int32_t v, int32_t lo, int32_t hi) { return std::max(lo, std::min(hi, v)); }

// out[b, r] = sat(out[b, r] + rq(bias[r] + W[r, :] . v[b, :]) + out_zp): TFLite
// saturates after each accumulated product, so the input and recurrent
// contributions saturate one after the other.
template <typename T>
void MatVecAccumulate(const int8_t* v, const int32_t* bias, const int8_t* w,
                      const QuantizedMultiplier& scale, int batches, int cols, int rows,
                      int32_t out_zp, T* out) {
  for (int b = 0; b < batches; ++b) {
    for (int r = 0; r < rows; ++r) {
      int32_t acc = bias[r];
      const int8_t* row = w + static_cast<int64_t>(r) * cols;
      const int8_t* vec = v + static_cast<int64_t>(b) * cols;
      for (int c = 0; c < cols; ++c) acc += static_cast<int32_t>(vec[c]) * row[c];
      T& o = out[static_cast<int64_t>(b) * rows + r];
      acc = scale.Apply(acc) + out_zp + o;
      o = static_cast<T>(Clamp(acc, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    }
  }
}

// TFLite's GetInvSqrtQuantizedMultiplierExp (reverse_shift -1): 1/sqrt(x) as
// a Q31 multiplier and a (left) shift, by Newton-Raphson in 3 integer bits.
void InvSqrtMultiplier(int32_t x, int32_t* multiplier, int* shift) {
  if (x <= 1) {
    *multiplier = std::numeric_limits<int32_t>::max();
    *shift = 0;
    return;
  }
  int right_shift = 11;
  while (x >= (1 << 29)) {
    x /= 4;
    ++right_shift;
  }
  const int leading_zeros = __builtin_clz(static_cast<uint32_t>(x));
  const unsigned pairs = (static_cast<unsigned>(leading_zeros) - 1) / 2 - 1;
  right_shift -= static_cast<int>(pairs);
  x <<= 2 * pairs;  // now in [2^27, 2^29)
  using F3 = fixed::Fx<int32_t, 3>;
  using F0 = fixed::Fx<int32_t, 0>;
  const F3 input{x >> 1};
  const F3 half_input{fixed::MulByPot<-1>(input.raw)};
  const F3 three_halves = F3::Constant((1 << 28) + (1 << 27));
  F3 r = F3::One();
  for (int i = 0; i < 5; ++i) {
    const F3 r3 = fixed::Rescale<3>(r * r * r);
    r = fixed::Rescale<3>(three_halves * r - half_input * r3);
  }
  r = r * F0::Constant(1518500250);  // sqrt(2) / 2
  *multiplier = r.raw;
  if (right_shift < 0) {
    *multiplier <<= -right_shift;
    right_shift = 0;
  }
  *shift = -right_shift;
}

// TFLite's integer ApplyLayerNorm, in place on `gate` [batches, n]: the row
// normalized in 10 extra fractional bits, times the coefficients plus the
// gate bias, rescaled to Q3.12.
void LayerNorm(int16_t* gate, const int16_t* weights, const int32_t* bias,
               const QuantizedMultiplier& scale, int32_t variance_guard, int batches, int n) {
  constexpr int kTwoToPower20 = 1 << 20;
  for (int b = 0; b < batches; ++b) {
    int16_t* row = gate + static_cast<int64_t>(b) * n;
    int64_t sum = 0, sum_sq = 0;
    for (int j = 0; j < n; ++j) {
      const int32_t v = row[j];
      sum += v;
      sum_sq += v * v;
    }
    const int32_t mean = static_cast<int32_t>(sum * 1024 / n);
    // kTwoToPower20 / n truncates for n not a power of two: kept, it is
    // TFLite's arithmetic.
    const int32_t temp = kTwoToPower20 / n;
    const int64_t variance = sum_sq * temp - static_cast<int64_t>(mean) * mean;
    int32_t variance2 = static_cast<int32_t>(variance / kTwoToPower20);
    if (variance2 < 1) variance2 = variance_guard;
    int32_t inv_multiplier;
    int inv_shift;
    InvSqrtMultiplier(variance2, &inv_multiplier, &inv_shift);
    for (int j = 0; j < n; ++j) {
      const int32_t shifted = 1024 * static_cast<int32_t>(row[j]) - mean;
      const int32_t rescaled = MultiplyByQuantizedMultiplier(shifted, inv_multiplier, inv_shift);
      // TFLite multiplies and adds in int32 (wrapping) before widening.
      const int32_t product =
          static_cast<int32_t>(static_cast<uint32_t>(rescaled) * static_cast<uint32_t>(weights[j]));
      const int64_t val3 =
          static_cast<int32_t>(static_cast<uint32_t>(product) + static_cast<uint32_t>(bias[j]));
      const int32_t val4 = static_cast<int32_t>((val3 > 0 ? val3 + 512 : val3 - 512) / 1024);
      const int32_t val5 = MultiplyByQuantizedMultiplier(val4, scale.multiplier, scale.shift + 12);
      row[j] = static_cast<int16_t>(Clamp(val5, -32768, 32767));
    }
  }
}

template <int kIntegerBits>
void TanhQ(const int16_t* in, int64_t count, int16_t* out) {
  for (int64_t i = 0; i < count; ++i) {
    out[i] = fixed::Tanh(fixed::Fx<int16_t, kIntegerBits>{in[i]}).raw;
  }
}

// tanh of int16 values with `integer_bits` integer bits, to Q0.15.
void Tanh(int integer_bits, const int16_t* in, int64_t count, int16_t* out) {
  switch (integer_bits) {
    case 0:
      return TanhQ<0>(in, count, out);
    case 1:
      return TanhQ<1>(in, count, out);
    case 2:
      return TanhQ<2>(in, count, out);
    case 3:
      return TanhQ<3>(in, count, out);
    case 4:
      return TanhQ<4>(in, count, out);
    case 5:
      return TanhQ<5>(in, count, out);
    case 6:
      return TanhQ<6>(in, count, out);
    default:
      return;  // Prepare rules these out
  }
}

// (a * b) >> shift, rounded, truncated to int16 without saturation (TFLite's CwiseMul).
void MulShift(const int16_t* a, const int16_t* b, int64_t count, int shift, int16_t* out) {
  for (int64_t i = 0; i < count; ++i) {
    out[i] = static_cast<int16_t>(RoundingDivideByPOT(static_cast<int32_t>(a[i]) * b[i], shift));
  }
}

struct Step {
  const LstmIntegerParams& p;
  int batches;
  int16_t* gates[4];
  int16_t* tanh_scratch;  // aliases the input gate: free once the cell is updated
  int8_t* hidden;

  void Gate(int g, const int8_t* x, const int8_t* h, const int16_t* c) const {
    const int n = p.n_cell;
    int16_t* gate = gates[g];
    std::fill_n(gate, static_cast<int64_t>(batches) * n, int16_t{0});
    MatVecAccumulate(x, p.input_effective_bias[g], p.input_weights[g], p.input_scale[g], batches,
                     p.n_input, n, 0, gate);
    MatVecAccumulate(h, p.recurrent_effective_bias[g], p.recurrent_weights[g], p.recurrent_scale[g],
                     batches, p.n_output, n, 0, gate);
    if (p.peephole[g]) {
      // TFLite 2.9 passes n_output, not n_cell, as the peephole length
      // (VectorBatchVectorCwiseProductAccumulate): it walks the first
      // batches * n_output elements of the step's cell state and gate with
      // weight index (i mod n_output). Identical when n_output == n_cell;
      // Prepare declines n_output > n_cell, which reads out of bounds there.
      const int len = p.n_output;
      for (int b = 0; b < batches; ++b) {
        for (int v = 0; v < len; ++v) {
          const int64_t i = static_cast<int64_t>(b) * len + v;
          const int32_t prod =
              p.peephole_scale[g].Apply(static_cast<int32_t>(p.peephole[g][v]) * c[i]);
          gate[i] = static_cast<int16_t>(Clamp(prod + gate[i], -32768, 32767));
        }
      }
    }
    if (p.layer_norm[g]) {
      LayerNorm(gate, p.layer_norm[g], p.layer_norm_bias[g], p.layer_norm_scale[g],
                p.variance_guard[g], batches, n);
    }
    const int64_t count = static_cast<int64_t>(batches) * n;
    if (g == kGateCell) {
      Tanh(3, gate, count, gate);
    } else {
      for (int64_t i = 0; i < count; ++i) {
        gate[i] = fixed::Logistic(fixed::Fx<int16_t, 3>{gate[i]}).raw;
      }
    }
  }

  // One time step for `batches` rows: x [batches, n_input], h [batches,
  // n_output] and c [batches, n_cell] updated in place, out gets h.
  void Run(const int8_t* x, int8_t* h, int16_t* c, int8_t* out) const {
    const bool cifg = p.input_weights[kGateInput] == nullptr;
    const int64_t cells = static_cast<int64_t>(batches) * p.n_cell;
    if (!cifg) Gate(kGateInput, x, h, c);
    Gate(kGateForget, x, h, c);
    Gate(kGateCell, x, h, c);
    // Cell update. The forget gate's buffer doubles as scratch.
    int16_t* forget = gates[kGateForget];
    MulShift(forget, c, cells, 15, c);
    if (cifg) {
      for (int64_t i = 0; i < cells; ++i) forget[i] = static_cast<int16_t>(32767 - forget[i]);
      MulShift(forget, gates[kGateCell], cells, 30 + p.cell_log2_scale, forget);
    } else {
      MulShift(gates[kGateInput], gates[kGateCell], cells, 30 + p.cell_log2_scale, forget);
    }
    for (int64_t i = 0; i < cells; ++i) {
      c[i] = static_cast<int16_t>(Clamp(static_cast<int32_t>(c[i]) + forget[i], -32768, 32767));
    }
    if (p.cell_clip > 0) {
      for (int64_t i = 0; i < cells; ++i) {
        c[i] = static_cast<int16_t>(Clamp(c[i], -p.cell_clip, p.cell_clip));
      }
    }
    Gate(kGateOutput, x, h, c);
    // Hidden: output gate * tanh(c), into int8 with the hidden scale. TFLite
    // subtracts the hidden zero point here and adds hidden_zp * row sums in
    // the projection bias.
    Tanh(15 + p.cell_log2_scale, c, cells, tanh_scratch);
    const int16_t* o = gates[kGateOutput];
    for (int64_t i = 0; i < cells; ++i) {
      int32_t v = p.hidden_scale.Apply(static_cast<int32_t>(o[i]) * tanh_scratch[i]);
      v -= p.hidden_zero_point;
      hidden[i] = static_cast<int8_t>(Clamp(v, -128, 127));
    }
    const int64_t outs = static_cast<int64_t>(batches) * p.n_output;
    if (p.projection_weights) {
      std::fill_n(h, outs, int8_t{0});
      MatVecAccumulate(hidden, p.projection_effective_bias, p.projection_weights,
                       p.projection_scale, batches, p.n_cell, p.n_output, p.output_state_zero_point,
                       h);
      if (p.proj_clip > 0) {
        for (int64_t i = 0; i < outs; ++i) {
          h[i] = static_cast<int8_t>(Clamp(h[i], -p.proj_clip, p.proj_clip));
        }
      }
    } else {
      std::copy_n(hidden, outs, h);
    }
    std::copy_n(h, outs, out);
  }
};

}  // namespace

int64_t LstmIntegerScratch16(const LstmIntegerParams& p) {
  return 4 * static_cast<int64_t>(p.batches) * p.n_cell;
}
int64_t LstmIntegerScratch8(const LstmIntegerParams& p) {
  return static_cast<int64_t>(p.batches) * p.n_cell;
}

void LstmInteger(const LstmIntegerParams& p, const int8_t* input, int8_t* output_state,
                 int16_t* cell_state, int8_t* output, int16_t* scratch16, int8_t* scratch8) {
  const int64_t cells = static_cast<int64_t>(p.batches) * p.n_cell;
  auto make_step = [&](int batches) {
    Step s{p, batches, {}, nullptr, scratch8};
    for (int g = 0; g < 4; ++g) s.gates[g] = scratch16 + g * cells;
    s.tanh_scratch = s.gates[kGateInput];
    return s;
  };
  if (p.time_major) {
    // All batch rows advance together, one step per time index.
    const Step step = make_step(p.batches);
    for (int t = 0; t < p.max_time; ++t) {
      step.Run(input + static_cast<int64_t>(t) * p.batches * p.n_input, output_state, cell_state,
               output + static_cast<int64_t>(t) * p.batches * p.n_output);
    }
  } else {
    // Batch-major: TFLite runs each batch row's whole sequence as a batch of one.
    const Step step = make_step(1);
    for (int b = 0; b < p.batches; ++b) {
      for (int t = 0; t < p.max_time; ++t) {
        const int64_t row = static_cast<int64_t>(b) * p.max_time + t;
        step.Run(input + row * p.n_input, output_state + static_cast<int64_t>(b) * p.n_output,
                 cell_state + static_cast<int64_t>(b) * p.n_cell, output + row * p.n_output);
      }
    }
  }
}

}  // namespace vkd::cpu::ref
