// RESIZE_BILINEAR (BILINEAR 1) and RESIZE_NEAREST_NEIGHBOR (BILINEAR 0) as
// TFLite 2.9's reference kernels compute them. SCALE_Y/SCALE_X come from the
// host (ref::ResizeScale) because GPU division need not be correctly
// rounded, and nearest neighbor turns one ulp into a different pixel;
// `precise` keeps the driver from contracting the scaling into an fma,
// which TFLite's build does not do either.
// Parameters: BILINEAR, ALIGN_CORNERS, HALF_PIXEL, SCALE_Y, SCALE_X (float).

// TFLite's GetNearestNeighbor. TfLiteRound (std::round) is floor + 1 from
// .5 up for the non-negative positions here; GLSL round() may go either way
// on halves.
int nearest_source(int v, float scale, int size) {
  precise float s = (float(v) + (HALF_PIXEL != 0 ? 0.5 : 0.0)) * scale;
  float f = floor(s);
  int r = int(f);
  if (ALIGN_CORNERS != 0 && s - f >= 0.5) r += 1;
  r = min(r, size - 1);
  return HALF_PIXEL != 0 ? max(r, 0) : r;
}

// TFLite's ComputeInterpolationValues: source position, and the clamped
// indices below and above it.
float linear_source(int v, float scale, int size, out int lo, out int hi) {
  precise float s = HALF_PIXEL != 0 ? (float(v) + 0.5) * scale - 0.5 : float(v) * scale;
  lo = max(int(floor(s)), 0);
  hi = min(int(ceil(s)), size - 1);
  return s;
}

void main() {
  int b, y, x, c4;
  if (!output_vec4(b, y, x, c4)) return;
  if (BILINEAR == 0) {
    int iy = nearest_source(y, SCALE_Y, IN0_H), ix = nearest_source(x, SCALE_X, IN0_W);
    store_out(b, y, x, c4, in0_data[in0_offset(b, iy, ix, c4)]);
    return;
  }
  int y0, y1, x0, x1;
  float sy = linear_source(y, SCALE_Y, IN0_H, y0, y1);
  float sx = linear_source(x, SCALE_X, IN0_W, x0, x1);
  // The weights use the clamped lower index, as TFLite's do.
  float dy = sy - float(y0), dx = sx - float(x0);
  vec4 v = vec4(in0_data[in0_offset(b, y0, x0, c4)]) * ((1.0 - dy) * (1.0 - dx)) +
           vec4(in0_data[in0_offset(b, y1, x0, c4)]) * (dy * (1.0 - dx)) +
           vec4(in0_data[in0_offset(b, y0, x1, c4)]) * ((1.0 - dy) * dx) +
           vec4(in0_data[in0_offset(b, y1, x1, c4)]) * (dy * dx);
  store_out(b, y, x, c4, VEC4(v));
}
