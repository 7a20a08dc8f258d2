#include "ops/resize.h"

namespace vkd::ops {

float ResizeScale(int in_size, int out_size, bool align_corners) {
  if (align_corners && out_size > 1) {
    return static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1);
  }
  return static_cast<float>(in_size) / static_cast<float>(out_size);
}

}  // namespace vkd::ops
