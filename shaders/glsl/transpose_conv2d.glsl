// TRANSPOSE_CONV as a gather per output pixel: output row y receives filter
// row ky from input row iy when y + PAD_TOP - ky == iy * STRIDE_Y (columns
// alike), so only the taps with ky == (y + PAD_TOP) mod STRIDE_Y contribute,
// with no scatter and no atomics. Weights are the CONV_2D layout
// [OUT_C4][KH][KW][IN_C4][4] vec4 of the [O][KH][KW][I] filter (TFLite
// indexes it unflipped); bias_data[OUT_C4]. Invocations with the same output
// block are adjacent so they share weight loads.
// Parameters: KH, KW, STRIDE_X/Y, PAD_TOP, PAD_LEFT.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  int x = gid % OUT_W;
  int p = gid / OUT_W;
  int y = p % OUT_H;
  p /= OUT_H;
  int b = p % OUT_B;
  int oc4 = p / OUT_B;
  VEC4 acc = bias_data[oc4];
  int ty = y + PAD_TOP, tx = x + PAD_LEFT;
  for (int ky = ty % STRIDE_Y; ky < KH; ky += STRIDE_Y) {
    if (ky > ty) break;  // above the input's first row, and later taps go further up
    int iy = (ty - ky) / STRIDE_Y;
    if (iy >= IN0_H) continue;
    for (int kx = tx % STRIDE_X; kx < KW; kx += STRIDE_X) {
      if (kx > tx) break;
      int ix = (tx - kx) / STRIDE_X;
      if (ix >= IN0_W) continue;
      int w = ((oc4 * KH + ky) * KW + kx) * IN0_C4 * 4;
      int i = in0_offset(b, iy, ix, 0);
      for (int ic4 = 0; ic4 < IN0_C4; ++ic4, w += 4) {
        VEC4 a = in0_data[i + ic4];
        acc += weights_data[w] * a.x + weights_data[w + 1] * a.y + weights_data[w + 2] * a.z +
               weights_data[w + 3] * a.w;
      }
    }
  }
  store_out(b, y, x, oc4, acc);
}
