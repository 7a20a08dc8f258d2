// Depthwise 2-D convolution. Weights are [KH][KW][OUT_C4] vec4, bias
// bias_data[OUT_C4]. Each invocation computes 4 neighbouring output columns
// of one channel block: with stride 1 they share (4 + KW - 1) of the
// 4 * KW input loads per filter row, and loads, not arithmetic, bound this
// op (on lavapipe every load is a gather). Channel blocks vary fastest
// between invocations so neighbours read neighbouring memory.
// With DEPTH_MULTIPLIER 1 each output block reads the same input block
// (vectorized); otherwise output channel c reads input channel
// c / DEPTH_MULTIPLIER lane by lane.
// Parameters: KH, KW, STRIDE_X/Y, DILATION_X/Y, PAD_TOP, PAD_LEFT,
// DEPTH_MULTIPLIER. dw_load (codegen.cc) reads one input block.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  const int x_blocks = (OUT_W + 3) / 4;
  int c4 = gid % OUT_C4;
  int p = gid / OUT_C4;
  int x0 = (p % x_blocks) * 4;
  p /= x_blocks;
  int y = p % OUT_H;
  int b = p / OUT_H;
  VEC4 bias = bias_data[c4];
  VEC4 acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
  const bool shared_row = STRIDE_X == 1 && DILATION_X == 1;
  for (int ky = 0; ky < KH; ++ky) {
    int iy = y * STRIDE_Y - PAD_TOP + ky * DILATION_Y;
    if (iy < 0 || iy >= IN0_H) continue;
    int ix0 = x0 * STRIDE_X - PAD_LEFT;
    int wrow = ky * KW * OUT_C4 + c4;
    if (shared_row) {
      // Slide a window of 4 input columns along the filter row: each input
      // column is loaded once per row and feeds up to 4 outputs.
      VEC4 a0 = dw_load(b, iy, ix0, c4), a1 = dw_load(b, iy, ix0 + 1, c4);
      VEC4 a2 = dw_load(b, iy, ix0 + 2, c4);
      for (int kx = 0; kx < KW; ++kx) {
        VEC4 a3 = dw_load(b, iy, ix0 + kx + 3, c4);
        VEC4 wv = weights_data[wrow + kx * OUT_C4];
        acc0 += wv * a0;
        acc1 += wv * a1;
        acc2 += wv * a2;
        acc3 += wv * a3;
        a0 = a1;
        a1 = a2;
        a2 = a3;
      }
    } else {
      for (int kx = 0; kx < KW; ++kx) {
        VEC4 wv = weights_data[wrow + kx * OUT_C4];
        int ix = ix0 + kx * DILATION_X;
        acc0 += wv * dw_load(b, iy, ix, c4);
        acc1 += wv * dw_load(b, iy, ix + STRIDE_X, c4);
        acc2 += wv * dw_load(b, iy, ix + 2 * STRIDE_X, c4);
        acc3 += wv * dw_load(b, iy, ix + 3 * STRIDE_X, c4);
      }
    }
  }
  store_out(b, y, x0, c4, acc0);
  if (x0 + 1 < OUT_W) store_out(b, y, x0 + 1, c4, acc1);
  if (x0 + 2 < OUT_W) store_out(b, y, x0 + 2, c4, acc2);
  if (x0 + 3 < OUT_W) store_out(b, y, x0 + 3, c4, acc3);
}
