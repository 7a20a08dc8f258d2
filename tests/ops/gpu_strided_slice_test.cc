// STRIDED_SLICE on the GPU against TFLite: ranks 1..4, positive and
// negative strides (channel strides too, so lanes are gathered), negative
// and out-of-range begin/end, begin/end masks, odd channel counts, batch 2;
// and shrink masks staying on the CPU with a reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cpu_fallback/reference/strided_slice.h"
#include "model/writer/graph_builder.h"
#include "tests/util/gpu_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

struct SliceCase {
  Shape in;
  std::vector<int32_t> begin, end, strides;
  int32_t begin_mask = 0, end_mask = 0, shrink_mask = 0;
  std::string Label() const {
    return "STRIDED_SLICE " + ir::ShapeToString(in) + " begin " + ir::ShapeToString(begin) +
           " end " + ir::ShapeToString(end) + " strides " + ir::ShapeToString(strides) +
           " masks b" + std::to_string(begin_mask) + " e" + std::to_string(end_mask) + " s" +
           std::to_string(shrink_mask);
  }
};

ir::Graph SliceGraph(const SliceCase& c) {
  writer::GraphBuilder g;
  const int rank = static_cast<int>(c.in.size());
  const int x = g.AddInput(DataType::kFloat32, c.in, "x");
  const int b = g.AddConstant<int32_t>({rank}, c.begin, "begin");
  const int e = g.AddConstant<int32_t>({rank}, c.end, "end");
  const int s = g.AddConstant<int32_t>({rank}, c.strides, "strides");
  // The declared shape; both runtimes compute their own.
  ops::StridedSliceParams p;
  ops::ResolveStridedSlice(rank, c.in.data(), c.begin.data(), c.end.data(), c.strides.data(),
                           c.begin_mask, c.end_mask, c.shrink_mask, &p);
  Shape out;
  for (int d = 0; d < rank; ++d) {
    if (!((c.shrink_mask >> d) & 1)) out.push_back(p.out_dims[d]);
  }
  const int y = g.AddTensor(DataType::kFloat32, out, "y");
  ir::StridedSliceOptions o;
  o.begin_mask = c.begin_mask;
  o.end_mask = c.end_mask;
  o.shrink_axis_mask = c.shrink_mask;
  g.AddNode(OpType::kStridedSlice, {x, b, e, s}, {y}, o, 1);
  g.MarkOutput(y);
  return g.Build();
}

TEST(GpuStridedSliceTest, Sweep) {
  VKD_REQUIRE_GPU();
  const SliceCase cases[] = {
      {{10}, {1}, {8}, {3}},
      {{10}, {-2}, {-9}, {-2}},
      {{13}, {-20}, {20}, {1}},   // clamped forward
      {{10}, {20}, {-20}, {-3}},  // clamped backward
      {{4, 6}, {1, -1}, {3, 0}, {1, -1}},
      {{3, 5, 7}, {0, 4, 1}, {3, -6, 7}, {2, -2, 3}},
      {{1, 6, 7, 5}, {0, 1, 0, 1}, {1, 6, 7, 4}, {1, 2, 3, 1}},
      {{1, 6, 7, 13}, {0, 1, 2, 4}, {1, 6, 7, 13}, {1, 1, 1, 1}},  // 4-aligned channel start
      {{1, 6, 7, 13}, {0, 0, 0, 0}, {1, 6, 7, 9}, {1, 2, 2, 1}},   // channel end mid-block
      {{2, 5, 4, 13}, {-1, 4, -1, 12}, {-3, 0, -5, 0}, {-1, -1, -2, -5}},
      {{2, 5, 4, 3}, {1, 0, 0, 0}, {2, 5, 4, 3}, {1, 1, 1, 1}},  // batch
      {{2, 3, 4, 1}, {0, 2, 3, 0}, {2, -4, -5, 1}, {1, -1, -1, 1}},
      // begin/end masks: the values given are ignored.
      {{4, 6}, {3, 5}, {3, 0}, {1, -2}, 1, 2},
      {{2, 5, 4, 6}, {0, -2, 0, 1}, {0, 5, 4, 5}, {1, 1, 1, 2}, 1, 9},
      {{2, 5, 4, 6}, {1, 3, 2, 5}, {0, 0, 0, 0}, {1, -1, 1, -1}, 0, 15},
  };
  int index = 0;
  for (const SliceCase& c : cases) {
    test::CompareOptions o;
    o.seed = 50 + index++;
    o.label = c.Label();
    EXPECT_TRUE(test::GpuMatchesTfLite(SliceGraph(c), o));
  }
}

TEST(GpuStridedSliceTest, ShrinkMaskRunsOnCpu) {
  VKD_REQUIRE_GPU();
  const SliceCase c{{2, 5, 4, 6}, {0, 1, 0, 0}, {2, 2, 4, 6}, {1, 1, 1, 1}, 0, 0, 2};
  test::CompareOptions o;
  o.label = c.Label();
  o.allow_cpu_nodes = true;
  test::CompareReport report;
  EXPECT_TRUE(test::GpuMatchesTfLite(SliceGraph(c), o, test::kGpuFp32Tolerance, &report));
  EXPECT_EQ(report.gpu_nodes, 0);
}

TEST(GpuStridedSliceTest, Fp16) {
  VKD_REQUIRE_GPU();
  const SliceCase c{{1, 6, 7, 13}, {0, 1, 0, 1}, {1, 6, 7, 13}, {1, 2, 3, 3}};
  test::CompareOptions o;
  o.fp16 = true;
  o.label = c.Label() + " fp16";
  EXPECT_TRUE(test::GpuMatchesTfLite(SliceGraph(c), o, 1e-2));
}

}  // namespace
}  // namespace vkd
