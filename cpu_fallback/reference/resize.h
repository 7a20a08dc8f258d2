// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC float tensors, as
// TFLite 2.9's reference kernels compute them (reference_ops::ResizeBilinear
// with ComputeInterpolationValues, reference_ops::ResizeNearestNeighbor with
// GetNearestNeighbor). The scale comes from ops/resize.h, which the GPU
// lowering shares, so both paths start from the same float.
#pragma once

#include <cstddef>
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

// Each output pixel blends the (up to) 4 input pixels around its source
// position, with bounds clamped into the input.
void ResizeBilinear(const ResizeParams& p, const float* in, float* out);
// Each output pixel copies one input pixel: floor (round with
// align_corners) of its scaled position, clamped into the input.
void ResizeNearestNeighbor(const ResizeParams& p, const float* in, float* out);

// --- int8 / uint8: what TFLite 2.9's builtin (optimized) kernels run ---

// uint8 bilinear (optimized_ops::ResizeBilinear ->
// ResizeBilinearGenericSmallChannel): float positions and weights as above,
// the four products summed in float in a fixed order, then + 0.5 and
// truncated. (Later TFLite versions send 8x upscales with half-pixel
// centers to a fixed-point ResizeBilinear888Uint8; the 2.9 library matches
// this generic form there too, see the tests.)
void ResizeBilinearUint8(const ResizeParams& p, const uint8_t* in, uint8_t* out);
// int8 bilinear (reference_ops::ResizeBilinearInteger, which the optimized
// kernel forwards to): positions and weights in 10-bit fixed point, the
// 20-bit weighted sum rounded half away from zero.
void ResizeBilinearInt8(const ResizeParams& p, const int8_t* in, int8_t* out);
// Nearest neighbor for elements of `element_bytes` (any type). With
// `fixed_point` (TFLite 2.9's uint8 kernel without align_corners and
// half_pixel_centers) source indices come from 16.16 fixed-point scales,
// (in << 16) / out + 1, instead of float.
void ResizeNearestNeighborBytes(const ResizeParams& p, size_t element_bytes, bool fixed_point,
                                const uint8_t* in, uint8_t* out);

}  // namespace vkd::ref
