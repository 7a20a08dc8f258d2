// RESHAPE/SQUEEZE that change the channel count, and FULLY_CONNECTED's
// implicit flatten: the output element at dense (unpadded) BHWC index i is
// the input element at dense index i. Padding lanes differ between the two
// layouts, so this is a lane-by-lane gather, not a byte copy.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  VEC4 v = VEC4(0);
  int base = ((b * OUT_H + y) * OUT_W + x) * OUT_C + c4 * 4;
  for (int i = 0; i < 4 && c4 * 4 + i < OUT_C; ++i) {
    int f = base + i;
    int ic = f % IN0_C;
    f /= IN0_C;
    int ix = f % IN0_W;
    f /= IN0_W;
    int iy = f % IN0_H;
    v[i] = load_in0_lane(f / IN0_H, iy, ix, ic);
  }
  store_out(b, y, x, c4, v);
}
