// Comparison over several invokes in a row, for ops with variable tensors
// (RNN state): MatchesTfLite invokes once, which leaves the state carried from
// one invoke to the next untested. Each invoke gets fresh random inputs
// (seed + invoke); every output of every invoke is compared as MatchesTfLite
// does (float: tolerance relative to max(1, max |tflite|); integer: units).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "bench/host_tensor.h"
#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "model/writer/model_writer.h"
#include "tests/util/op_test_util.h"

namespace vkd::test {

inline double RecurrentElement(ir::DataType type, const uint8_t* p, int64_t i) {
  switch (type) {
    case ir::DataType::kFloat32:
      return reinterpret_cast<const float*>(p)[i];
    case ir::DataType::kInt8:
      return reinterpret_cast<const int8_t*>(p)[i];
    case ir::DataType::kInt16:
      return reinterpret_cast<const int16_t*>(p)[i];
    default:
      return NAN;
  }
}

inline ::testing::AssertionResult MatchesTfLiteOverInvokes(const ir::Graph& graph,
                                                           const CompareOptions& options,
                                                           double tolerance, int invokes) {
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << "[" << options.label << (options.use_reference ? " reference" : "") << "] " << what;
  };
  auto bytes = writer::SerializeGraph(graph);
  if (!bytes.ok()) return fail("serialize: " + bytes.status().ToString());
  auto model = reader::ReadModelFromBytes(*bytes);
  if (!model.ok()) return fail("read back: " + model.status().ToString());
  RunnerOptions ro;
  ro.cpu.num_threads = options.num_threads;
  ro.cpu.use_reference_kernels = options.use_reference;
  ro.warn_on_fallback = false;
  auto runner = ModelRunner::Create(model->graph, ro);
  if (!runner.ok()) return fail("vkd create: " + runner.status().ToString());
  if (Status s = (*runner)->AllocateTensors(); !s.ok())
    return fail("vkd allocate: " + s.ToString());
  cpu::Interpreter& interp = (*runner)->interpreter();
  tools::TfLiteRunOptions to;
  to.num_threads = 1;
  auto tfl = tools::TfLiteRunner::Create(*bytes, to);
  if (!tfl.ok()) return fail("tflite create: " + tfl.status().ToString());

  for (int k = 0; k < invokes; ++k) {
    for (int i = 0; i < interp.num_inputs(); ++i) {
      const ir::Tensor& t = interp.input_tensor(i);
      tools::HostTensor in =
          tools::RandomTensor(t.type, t.shape, options.seed + 7919u * i + 104729u * k,
                              options.input_min, options.input_max);
      std::copy(in.bytes.begin(), in.bytes.end(), interp.input_data(i));
      if (Status s = (*tfl)->SetInput(i, in); !s.ok()) return fail("tflite input: " + s.ToString());
    }
    if (Status s = interp.Invoke(); !s.ok()) return fail("vkd invoke: " + s.ToString());
    if (Status s = (*tfl)->Invoke(); !s.ok()) return fail("tflite invoke: " + s.ToString());
    for (int o = 0; o < interp.num_outputs(); ++o) {
      const ir::Tensor& ours = interp.output_tensor(o);
      tools::HostTensor theirs = (*tfl)->GetOutput(o);
      if (ours.shape != theirs.shape || ours.type != theirs.type) {
        return fail("output " + std::to_string(o) + ": vkd " + ir::ShapeToString(ours.shape) +
                    " vs tflite " + ir::ShapeToString(theirs.shape));
      }
      double max_err = 0, max_ref = 0, worst_a = 0, worst_b = 0;
      int64_t worst = 0;
      for (int64_t i = 0; i < ours.num_elements(); ++i) {
        const double a = RecurrentElement(ours.type, interp.output_data(o), i);
        const double b = RecurrentElement(theirs.type, theirs.bytes.data(), i);
        const double err = std::isnan(a) || std::isnan(b) ? INFINITY : std::fabs(a - b);
        max_ref = std::max(max_ref, std::fabs(b));
        if (err > max_err) {
          max_err = err;
          worst = i;
          worst_a = a;
          worst_b = b;
        }
      }
      const double allowed =
          ours.type == ir::DataType::kFloat32 ? tolerance * std::max(1.0, max_ref) : tolerance;
      if (max_err > allowed) {
        return fail("invoke " + std::to_string(k) + " output " + std::to_string(o) +
                    ": max |vkd - tflite| = " + std::to_string(max_err) + " > " +
                    std::to_string(allowed) + " at element " + std::to_string(worst) + " (vkd " +
                    std::to_string(worst_a) + ", tflite " + std::to_string(worst_b) + ")");
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// Optimized and reference kernels, each over `invokes` invokes.
inline ::testing::AssertionResult BothKernelsMatchTfLiteOverInvokes(const ir::Graph& graph,
                                                                    CompareOptions options,
                                                                    double tolerance, int invokes) {
  options.use_reference = false;
  auto optimized = MatchesTfLiteOverInvokes(graph, options, tolerance, invokes);
  if (!optimized) return optimized;
  options.use_reference = true;
  return MatchesTfLiteOverInvokes(graph, options, tolerance, invokes);
}

}  // namespace vkd::test
