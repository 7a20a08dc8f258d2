// Quantized RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR (int8, uint8) against TFLite 2.9: up- and
// down-scaling, non-integer ratios, every align_corners / half_pixel_centers combination TFLite
// accepts, non-zero zero points. uint8 bilinear follows TFLite's float kernel, int8 its 10-bit
// fixed-point one, uint8 nearest its 16.16 fixed-point indices. Exact (tolerance 0).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/quantized_test_util.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

// Quantized tensors run on the CPU kernels only.
VKD_BACKEND_TEST_SUITE(QuantizedResizeTest, kCpuBackends);

TEST_P(QuantizedResizeTest, Sweep) {
  struct Case {
    Shape in;
    int out_h, out_w;
  };
  const Case cases[] = {
      {{1, 4, 4, 3}, 8, 8},
      {{1, 5, 7, 4}, 9, 13},
      {{2, 9, 6, 5}, 4, 3},
      {{1, 3, 3, 21}, 17, 17},
      {{1, 1, 2, 2}, 3, 5},
      {{1, 6, 6, 2}, 6, 6},
      // 8x upscales, depth % 8 == 0: later TFLite versions (not 2.9's
      // library, as these show) send uint8 with half-pixel centers to a
      // fixed-point ResizeBilinear888Uint8.
      {{1, 2, 3, 8}, 16, 24},
      {{2, 3, 4, 16}, 24, 32},
  };
  int n = 0;
  for (OpType op : {OpType::kResizeBilinear, OpType::kResizeNearestNeighbor}) {
    for (DataType type : {DataType::kInt8, DataType::kUInt8}) {
      for (const Case& c : cases) {
        for (bool align : {false, true}) {
          for (bool half : {false, true}) {
            if (op == OpType::kResizeBilinear && align && half) continue;  // TFLite refuses
            ++n;
            const ir::Quantization q =
                test::QuantFor(type, 0.1f, type == DataType::kUInt8 ? 120 : -9);
            writer::GraphBuilder g;
            const int x = g.AddInput(type, c.in, "x", q);
            const int size = g.AddConstant<int32_t>({2}, {c.out_h, c.out_w}, "size");
            const int y = g.AddTensor(type, {c.in[0], c.out_h, c.out_w, c.in[3]}, "y", q);
            g.AddNode(op, {x, size}, {y}, ir::ResizeOptions{align, half}, test::Int8Version(type));
            g.MarkOutput(y);
            const std::string label =
                ir::OpTypeName(op) + " " + test::TypeLabel(type) + " " + ir::ShapeToString(c.in) +
                " -> " + std::to_string(c.out_h) + "x" + std::to_string(c.out_w) +
                (align ? " align_corners" : "") + (half ? " half_pixel_centers" : "");
            EXPECT_TRUE(Matches(g.Build(), test::FullRange(type, label, n), 0));
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace vkd
