#include "cpu_fallback/reference/transpose_conv.h"

#include <cstddef>
#include <cstring>

namespace vkd::ref {

void TransposeConv(const ConvGeometry& g, const float* input, const float* filter,
                   const float* bias, float* output) {
  const int in_d = g.input_depth, out_d = g.output_depth;
  std::memset(
      output, 0,
      static_cast<size_t>(g.batches) * g.output_height * g.output_width * out_d * sizeof(float));
  for (int b = 0; b < g.batches; ++b) {
    for (int in_y = 0; in_y < g.input_height; ++in_y) {
      for (int in_x = 0; in_x < g.input_width; ++in_x) {
        const int out_y_origin = in_y * g.stride_height - g.padding_top;
        const int out_x_origin = in_x * g.stride_width - g.padding_left;
        const float* in =
            input +
            ((static_cast<size_t>(b) * g.input_height + in_y) * g.input_width + in_x) * in_d;
        for (int ky = 0; ky < g.filter_height; ++ky) {
          const int out_y = out_y_origin + ky;
          if (out_y < 0 || out_y >= g.output_height) continue;
          for (int kx = 0; kx < g.filter_width; ++kx) {
            const int out_x = out_x_origin + kx;
            if (out_x < 0 || out_x >= g.output_width) continue;
            float* out =
                output +
                ((static_cast<size_t>(b) * g.output_height + out_y) * g.output_width + out_x) *
                    out_d;
            for (int oc = 0; oc < out_d; ++oc) {
              const float* f =
                  filter +
                  ((static_cast<size_t>(oc) * g.filter_height + ky) * g.filter_width + kx) * in_d;
              float sum = 0;
              for (int ic = 0; ic < in_d; ++ic) sum += in[ic] * f[ic];
              out[oc] += sum;
            }
          }
        }
      }
    }
  }
  if (!bias) return;
  const size_t pixels = static_cast<size_t>(g.batches) * g.output_height * g.output_width;
  for (size_t px = 0; px < pixels; ++px) {
    for (int oc = 0; oc < out_d; ++oc) output[px * out_d + oc] += bias[oc];
  }
}

}  // namespace vkd::ref
