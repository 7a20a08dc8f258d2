// The GEMM of conv2d_gemm.glsl (1x1 convolutions, FULLY_CONNECTED) for few
// rows and long K — 1x1 convolutions on 7x7 or 14x14 maps, FULLY_CONNECTED
// at batch 1 — where the 64-row tiles of conv2d_gemm_tiled.glsl give a layer
// a handful of workgroups and leave most of a large GPU idle (a 7x7 map is
// one row tile). Here a workgroup of 64 invocations computes RPG rows (1..8)
// of one block of 4 output channels and splits K over its invocations
// (invocation l takes input blocks l, l + 64, ...), then sums the 64 partial
// vec4 per row in shared memory: ceil(ROWS / RPG) * OUT_C4 workgroups. The
// workgroups of one channel block are adjacent, so its weights come from DRAM
// once and from L2 after. Partial sums are fp32 in both precisions (K runs
// to 1280 here, and the kernel is bound by loads, not arithmetic).
// Parameters: ROWS, RPG. Local size 64.
shared vec4 partial[64 * 8];

void main() {
  const int row_groups = (ROWS + RPG - 1) / RPG;
  const int wg = int(gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x);
  const int rg = wg % row_groups;
  const int oc4 = min(wg / row_groups, OUT_C4 - 1);  // past the end only in padding groups
  const int l = int(gl_LocalInvocationID.x);
  const int r0 = rg * RPG;
  vec4 acc[8];
  for (int r = 0; r < RPG; ++r) acc[r] = vec4(0);
  for (int ic4 = l; ic4 < IN0_C4; ic4 += 64) {
    const int w = (oc4 * IN0_C4 + ic4) * 4;
    const vec4 w0 = vec4(weights_data[w]), w1 = vec4(weights_data[w + 1]);
    const vec4 w2 = vec4(weights_data[w + 2]), w3 = vec4(weights_data[w + 3]);
    for (int r = 0; r < RPG; ++r) {
      const vec4 a = vec4(in0_data[min(r0 + r, ROWS - 1) * IN0_C4 + ic4]);
      acc[r] += w0 * a.x + w1 * a.y + w2 * a.z + w3 * a.w;
    }
  }
  for (int r = 0; r < RPG; ++r) partial[r * 64 + l] = acc[r];
  barrier();
  for (int s = 32; s > 0; s >>= 1) {
    if (l < s) {
      for (int r = 0; r < RPG; ++r) partial[r * 64 + l] += partial[r * 64 + l + s];
    }
    barrier();
  }
  const int row = r0 + l;
  if (l >= RPG || row >= ROWS || wg / row_groups >= OUT_C4) return;
  const int hw = OUT_H * OUT_W;
  const int b = row / hw, rem = row - b * hw;
  const int y = rem / OUT_W;
  store_out(b, y, rem - y * OUT_W, oc4, VEC4(partial[l * 64] + vec4(bias_data[oc4])));
}
