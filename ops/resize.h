// RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR's coordinate scale as TFLite 2.9
// computes it, shared by the CPU kernels and the GPU lowering.
#pragma once

namespace vkd::ops {

// in / out, or (in - 1) / (out - 1) with align_corners (and out > 1).
float ResizeScale(int in_size, int out_size, bool align_corners);

}  // namespace vkd::ops
