// MEAN over the height and width axes (a global average pool): one
// invocation per (batch, channel block). The output is viewed as
// (OUT_B, 1, 1, C) whatever keep_dims says: both have the same layout.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  int c4 = gid % OUT_C4;
  int b = gid / OUT_C4;
  vec4 acc = vec4(0);
  for (int y = 0; y < IN0_H; ++y) {
    for (int x = 0; x < IN0_W; ++x) acc += vec4(in0_data[in0_offset(b, y, x, c4)]);
  }
  store_out(b, 0, 0, c4, VEC4(acc / float(IN0_H * IN0_W)));
}
