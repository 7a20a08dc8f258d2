// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC float tensors, as
// TFLite 2.9's reference kernels compute them (reference_ops::ResizeBilinear
// with ComputeInterpolationValues, reference_ops::ResizeNearestNeighbor with
// GetNearestNeighbor). The GPU lowering shares ResizeScale so both paths
// start from the same float scale.
#pragma once

#include <cstdint>

namespace vkd::ref {

struct ResizeParams {
  int batch = 0, in_h = 0, in_w = 0, channels = 0;
  int out_h = 0, out_w = 0;
  bool align_corners = false;
  // Sample at pixel centers ((i + 0.5) * scale - 0.5). TFLite rejects it
  // together with align_corners for bilinear, accepts it for nearest.
  bool half_pixel_centers = false;
};

// in / out, or (in - 1) / (out - 1) with align_corners and out > 1: the
// float TFLite computes once per axis.
float ResizeScale(int in_size, int out_size, bool align_corners);

// Each output pixel blends the (up to) 4 input pixels around its source
// position, with bounds clamped into the input.
void ResizeBilinear(const ResizeParams& p, const float* in, float* out);
// Each output pixel copies one input pixel: floor (round with
// align_corners) of its scaled position, clamped into the input.
void ResizeNearestNeighbor(const ResizeParams& p, const float* in, float* out);

}  // namespace vkd::ref
