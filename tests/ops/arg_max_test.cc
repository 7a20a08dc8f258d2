// ARG_MAX against TFLite 2.9: float32, int8, uint8, int32 inputs,
// int32 and int64 outputs, every axis (negative too, int32 and int64 axis
// tensors), and narrow value ranges so that ties (first index wins) occur.
// Exact.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/writer/graph_builder.h"
#include "tests/ops/qshape_test_util.h"
#include "tests/util/op_test_util.h"

namespace vkd {
namespace {

using ir::DataType;
using ir::OpType;
using ir::Shape;

TEST(ArgMaxTest, Sweep) {
  if (!test::TfLiteAvailable()) GTEST_SKIP() << "reference TFLite not built";
  const Shape shapes[] = {{1, 5, 7, 21}, {3, 17}, {6}};
  int n = 0;
  for (OpType op : {OpType::kArgMax}) {  // ARG_MIN: see quantized_movement_test.cc
    for (DataType type :
         {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32}) {
      for (const Shape& shape : shapes) {
        const int rank = static_cast<int>(shape.size());
        for (int axis = -1; axis < rank; ++axis) {
          for (DataType out_type : {DataType::kInt32, DataType::kInt64}) {
            for (bool narrow : {false, true}) {
              ++n;
              const int resolved = axis < 0 ? axis + rank : axis;
              Shape out_shape;
              for (int d = 0; d < rank; ++d) {
                if (d != resolved) out_shape.push_back(shape[d]);
              }
              writer::GraphBuilder g;
              const int x = g.AddInput(type, shape, "x", test::QuantFor(type, 0.1f, 3));
              const int a = n % 2 ? g.AddConstant<int32_t>({1}, {axis}, "axis")
                                  : g.AddConstant<int64_t>({1}, {axis}, "axis");
              const int y = g.AddTensor(out_type, out_shape, "y");
              g.AddNode(op, {x, a}, {y}, ir::ArgMaxOptions{out_type}, test::Int8Version(type));
              g.MarkOutput(y);
              const std::string label = ir::OpTypeName(op) + " " + test::TypeLabel(type) + " " +
                                        ir::ShapeToString(shape) + " axis " + std::to_string(axis) +
                                        " -> " + test::TypeLabel(out_type) +
                                        (narrow ? " ties" : "");
              test::CompareOptions opts = test::FullRange(type, label, n);
              if (narrow) {  // few distinct values: ties everywhere
                opts.input_min = type == DataType::kFloat32 ? 0.0f : 0.0f;
                opts.input_max = 3.0f;
              }
              if (narrow && type == DataType::kFloat32) continue;  // floats rarely tie
              EXPECT_TRUE(test::BothKernelsMatchTfLite(g.Build(), opts, 0));
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace vkd
