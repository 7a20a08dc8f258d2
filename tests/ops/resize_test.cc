// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR against TFLite 2.9: up- and
// down-scaling (exact 2x hits TFLite's specialized bilinear path), 1-pixel
// outputs, odd channel counts, batch, and every align_corners /
// half_pixel_centers combination TFLite accepts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

constexpr double kTolerance = 1e-5;

ir::Graph ResizeGraph(ir::OpType op, const ir::Shape& in, int out_h, int out_w,
                      ir::ResizeOptions o) {
  writer::GraphBuilder g;
  const int x = g.AddInput(ir::DataType::kFloat32, in, "x");
  const int size = g.AddConstant<int32_t>({2}, {out_h, out_w}, "size");
  const int y = g.AddTensor(ir::DataType::kFloat32, {in[0], out_h, out_w, in[3]}, "y");
  // Version 3 carries half_pixel_centers.
  g.AddNode(op, {x, size}, {y}, o, o.half_pixel_centers ? 3 : 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST(ResizeTest, Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const ir::Shape inputs[] = {{1, 3, 4, 1}, {2, 5, 3, 3}, {1, 4, 4, 5}, {1, 7, 6, 13}};
  const int sizes[][2] = {{1, 1}, {2, 3}, {6, 8}, {8, 8}, {11, 5}, {3, 13}};
  int index = 0;
  for (ir::OpType op : {ir::OpType::kResizeBilinear, ir::OpType::kResizeNearestNeighbor}) {
    for (const ir::Shape& in : inputs) {
      for (const auto& size : sizes) {
        for (int flags = 0; flags < 4; ++flags) {
          const ir::ResizeOptions o{(flags & 1) != 0, (flags & 2) != 0};
          if (op == ir::OpType::kResizeBilinear && o.align_corners && o.half_pixel_centers) {
            continue;  // rejected by TFLite
          }
          test::CompareOptions opts;
          opts.seed = 100 + index++;
          opts.label = std::string(ir::OpTypeName(op)) + " " + ir::ShapeToString(in) + " -> " +
                       std::to_string(size[0]) + "x" + std::to_string(size[1]) +
                       (o.align_corners ? " align_corners" : "") +
                       (o.half_pixel_centers ? " half_pixel_centers" : "");
          EXPECT_TRUE(test::BothKernelsMatchTfLite(ResizeGraph(op, in, size[0], size[1], o), opts,
                                                   kTolerance));
        }
      }
    }
  }
}

TEST(ResizeTest, ExactTwiceUpscale) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  // TFLite's optimized bilinear kernel has a separate 2x path.
  for (const ir::Shape& in : std::vector<ir::Shape>{{1, 4, 5, 3}, {2, 3, 3, 8}}) {
    test::CompareOptions opts;
    opts.label = "RESIZE_BILINEAR 2x " + ir::ShapeToString(in);
    EXPECT_TRUE(test::BothKernelsMatchTfLite(
        ResizeGraph(ir::OpType::kResizeBilinear, in, in[1] * 2, in[2] * 2, {}), opts, kTolerance));
  }
}

Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

TEST(ResizeTest, PrepareErrors) {
  {  // bilinear with both flags, which TFLite rejects
    const Status s =
        PrepareStatus(ResizeGraph(ir::OpType::kResizeBilinear, {1, 3, 3, 2}, 5, 5, {true, true}));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
  {  // size computed at run time
    writer::GraphBuilder g;
    const int x = g.AddInput(ir::DataType::kFloat32, {1, 3, 3, 2}, "x");
    const int size = g.AddInput(ir::DataType::kInt32, {2}, "size");
    const int y = g.AddTensor(ir::DataType::kFloat32, {1, 5, 5, 2}, "y");
    g.AddNode(ir::OpType::kResizeNearestNeighbor, {x, size}, {y}, ir::ResizeOptions{});
    g.MarkOutput(y);
    const Status s = PrepareStatus(g.Build());
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
    EXPECT_NE(s.message().find("must be constant"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace vkd
