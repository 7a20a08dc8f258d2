// Elementwise: the value of in0 (broadcast to the output's shape) goes
// through the post-op chain, which holds the op itself (ADD: "+ opd0", ...)
// and everything fused after it. One vec4 per invocation, channel blocks
// fastest so neighbouring invocations touch neighbouring memory.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  store_out(b, y, x, c4, load_in0(b, y, x, c4));
}
