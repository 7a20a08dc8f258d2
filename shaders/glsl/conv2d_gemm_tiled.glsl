// The GEMM of conv2d_gemm.glsl (1x1 convolutions, FULLY_CONNECTED) tiled
// through shared memory, for real GPUs: a workgroup of 64 invocations
// computes 64 rows x 16 output channels; each step stages 64 rows x 16 input
// channels of the input and 16 x 16 weights in shared memory, so every
// global value is read once per workgroup instead of once per invocation.
// Each invocation then accumulates 4 rows x 4 channels from shared memory.
// On lavapipe this shape measures ~3x slower than the register-blocked
// kernel (barriers serialize its SIMD loop), so it is chosen only for
// devices that are not CPUs (ProgramOptions::shared_memory_kernels).
// Parameters: ROWS.
shared VEC4 tile_in[64 * 4];   // [row][input block of the step]
shared VEC4 tile_w[4 * 4 * 4]; // [output block][input block][input lane]

void main() {
  const int row_tiles = (ROWS + 63) / 64;
  int wg = int(gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x);
  int row_tile = wg % row_tiles;
  int oc_tile = wg / row_tiles;
  int l = int(gl_LocalInvocationID.x);
  int lo = l % 4, lr = l / 4;  // this invocation: output block lo, rows 4*lr..4*lr+3
  int oc4 = oc_tile * 4 + lo;
  VEC4 bias = bias_data[min(oc4, OUT_C4 - 1)];
  VEC4 acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
  for (int k0 = 0; k0 < IN0_C4; k0 += 4) {
    for (int i = 0; i < 4; ++i) {
      int idx = l + i * 64;
      int row = min(row_tile * 64 + idx / 4, ROWS - 1);
      int ic4 = k0 + idx % 4;
      tile_in[idx] = ic4 < IN0_C4 ? in0_data[row * IN0_C4 + ic4] : VEC4(0);
    }
    {
      int o = min(oc_tile * 4 + l / 16, OUT_C4 - 1);
      int ic4 = k0 + (l % 16) / 4;
      tile_w[l] = ic4 < IN0_C4 ? weights_data[(o * IN0_C4 + ic4) * 4 + l % 4] : VEC4(0);
    }
    barrier();
    for (int kk = 0; kk < 4; ++kk) {
      int wb = lo * 16 + kk * 4;
      VEC4 w0 = tile_w[wb], w1 = tile_w[wb + 1], w2 = tile_w[wb + 2], w3 = tile_w[wb + 3];
      VEC4 a0 = tile_in[(lr * 4) * 4 + kk], a1 = tile_in[(lr * 4 + 1) * 4 + kk];
      VEC4 a2 = tile_in[(lr * 4 + 2) * 4 + kk], a3 = tile_in[(lr * 4 + 3) * 4 + kk];
      acc0 += w0 * a0.x + w1 * a0.y + w2 * a0.z + w3 * a0.w;
      acc1 += w0 * a1.x + w1 * a1.y + w2 * a1.z + w3 * a1.w;
      acc2 += w0 * a2.x + w1 * a2.y + w2 * a2.z + w3 * a2.w;
      acc3 += w0 * a3.x + w1 * a3.y + w2 * a3.z + w3 * a3.w;
    }
    barrier();
  }
  if (oc4 >= OUT_C4) return;
  const int hw = OUT_H * OUT_W;
  VEC4 acc[4] = {acc0, acc1, acc2, acc3};
  for (int i = 0; i < 4; ++i) {
    int r = row_tile * 64 + lr * 4 + i;
    if (r >= ROWS) break;
    int b = r / hw, rem = r - b * hw;
    int y = rem / OUT_W;
    store_out(b, y, rem - y * OUT_W, oc4, acc[i]);
  }
}
