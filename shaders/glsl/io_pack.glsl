// A partition input as the caller gave it — dense NHWC fp32, memcpy'd into a
// host-visible staging buffer — converted on the GPU into the internal layout
// (vec4 channel blocks, padding lanes zero, the program's precision). The
// host does no per-element work: on discrete GPUs the staging memory is
// read once over the bus here, and device-local memory is never touched by
// the CPU. One invocation per output vec4. in0_data is dense (float[]).
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  const int base = ((b * OUT_H + y) * OUT_W + x) * OUT_C + c4 * 4;
  vec4 v;
  if ((OUT_C & 3) == 0) {
    v = vec4(in0_data[base], in0_data[base + 1], in0_data[base + 2], in0_data[base + 3]);
  } else {
    const int lanes = min(4, OUT_C - c4 * 4);
    v = vec4(0);
    for (int i = 0; i < lanes; ++i) v[i] = in0_data[base + i];
  }
  store_out(b, y, x, c4, VEC4(v));
}
