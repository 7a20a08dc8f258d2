// PAD / PADV2 that did not fold into a convolution: each output lane is the
// input element it lands on, or PAD_VALUE outside the input. Any BHWC
// dimension may be padded.
// Parameters: PAD_B, PAD_TOP, PAD_LEFT, PAD_C (padding before the data),
// PAD_VALUE (float).
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  int ib = b - PAD_B, iy = y - PAD_TOP, ix = x - PAD_LEFT;
  VEC4 v = VEC4(FLT(PAD_VALUE));
  if (ib >= 0 && ib < IN0_B && iy >= 0 && iy < IN0_H && ix >= 0 && ix < IN0_W) {
    int c = c4 * 4 - PAD_C;
    // A block-aligned channel offset reads whole vec4s: the input's padding
    // lanes are zero, which is right when PAD_VALUE is.
    if ((PAD_C & 3) == 0 && c >= 0 && (c + 3 < IN0_C || (PAD_VALUE == 0.0 && c < IN0_C))) {
      v = in0_data[in0_offset(ib, iy, ix, c >> 2)];
    } else {
      for (int i = 0; i < 4; ++i) {
        if (c + i >= 0 && c + i < IN0_C) v[i] = load_in0_lane(ib, iy, ix, c + i);
      }
    }
  }
  store_out(b, y, x, c4, v);
}
