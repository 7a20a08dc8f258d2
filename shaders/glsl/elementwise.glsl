// Elementwise: the value of in0 (broadcast to the output's shape) goes
// through the post-op chain, which holds the op itself (ADD: "+ opd0", ...)
// and everything fused after it. One vec4 per invocation, channel blocks
// fastest so neighbouring invocations touch neighbouring memory.
void main() {
  int gid = flat_id();
  if (gid >= TOTAL) return;
  int c4 = gid % OUT_C4;
  int p = gid / OUT_C4;
  int x = p % OUT_W;
  p /= OUT_W;
  int y = p % OUT_H;
  int b = p / OUT_H;
  store_out(b, y, x, c4, load_in0(b, y, x, c4));
}
