// A partition output converted on the GPU from the internal layout (vec4
// channel blocks, program precision) to dense NHWC fp32, written straight
// into host-visible (host-cached where the device has it) readback memory,
// so the host only memcpy's it out. One invocation per input vec4; padding
// lanes are dropped. out_data is dense (float[]); OUT dims equal IN0's.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  const vec4 v = vec4(in0_data[in0_offset(b, y, x, c4)]);
  const int base = ((b * OUT_H + y) * OUT_W + x) * OUT_C + c4 * 4;
  const int lanes = min(4, OUT_C - c4 * 4);
  for (int i = 0; i < lanes; ++i) out_data[base + i] = v[i];
}
