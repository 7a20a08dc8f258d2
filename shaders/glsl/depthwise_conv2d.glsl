// Depthwise 2-D convolution. Weights are [KH][KW][OUT_C4] vec4, bias
// bias_data[OUT_C4]. With DEPTH_MULTIPLIER 1 each output block reads the
// same input block (vectorized); otherwise output channel c reads input
// channel c / DEPTH_MULTIPLIER lane by lane.
// Parameters: KH, KW, STRIDE_X/Y, DILATION_X/Y, PAD_TOP, PAD_LEFT,
// DEPTH_MULTIPLIER.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  int c4 = gid % OUT_C4;
  int p = gid / OUT_C4;
  int x = p % OUT_W;
  p /= OUT_W;
  int y = p % OUT_H;
  int b = p / OUT_H;
  VEC4 acc = bias_data[c4];
  for (int ky = 0; ky < KH; ++ky) {
    int iy = y * STRIDE_Y - PAD_TOP + ky * DILATION_Y;
    if (iy < 0 || iy >= IN0_H) continue;
    for (int kx = 0; kx < KW; ++kx) {
      int ix = x * STRIDE_X - PAD_LEFT + kx * DILATION_X;
      if (ix < 0 || ix >= IN0_W) continue;
      VEC4 wv = weights_data[(ky * KW + kx) * OUT_C4 + c4];
      VEC4 a;
      if (DEPTH_MULTIPLIER == 1) {
        a = in0_data[in0_offset(b, iy, ix, c4)];
      } else {
        int c = c4 * 4;
        a = VEC4(load_in0_lane(b, iy, ix, min(c / DEPTH_MULTIPLIER, IN0_C - 1)),
                 load_in0_lane(b, iy, ix, min((c + 1) / DEPTH_MULTIPLIER, IN0_C - 1)),
                 load_in0_lane(b, iy, ix, min((c + 2) / DEPTH_MULTIPLIER, IN0_C - 1)),
                 load_in0_lane(b, iy, ix, min((c + 3) / DEPTH_MULTIPLIER, IN0_C - 1)));
      }
      acc += wv * a;
    }
  }
  store_out(b, y, x, c4, acc);
}
