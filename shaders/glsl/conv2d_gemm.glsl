// 1x1 convolution with stride 1 and no padding, and FULLY_CONNECTED: a GEMM
// of ROWS = B*H*W pixel rows by IN_C input channels against weights laid out
// as [OUT_C4][IN_C4][4] vec4 (lane = output channel, the 4 entries = the 4
// input channels of the block).
//
// Register blocking 4 rows x 4 output channels: per input block, 4 input
// vec4 and 4 weight vec4 feed 16 vec4 FMAs. On lavapipe this measured ~3x a
// shared-memory tiled GEMM (llvmpipe runs invocations as SIMD lanes, and
// barriers serialize them), so no shared memory here. Invocations sharing an
// output block are adjacent, so their weight loads hit the same lines.
// Parameters: ROWS (= OUT_B*OUT_H*OUT_W), and bias_data[OUT_C4].
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  const int row_blocks = (ROWS + 3) / 4;
  int oc4 = gid / row_blocks;
  int r0 = (gid - oc4 * row_blocks) * 4;
  // Rows past the end read row ROWS-1 (valid memory) and are not stored.
  int r1 = min(r0 + 1, ROWS - 1), r2 = min(r0 + 2, ROWS - 1), r3 = min(r0 + 3, ROWS - 1);
  VEC4 bias = bias_data[oc4];
  VEC4 acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
  int w = oc4 * IN0_C4 * 4;
  int i0 = r0 * IN0_C4, i1 = r1 * IN0_C4, i2 = r2 * IN0_C4, i3 = r3 * IN0_C4;
  for (int ic4 = 0; ic4 < IN0_C4; ++ic4, w += 4) {
    VEC4 w0 = weights_data[w], w1 = weights_data[w + 1];
    VEC4 w2 = weights_data[w + 2], w3 = weights_data[w + 3];
    VEC4 a0 = in0_data[i0 + ic4], a1 = in0_data[i1 + ic4];
    VEC4 a2 = in0_data[i2 + ic4], a3 = in0_data[i3 + ic4];
    acc0 += w0 * a0.x + w1 * a0.y + w2 * a0.z + w3 * a0.w;
    acc1 += w0 * a1.x + w1 * a1.y + w2 * a1.z + w3 * a1.w;
    acc2 += w0 * a2.x + w1 * a2.y + w2 * a2.z + w3 * a2.w;
    acc3 += w0 * a3.x + w1 * a3.y + w2 * a3.z + w3 * a3.w;
  }
  // Row r of the output is pixel (b, y, x) in BHWC order.
  const int hw = OUT_H * OUT_W;
  VEC4 acc[4] = {acc0, acc1, acc2, acc3};
  for (int i = 0; i < 4; ++i) {
    int r = r0 + i;
    if (r >= ROWS) break;
    int b = r / hw, rem = r - b * hw;
    int y = rem / OUT_W;
    store_out(b, y, rem - y * OUT_W, oc4, acc[i]);
  }
}
