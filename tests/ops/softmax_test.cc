// SOFTMAX against TFLite 2.9, float32: ranks 1..4, beta 1 and 0.5 (and a
// sharp 4), odd depths, wide input ranges, threads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/util/backend_test.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

VKD_BACKEND_TEST_SUITE(SoftmaxTest, kAllBackends);
VKD_BACKEND_TEST_SUITE(SoftmaxGpuTest, kGpuBackends);

ir::Graph SoftmaxGraph(const Shape& shape, float beta) {
  writer::GraphBuilder g;
  const int x = g.AddInput(DataType::kFloat32, shape, "x");
  const int out = g.AddTensor(DataType::kFloat32, shape, "out");
  g.AddNode(OpType::kSoftmax, {x}, {out}, ir::SoftmaxOptions{beta}, 1);
  g.MarkOutput(out);
  return g.Build();
}

TEST_P(SoftmaxTest, ShapeBetaSweep) {
  const Shape shapes[] = {{5}, {1, 10}, {3, 1001}, {2, 3, 7}, {1, 4, 4, 13}, {2, 1}};
  for (const Shape& shape : shapes) {
    for (float beta : {1.0f, 0.5f, 4.0f}) {
      for (float range : {1.0f, 10.0f}) {
        test::CompareOptions opts;
        opts.seed = 51;
        opts.input_min = -range;
        opts.input_max = range;
        opts.label = "SOFTMAX " + ir::ShapeToString(shape) + " beta=" + std::to_string(beta) +
                     " range=" + std::to_string(range);
        EXPECT_TRUE(MatchesInDispatches(SoftmaxGraph(shape, beta), opts, 1));
      }
    }
  }
}

TEST_P(SoftmaxTest, Threaded) {
  for (const Shape& shape : {Shape{64, 1001}, Shape{1, 32, 32, 21}}) {
    test::CompareOptions opts;
    opts.seed = 52;
    opts.num_threads = 2;
    opts.input_min = -5.0f;
    opts.input_max = 5.0f;
    opts.label = "SOFTMAX " + ir::ShapeToString(shape) + " threads=2";
    EXPECT_TRUE(MatchesInDispatches(SoftmaxGraph(shape, 1.0f), opts, 1));
  }
}

// Both SOFTMAX variants (one invocation per pixel; a workgroup per pixel),
// each forced; the device's own choice runs in the bodies above.
TEST_P(SoftmaxGpuTest, EveryVariant) {
  int index = 0;
  for (const char* variant : {"softmax_pixel", "softmax_wg"}) {
    for (float beta : {1.0f, 0.5f}) {
      for (int c : {1, 3, 5, 1001}) {
        for (const Shape& shape : std::vector<Shape>{{3, c}, {2, 3, 4, c}, {1, 1, 1, c}}) {
          test::CompareOptions opts;
          opts.seed = ++index;
          opts.input_min = -8.0f;
          opts.input_max = 8.0f;
          opts.force_variant = variant;
          opts.label = "SOFTMAX " + ir::ShapeToString(shape) + " beta " + std::to_string(beta) +
                       " " + variant;
          EXPECT_TRUE(MatchesInDispatches(SoftmaxGraph(shape, beta), opts, 1));
        }
      }
    }
  }
}

}  // namespace
}  // namespace vkd
