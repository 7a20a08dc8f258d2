// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on the GPU against TFLite:
// up- and down-scaling (exact 2x included), 1-pixel outputs, odd channel
// counts, batch 2, and every align_corners / half_pixel_centers combination
// TFLite accepts (bilinear refuses both together; nearest takes it).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

ir::Graph ResizeGraph(OpType op, const Shape& in, int out_h, int out_w, ir::ResizeOptions o) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, in, "x");
  const int size = g.AddConstant<int32_t>({2}, {out_h, out_w}, "size");
  const int y = g.AddTensor(DataType::kFloat32, {in[0], out_h, out_w, in[3]}, "y");
  g.AddNode(op, {x, size}, {y}, o, o.half_pixel_centers ? 3 : 1);
  g.MarkOutput(y);
  return g.Build();
}

std::string Label(OpType op, const Shape& in, int h, int w, ir::ResizeOptions o) {
  return std::string(ir::OpTypeName(op)) + " " + ir::ShapeToString(in) + " -> " +
         std::to_string(h) + "x" + std::to_string(w) + (o.align_corners ? " align_corners" : "") +
         (o.half_pixel_centers ? " half_pixel_centers" : "");
}

TEST(GpuResizeTest, Sweep) {
  VKD_REQUIRE_GPU();
  const Shape inputs[] = {{1, 3, 4, 1}, {2, 5, 3, 3}, {1, 4, 4, 5}, {2, 7, 6, 13}};
  // Down, 1x1, up by non-integer and integer factors, mixed.
  const int sizes[][2] = {{1, 1}, {2, 3}, {6, 8}, {14, 12}, {11, 5}, {3, 13}};
  int index = 0;
  for (OpType op : {OpType::kResizeBilinear, OpType::kResizeNearestNeighbor}) {
    for (const Shape& in : inputs) {
      for (const auto& size : sizes) {
        for (int flags = 0; flags < 4; ++flags) {
          const ir::ResizeOptions ro{(flags & 1) != 0, (flags & 2) != 0};
          if (op == OpType::kResizeBilinear && ro.align_corners && ro.half_pixel_centers) continue;
          test::CompareOptions o;
          o.seed = 300 + index++;
          o.label = Label(op, in, size[0], size[1], ro);
          EXPECT_TRUE(test::GpuMatchesTfLite(ResizeGraph(op, in, size[0], size[1], ro), o));
        }
      }
    }
  }
}

TEST(GpuResizeTest, ExactScaleFactors) {
  VKD_REQUIRE_GPU();
  // Positions that land exactly on pixel boundaries, where nearest neighbor
  // is decided by the last bit of the scaled coordinate.
  const Shape in = {1, 8, 6, 4};
  int index = 0;
  for (OpType op : {OpType::kResizeBilinear, OpType::kResizeNearestNeighbor}) {
    for (const auto& size : {std::vector<int>{16, 12}, {4, 3}, {24, 18}, {15, 11}}) {
      for (int flags = 0; flags < 4; ++flags) {
        const ir::ResizeOptions ro{(flags & 1) != 0, (flags & 2) != 0};
        if (op == OpType::kResizeBilinear && ro.align_corners && ro.half_pixel_centers) continue;
        test::CompareOptions o;
        o.seed = 700 + index++;
        o.label = Label(op, in, size[0], size[1], ro);
        EXPECT_TRUE(test::GpuMatchesTfLite(ResizeGraph(op, in, size[0], size[1], ro), o));
      }
    }
  }
}

TEST(GpuResizeTest, Fp16) {
  VKD_REQUIRE_GPU();
  for (OpType op : {OpType::kResizeBilinear, OpType::kResizeNearestNeighbor}) {
    test::CompareOptions o;
    o.fp16 = true;
    o.label = Label(op, {1, 4, 5, 3}, 7, 9, {}) + " fp16";
    EXPECT_TRUE(test::GpuMatchesTfLite(ResizeGraph(op, {1, 4, 5, 3}, 7, 9, {}), o, 1e-2));
  }
}

}  // namespace
}  // namespace vkd
