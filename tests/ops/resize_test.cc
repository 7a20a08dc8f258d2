// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR against TFLite 2.9 on every
// backend: up- and down-scaling (exact 2x hits TFLite's specialized bilinear
// path), positions landing exactly on pixel boundaries (where nearest
// neighbour is decided by the scaled coordinate's last bit), 1-pixel outputs,
// odd channel counts, batch, and every align_corners / half_pixel_centers
// combination TFLite accepts (bilinear refuses both together); Prepare's
// refusals.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(ResizeTest, kAllBackends);

ir::Graph ResizeGraph(OpType op, const Shape& in, int out_h, int out_w, ir::ResizeOptions o) {
  writer::GraphBuilder g;
  const int x = g.AddInput(ir::DataType::kFloat32, in, "x");
  const int size = g.AddConstant<int32_t>({2}, {out_h, out_w}, "size");
  const int y = g.AddTensor(ir::DataType::kFloat32, {in[0], out_h, out_w, in[3]}, "y");
  // Version 3 carries half_pixel_centers.
  g.AddNode(op, {x, size}, {y}, o, o.half_pixel_centers ? 3 : 1);
  g.MarkOutput(y);
  return g.Build();
}

// Every op x input x size x flag combination TFLite accepts.
void Sweep(const test::BackendTest& t, const std::vector<Shape>& inputs,
           const std::vector<std::pair<int, int>>& sizes, uint32_t seed) {
  for (OpType op : {OpType::kResizeBilinear, OpType::kResizeNearestNeighbor}) {
    for (const Shape& in : inputs) {
      for (const auto& [h, w] : sizes) {
        for (int flags = 0; flags < 4; ++flags) {
          const ir::ResizeOptions o{(flags & 1) != 0, (flags & 2) != 0};
          if (op == OpType::kResizeBilinear && o.align_corners && o.half_pixel_centers) continue;
          test::CompareOptions opts;
          opts.seed = seed++;
          opts.label = ir::OpTypeName(op) + " " + ir::ShapeToString(in) + " -> " +
                       std::to_string(h) + "x" + std::to_string(w) +
                       (o.align_corners ? " align_corners" : "") +
                       (o.half_pixel_centers ? " half_pixel_centers" : "");
          EXPECT_TRUE(t.MatchesInDispatches(ResizeGraph(op, in, h, w, o), opts, 1));
        }
      }
    }
  }
}

// Down, 1x1, up by non-integer and integer factors, mixed.
TEST_P(ResizeTest, Sweep) {
  Sweep(*this, {{1, 3, 4, 1}, {2, 5, 3, 3}, {1, 4, 4, 5}, {2, 7, 6, 13}},
        {{1, 1}, {2, 3}, {6, 8}, {8, 8}, {14, 12}, {11, 5}, {3, 13}}, 100);
}

TEST_P(ResizeTest, ExactScaleFactors) {
  Sweep(*this, {{1, 8, 6, 4}}, {{16, 12}, {4, 3}, {24, 18}, {15, 11}}, 700);
}

// TFLite's optimized bilinear kernel has a separate 2x path.
TEST_P(ResizeTest, ExactTwiceUpscale) {
  for (const Shape& in : std::vector<Shape>{{1, 4, 5, 3}, {2, 3, 3, 8}}) {
    test::CompareOptions opts;
    opts.label = "RESIZE_BILINEAR 2x " + ir::ShapeToString(in);
    EXPECT_TRUE(Matches(ResizeGraph(OpType::kResizeBilinear, in, in[1] * 2, in[2] * 2, {}), opts));
  }
}

Status PrepareStatus(const ir::Graph& graph) {
  auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
  if (!interp.ok()) return interp.status();
  return (*interp)->AllocateTensors();
}

TEST(ResizePrepareTest, Errors) {
  {  // bilinear with both flags, which TFLite rejects
    const Status s =
        PrepareStatus(ResizeGraph(OpType::kResizeBilinear, {1, 3, 3, 2}, 5, 5, {true, true}));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
  {  // size computed at run time
    writer::GraphBuilder g;
    const int x = g.AddInput(ir::DataType::kFloat32, {1, 3, 3, 2}, "x");
    const int size = g.AddInput(ir::DataType::kInt32, {2}, "size");
    const int y = g.AddTensor(ir::DataType::kFloat32, {1, 5, 5, 2}, "y");
    g.AddNode(OpType::kResizeNearestNeighbor, {x, size}, {y}, ir::ResizeOptions{});
    g.MarkOutput(y);
    const Status s = PrepareStatus(g.Build());
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
    EXPECT_NE(s.message().find("must be constant"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace vkd
