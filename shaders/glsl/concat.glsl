// CONCATENATION of in0..inN-1, in that order, along BHWC axis AXIS (0 batch,
// 1 height, 2 width, 3 channels). The per-input selection depends on N, so
// the lowering generates it (KernelSpec::extra_glsl), with input k starting
// at coordinate OFFSETk along the axis:
//   VEC4 concat_block(int b, int y, int x, int c4): AXIS < 3, whole vec4s
//     (all inputs have the output's channels);
//   VEC4 concat_channels(int b, int y, int x, int c4): AXIS == 3, a vec4
//     load when the block lies in one input at a 4-aligned offset, else
//     lane by lane.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  VEC4 v = AXIS == 3 ? concat_channels(b, y, x, c4) : concat_block(b, y, x, c4);
  store_out(b, y, x, c4, v);
}
