// Depthwise 2-D convolution, one output vec4 per invocation: the variant for
// small maps on wide GPUs. depthwise_conv2d.glsl gives each invocation 4
// output columns to share input loads, which on a 7x7x960 layer leaves ~50
// workgroups for a device that runs thousands of invocations per
// multiprocessor; here every output vec4 is its own invocation (channel
// blocks fastest, so neighbours read neighbouring memory). Weights, bias,
// parameters and dw_load (codegen.cc) as depthwise_conv2d.glsl.
void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  VEC4 acc = bias_data[c4];
  for (int ky = 0; ky < KH; ++ky) {
    const int iy = y * STRIDE_Y - PAD_TOP + ky * DILATION_Y;
    if (iy < 0 || iy >= IN0_H) continue;
    const int ix0 = x * STRIDE_X - PAD_LEFT;
    for (int kx = 0; kx < KW; ++kx) {
      acc += weights_data[(ky * KW + kx) * OUT_C4 + c4] * dw_load(b, iy, ix0 + kx * DILATION_X, c4);
    }
  }
  store_out(b, y, x, c4, acc);
}
