// SOFTMAX over channels, one invocation per pixel: max, then the sum of
// exp(beta * (x - max)), then the quotient. Padding lanes are left out of
// both reductions (and stored as zero by store_out). Parameter: BETA.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  int x = gid % OUT_W;
  int p = gid / OUT_W;
  int y = p % OUT_H;
  int b = p / OUT_H;
  int base = in0_offset(b, y, x, 0);
  const int tail = IN0_C - (IN0_C4 - 1) * 4;  // valid lanes of the last block, 1..4
  vec4 valid_tail = vec4(1, tail > 1 ? 1 : 0, tail > 2 ? 1 : 0, tail > 3 ? 1 : 0);
  float m = -3.402823466e38;
  for (int c4 = 0; c4 < IN0_C4; ++c4) {
    vec4 a = vec4(in0_data[base + c4]);
    if (c4 == IN0_C4 - 1) a = mix(vec4(-3.402823466e38), a, valid_tail);
    m = max(m, max(max(a.x, a.y), max(a.z, a.w)));
  }
  float sum = 0;
  for (int c4 = 0; c4 < IN0_C4; ++c4) {
    vec4 e = exp((vec4(in0_data[base + c4]) - m) * BETA);
    if (c4 == IN0_C4 - 1) e *= valid_tail;
    sum += e.x + e.y + e.z + e.w;
  }
  float inv = 1.0 / sum;
  for (int c4 = 0; c4 < IN0_C4; ++c4) {
    vec4 e = exp((vec4(in0_data[base + c4]) - m) * BETA) * inv;
    store_out(b, y, x, c4, VEC4(e));
  }
}
