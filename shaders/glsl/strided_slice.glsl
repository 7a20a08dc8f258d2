// STRIDED_SLICE with begin/end resolved on the host (ref::ResolveStridedSlice):
// output index i along each BHWC axis reads input index START_* + i * STRIDE_*
// (negative strides walk backwards).
// Parameters: START_B, START_H, START_W, START_C, STRIDE_B, STRIDE_H,
// STRIDE_W, STRIDE_C.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  int ib = START_B + b * STRIDE_B, iy = START_H + y * STRIDE_H, ix = START_W + x * STRIDE_W;
  int c = START_C + c4 * 4 * STRIDE_C;
  VEC4 v;
  if (STRIDE_C == 1 && (START_C & 3) == 0) {
    // Lanes past the slice's end are masked by store_out.
    v = in0_data[in0_offset(ib, iy, ix, c >> 2)];
  } else {
    v = VEC4(0);
    for (int i = 0; i < 4 && c4 * 4 + i < OUT_C; ++i) {
      v[i] = load_in0_lane(ib, iy, ix, c + i * STRIDE_C);
    }
  }
  store_out(b, y, x, c4, v);
}
