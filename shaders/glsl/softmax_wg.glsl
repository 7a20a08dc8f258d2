// SOFTMAX over channels with one workgroup of 64 invocations per pixel, for
// long rows (a 1001-class head) on GPUs: softmax.glsl gives each pixel one
// invocation that walks the row three times, which on a GPU is one thread
// doing all the work. Here invocation l takes channel blocks l, l + 64, ...;
// the row's max and sum are combined in shared memory. Padding lanes are
// left out of both reductions (and stored as zero by store_out).
// Parameter: BETA. Local size 64; invocations = 64 * pixels.
shared float red[64];

void main() {
  const int pixel = int(gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x);
  // Uniform per workgroup, so no invocation skips a barrier another reaches.
  if (pixel >= OUT_B * OUT_H * OUT_W) return;
  const int x = pixel % OUT_W;
  const int y = (pixel / OUT_W) % OUT_H;
  const int b = pixel / (OUT_W * OUT_H);
  const int l = int(gl_LocalInvocationID.x);
  const int base = in0_offset(b, y, x, 0);
  const int tail = IN0_C - (IN0_C4 - 1) * 4;  // valid lanes of the last block, 1..4
  const vec4 valid_tail = vec4(1, tail > 1 ? 1 : 0, tail > 2 ? 1 : 0, tail > 3 ? 1 : 0);
  float m = -3.402823466e38;
  for (int c4 = l; c4 < IN0_C4; c4 += 64) {
    vec4 a = vec4(in0_data[base + c4]);
    if (c4 == IN0_C4 - 1) a = mix(vec4(-3.402823466e38), a, valid_tail);
    m = max(m, max(max(a.x, a.y), max(a.z, a.w)));
  }
  red[l] = m;
  barrier();
  for (int s = 32; s > 0; s >>= 1) {
    if (l < s) red[l] = max(red[l], red[l + s]);
    barrier();
  }
  m = red[0];
  barrier();
  float sum = 0;
  for (int c4 = l; c4 < IN0_C4; c4 += 64) {
    vec4 e = exp((vec4(in0_data[base + c4]) - m) * BETA);
    if (c4 == IN0_C4 - 1) e *= valid_tail;
    sum += e.x + e.y + e.z + e.w;
  }
  red[l] = sum;
  barrier();
  for (int s = 32; s > 0; s >>= 1) {
    if (l < s) red[l] += red[l + s];
    barrier();
  }
  const float inv = 1.0 / red[0];
  for (int c4 = l; c4 < IN0_C4; c4 += 64) {
    store_out(b, y, x, c4, VEC4(exp((vec4(in0_data[base + c4]) - m) * BETA) * inv));
  }
}
