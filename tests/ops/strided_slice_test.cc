// STRIDED_SLICE against TFLite 2.9: ranks 1..5, positive and negative
// strides, negative and out-of-range begin/end (clamped by direction),
// begin/end/shrink masks, float32 and int32.
#include "cpu_fallback/reference/strided_slice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cpu_fallback/interpreter.h"
#include "model/writer/graph_builder.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

constexpr double kTolerance = 1e-5;

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

ir::Graph SliceGraph(const SliceCase& c, ir::DataType type) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(c.in.size());
  const int x = g.AddInput(type, c.in, "x");
  const int b = g.AddConstant<int32_t>({rank}, c.begin, "begin");
  const int e = g.AddConstant<int32_t>({rank}, c.end, "end");
  const int s = g.AddConstant<int32_t>({rank}, c.strides, "strides");
  // The declared shape; both runtimes compute their own. A zero stride
  // (an error case) keeps the input's.
  ir::Shape out = c.in;
  if (std::find(c.strides.begin(), c.strides.end(), 0) == c.strides.end()) {
    ops::StridedSliceParams p;
    ops::ResolveStridedSlice(rank, c.in.data(), c.begin.data(), c.end.data(), c.strides.data(),
                             c.begin_mask, c.end_mask, c.shrink_mask, &p);
    out.clear();
    for (int d = 0; d < rank; ++d) {
      if (!((c.shrink_mask >> d) & 1)) out.push_back(p.out_dims[d]);
    }
  }
  const int y = g.AddTensor(type, out, "y");
  ir::StridedSliceOptions o;
  o.begin_mask = c.begin_mask;
  o.end_mask = c.end_mask;
  o.shrink_axis_mask = c.shrink_mask;
  g.AddNode(ir::OpType::kStridedSlice, {x, b, e, s}, {y}, o, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST(StridedSliceTest, Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const SliceCase cases[] = {
      {{10}, {1}, {8}, {3}},
      {{10}, {-2}, {-9}, {-2}},
      {{10}, {-20}, {20}, {1}},   // clamped forward
      {{10}, {20}, {-20}, {-3}},  // clamped backward
      {{10}, {5}, {2}, {1}},      // empty
      {{4, 6}, {1, -1}, {3, 0}, {1, -1}},
      {{3, 5, 7}, {0, 4, 1}, {3, -6, 7}, {2, -2, 3}},
      {{1, 6, 7, 5}, {0, 1, 0, 1}, {1, 6, 7, 4}, {1, 2, 3, 1}},
      {{2, 5, 4, 13}, {-1, 4, -1, 12}, {-3, 0, -5, 0}, {-1, -1, -2, -5}},
      {{2, 3, 4, 3, 2}, {0, 1, 0, 2, 1}, {2, 3, 4, 0, 2}, {1, 1, 2, -1, 1}},
      // Masks: begin/end ignore the values given, shrink drops an axis.
      {{4, 6}, {3, 5}, {0, 0}, {1, -2}, 1, 2, 0},
      {{3, 5, 7}, {1, 0, -1}, {2, 5, 0}, {1, 2, -1}, 0, 4, 1},
      {{2, 5, 4, 6}, {0, -2, 0, 1}, {0, 0, 4, 5}, {1, 1, 1, 2}, 1, 9, 2},
  };
  int index = 0;
  for (const SliceCase& c : cases) {
    for (ir::DataType type : {ir::DataType::kFloat32, ir::DataType::kInt32}) {
      test::CompareOptions opts;
      opts.seed = 30 + index++;
      opts.label = "STRIDED_SLICE " + std::string(ir::DataTypeName(type)) + " " + c.Label();
      EXPECT_TRUE(test::BothKernelsMatchTfLite(SliceGraph(c, type), opts, kTolerance));
    }
  }
}

TEST(StridedSliceTest, PrepareErrors) {
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
