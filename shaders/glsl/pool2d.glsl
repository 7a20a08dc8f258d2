// AVERAGE_POOL_2D (IS_MAX 0) and MAX_POOL_2D (IS_MAX 1), as TFLite: padding
// cells are skipped, and the average divides by the number of cells inside
// the input.
// Parameters: IS_MAX, KH, KW, STRIDE_X/Y, PAD_TOP, PAD_LEFT.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  int y0 = y * STRIDE_Y - PAD_TOP, x0 = x * STRIDE_X - PAD_LEFT;
  int ky0 = max(0, -y0), ky1 = min(KH, IN0_H - y0);
  int kx0 = max(0, -x0), kx1 = min(KW, IN0_W - x0);
  // Accumulate in float even for fp16 storage: a 7x7 average of fp16 sums
  // loses bits the single rounding at the end does not.
  vec4 acc = IS_MAX != 0 ? vec4(-3.402823466e38) : vec4(0);
  for (int ky = ky0; ky < ky1; ++ky) {
    for (int kx = kx0; kx < kx1; ++kx) {
      vec4 a = vec4(in0_data[in0_offset(b, y0 + ky, x0 + kx, c4)]);
      acc = IS_MAX != 0 ? max(acc, a) : acc + a;
    }
  }
  int count = max((ky1 - ky0) * (kx1 - kx0), 1);
  if (IS_MAX == 0) acc /= float(count);
  store_out(b, y, x, c4, VEC4(acc));
}
