// STRIDED_SLICE against TFLite 2.9 on every backend: ranks 1..5, positive and
// negative strides (channel strides too, so GPU lanes are gathered), negative
// and out-of-range begin/end (clamped by direction), begin/end/shrink masks,
// odd channel counts, batch; float32 everywhere, int32 on the CPU kernels.
// The GPU takes ranks up to 4 without a shrink mask; every other case must
// stay on the CPU there, and still match.
#include "ops/strided_slice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

VKD_BACKEND_TEST_SUITE(StridedSliceTest, kAllBackends);

struct SliceCase {
  ir::Shape in;
  std::vector<int32_t> begin, end, strides;
  int32_t begin_mask = 0, end_mask = 0, shrink_mask = 0;
  std::string Label() const {
    return ir::ShapeToString(in) + " begin " + ir::ShapeToString(begin) + " end " +
           ir::ShapeToString(end) + " strides " + ir::ShapeToString(strides) + " masks b" +
           std::to_string(begin_mask) + " e" + std::to_string(end_mask) + " s" +
           std::to_string(shrink_mask);
  }
};

// The output shape, by ops/'s rule (shared by every backend).
ir::Shape OutShape(const SliceCase& c) {
  const int rank = static_cast<int>(c.in.size());
  ops::StridedSliceParams p;
  ops::ResolveStridedSlice(rank, c.in.data(), c.begin.data(), c.end.data(), c.strides.data(),
                           c.begin_mask, c.end_mask, c.shrink_mask, &p);
  ir::Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!((c.shrink_mask >> d) & 1)) out.push_back(p.out_dims[d]);
  }
  return out;
}

ir::Graph SliceGraph(const SliceCase& c, ir::DataType type) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(c.in.size());
  const int x = g.AddInput(type, c.in, "x");
  const int b = g.AddConstant<int32_t>({rank}, c.begin, "begin");
  const int e = g.AddConstant<int32_t>({rank}, c.end, "end");
  const int s = g.AddConstant<int32_t>({rank}, c.strides, "strides");
  // The declared shape; both runtimes compute their own. A zero stride (an
  // error case) keeps the input's.
  const bool zero_stride = std::find(c.strides.begin(), c.strides.end(), 0) != c.strides.end();
  const int y = g.AddTensor(type, zero_stride ? c.in : OutShape(c), "y");
  ir::StridedSliceOptions o;
  o.begin_mask = c.begin_mask;
  o.end_mask = c.end_mask;
  o.shrink_axis_mask = c.shrink_mask;
  g.AddNode(ir::OpType::kStridedSlice, {x, b, e, s}, {y}, o, 1);
  g.MarkOutput(y);
  return g.Build();
}

bool GpuTakes(const SliceCase& c) {
  return c.in.size() <= 4 && c.shrink_mask == 0 && ir::NumElements(OutShape(c)) > 0;
}

TEST_P(StridedSliceTest, Sweep) {
  const SliceCase cases[] = {
      {{10}, {1}, {8}, {3}},
      {{10}, {-2}, {-9}, {-2}},
      {{13}, {-20}, {20}, {1}},   // clamped forward
      {{10}, {20}, {-20}, {-3}},  // clamped backward
      {{10}, {5}, {2}, {1}},      // empty
      {{4, 6}, {1, -1}, {3, 0}, {1, -1}},
      {{3, 5, 7}, {0, 4, 1}, {3, -6, 7}, {2, -2, 3}},
      {{1, 6, 7, 5}, {0, 1, 0, 1}, {1, 6, 7, 4}, {1, 2, 3, 1}},
      {{1, 6, 7, 13}, {0, 1, 2, 4}, {1, 6, 7, 13}, {1, 1, 1, 1}},  // 4-aligned channel start
      {{1, 6, 7, 13}, {0, 0, 0, 0}, {1, 6, 7, 9}, {1, 2, 2, 1}},   // channel end mid-block
      {{1, 6, 7, 13}, {0, 1, 0, 1}, {1, 6, 7, 13}, {1, 2, 3, 3}},
      {{2, 5, 4, 13}, {-1, 4, -1, 12}, {-3, 0, -5, 0}, {-1, -1, -2, -5}},
      {{2, 5, 4, 3}, {1, 0, 0, 0}, {2, 5, 4, 3}, {1, 1, 1, 1}},  // batch
      {{2, 3, 4, 1}, {0, 2, 3, 0}, {2, -4, -5, 1}, {1, -1, -1, 1}},
      {{2, 3, 4, 3, 2}, {0, 1, 0, 2, 1}, {2, 3, 4, 0, 2}, {1, 1, 2, -1, 1}},
      // Masks: begin/end ignore the values given, shrink drops an axis.
      {{4, 6}, {3, 5}, {3, 0}, {1, -2}, 1, 2, 0},
      {{4, 6}, {3, 5}, {0, 0}, {1, -2}, 1, 2, 0},  // empty along axis 0
      {{2, 5, 4, 6}, {0, -2, 0, 1}, {0, 5, 4, 5}, {1, 1, 1, 2}, 1, 9, 0},
      {{2, 5, 4, 6}, {1, 3, 2, 5}, {0, 0, 0, 0}, {1, -1, 1, -1}, 0, 15, 0},
      {{3, 5, 7}, {1, 0, -1}, {2, 5, 0}, {1, 2, -1}, 0, 4, 1},
      {{2, 5, 4, 6}, {0, -2, 0, 1}, {0, 0, 4, 5}, {1, 1, 1, 2}, 1, 9, 2},
      {{2, 5, 4, 6}, {0, 1, 0, 0}, {2, 2, 4, 6}, {1, 1, 1, 1}, 0, 0, 2},
  };
  int index = 0;
  for (const SliceCase& c : cases) {
    for (ir::DataType type : {ir::DataType::kFloat32, ir::DataType::kInt32}) {
      ++index;
      if (OnGpu() && type != ir::DataType::kFloat32) continue;
      test::CompareOptions opts;
      opts.seed = 30 + index;
      opts.label = "STRIDED_SLICE " + std::string(ir::DataTypeName(type)) + " " + c.Label();
      opts.allow_cpu_nodes = !GpuTakes(c);
      test::CompareReport report;
      EXPECT_TRUE(Matches(SliceGraph(c, type), opts, {}, &report));
      if (OnGpu()) EXPECT_EQ(report.gpu_nodes, GpuTakes(c) ? 1 : 0) << opts.label;
    }
  }
}

TEST(StridedSlicePrepareTest, Errors) {
  auto prepare = [](const ir::Graph& graph) {
    auto interp = cpu::Interpreter::Create(graph, cpu::InterpreterOptions{});
    if (!interp.ok()) return interp.status();
    return (*interp)->AllocateTensors();
  };
  {
    SliceCase c{{4, 6}, {0, 0}, {4, 6}, {1, 0}};
    ir::Graph g = SliceGraph(c, ir::DataType::kFloat32);
    const Status s = prepare(g);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
  }
  {
    SliceCase c{{4, 6}, {0, 0}, {4, 6}, {1, 1}};
    ir::Graph g = SliceGraph(c, ir::DataType::kFloat32);
    std::get<ir::StridedSliceOptions>(g.nodes[0].options).ellipsis_mask = 1;
    const Status s = prepare(g);
    EXPECT_EQ(s.code(), StatusCode::kUnimplemented) << s.ToString();
  }
}

}  // namespace
}  // namespace vkd
