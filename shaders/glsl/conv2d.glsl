// General 2-D convolution (any kernel size, stride, dilation, padding; PAD
// ops folded in arrive as larger PAD_TOP/PAD_LEFT). Weights are laid out as
// [OUT_C4][KH][KW][IN_C4][4] vec4 (lane = output channel, the 4 entries =
// the input channels of the block); bias_data[OUT_C4].
//
// Each invocation computes 4 neighbouring output columns of one output
// channel block (4x4 register blocking, as conv2d_gemm); invocations with the
// same output block are adjacent so they share weight loads.
// Parameters: KH, KW, STRIDE_X/Y, DILATION_X/Y, PAD_TOP, PAD_LEFT.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  const int x_blocks = (OUT_W + 3) / 4;
  int xb = gid % x_blocks;
  int p = gid / x_blocks;
  int y = p % OUT_H;
  p /= OUT_H;
  int b = p % OUT_B;
  int oc4 = p / OUT_B;
  int ox = xb * 4;
  VEC4 bias = bias_data[oc4];
  VEC4 acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
  for (int ky = 0; ky < KH; ++ky) {
    int iy = y * STRIDE_Y - PAD_TOP + ky * DILATION_Y;
    if (iy < 0 || iy >= IN0_H) continue;
    for (int kx = 0; kx < KW; ++kx) {
      int ix0 = ox * STRIDE_X - PAD_LEFT + kx * DILATION_X;
      int ix1 = ix0 + STRIDE_X, ix2 = ix1 + STRIDE_X, ix3 = ix2 + STRIDE_X;
      bool v0 = ix0 >= 0 && ix0 < IN0_W, v1 = ix1 >= 0 && ix1 < IN0_W;
      bool v2 = ix2 >= 0 && ix2 < IN0_W, v3 = ix3 >= 0 && ix3 < IN0_W;
      // Out-of-range columns read column 0 of the row (valid memory) and
      // are zeroed, which keeps the loads unconditional.
      int row = (b * IN0_H + iy) * IN0_W;
      int i0 = (row + (v0 ? ix0 : 0)) * IN0_C4, i1 = (row + (v1 ? ix1 : 0)) * IN0_C4;
      int i2 = (row + (v2 ? ix2 : 0)) * IN0_C4, i3 = (row + (v3 ? ix3 : 0)) * IN0_C4;
      FLT m0 = v0 ? FLT(1) : FLT(0), m1 = v1 ? FLT(1) : FLT(0);
      FLT m2 = v2 ? FLT(1) : FLT(0), m3 = v3 ? FLT(1) : FLT(0);
      int w = ((oc4 * KH + ky) * KW + kx) * IN0_C4 * 4;
      for (int ic4 = 0; ic4 < IN0_C4; ++ic4, w += 4) {
        VEC4 w0 = weights_data[w], w1 = weights_data[w + 1];
        VEC4 w2 = weights_data[w + 2], w3 = weights_data[w + 3];
        VEC4 a0 = in0_data[i0 + ic4] * m0, a1 = in0_data[i1 + ic4] * m1;
        VEC4 a2 = in0_data[i2 + ic4] * m2, a3 = in0_data[i3 + ic4] * m3;
        acc0 += w0 * a0.x + w1 * a0.y + w2 * a0.z + w3 * a0.w;
        acc1 += w0 * a1.x + w1 * a1.y + w2 * a1.z + w3 * a1.w;
        acc2 += w0 * a2.x + w1 * a2.y + w2 * a2.z + w3 * a2.w;
        acc3 += w0 * a3.x + w1 * a3.y + w2 * a3.z + w3 * a3.w;
      }
    }
  }
  store_out(b, y, ox, oc4, acc0);
  if (ox + 1 < OUT_W) store_out(b, y, ox + 1, oc4, acc1);
  if (ox + 2 < OUT_W) store_out(b, y, ox + 2, oc4, acc2);
  if (ox + 3 < OUT_W) store_out(b, y, ox + 3, oc4, acc3);
}
