// Comparison over several invokes in a row, for ops with variable tensors
// (RNN state: UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF): MatchesTfLite invokes once,
// which leaves the state carried from one invoke to the next untested. Each
// invoke gets fresh random inputs (seed + invoke); every output of every
// invoke is compared as MatchesTfLite does (float: tolerance relative to
// max(1, max |tflite|); integer: units). These ops run on the CPU kernels
// only, so the backends are the CPU ones.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/host_tensor.h"
#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "model/writer/model_writer.h"
#include "tests/util/backend_test.h"

namespace vkd::test {

// A runner for `graph` as a user's file gives it: serialized (into *bytes
// when given), read back, tensors allocated.
inline StatusOr<std::unique_ptr<ModelRunner>> RunnerFromFile(
    const ir::Graph& graph, const RunnerOptions& options, std::vector<uint8_t>* bytes = nullptr) {
  auto serialized = writer::SerializeGraph(graph);
  if (!serialized.ok()) return serialized.status();
  auto model = reader::ReadModelFromBytes(*serialized);
  if (!model.ok()) return model.status();
  auto runner = ModelRunner::Create(model->graph, options);
  if (!runner.ok()) return runner.status();
  if (Status s = (*runner)->AllocateTensors(); !s.ok()) return s;
  if (bytes) *bytes = std::move(*serialized);
  return runner;
}

// Whether vkdelegate takes `graph` (its refusals, TFLite not asked).
inline Status AllocateStatus(const ir::Graph& graph) {
  return RunnerFromFile(graph, RunnerOptions{}).status();
}

// The worst element of one output against TFLite's, or a failure naming it.
inline ::testing::AssertionResult OutputMatches(const tools::HostTensor& ours,
                                                const tools::HostTensor& theirs, double tolerance) {
  if (ours.shape != theirs.shape || ours.type != theirs.type) {
    return ::testing::AssertionFailure() << "vkd " << ir::ShapeToString(ours.shape) << " vs tflite "
                                         << ir::ShapeToString(theirs.shape);
  }
  double max_err = 0, max_ref = 0;
  int64_t worst = 0;
  for (int64_t i = 0; i < ours.num_elements(); ++i) {
    const double a = tools::ElementAsDouble(ours, i), b = tools::ElementAsDouble(theirs, i);
    const double err = std::isnan(a) || std::isnan(b) ? INFINITY : std::fabs(a - b);
    max_ref = std::max(max_ref, std::fabs(b));
    if (err > max_err) {
      max_err = err;
      worst = i;
    }
  }
  const double allowed =
      ours.type == ir::DataType::kFloat32 ? tolerance * std::max(1.0, max_ref) : tolerance;
  if (max_err <= allowed) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "max |vkd - tflite| = " << max_err << " > " << allowed << " at element " << worst
         << " (vkd " << tools::ElementAsDouble(ours, worst) << ", tflite "
         << tools::ElementAsDouble(theirs, worst) << ")";
}

// `t`'s CPU kernels against TFLite over `invokes` invokes.
inline ::testing::AssertionResult MatchesOverInvokes(const BackendTest& t, const ir::Graph& graph,
                                                     const CompareOptions& options,
                                                     double tolerance, int invokes) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "[" << options.label << "] (" << BackendName(t.backend()) << ") ";
  };
  if (t.OnGpu()) return fail() << "recurrent ops run on the CPU only";
  RunnerOptions ro;
  ro.cpu.num_threads = options.num_threads;
  ro.cpu.use_reference_kernels = t.backend() == Backend::kCpuReference;
  ro.warn_on_fallback = false;
  std::vector<uint8_t> bytes;
  auto runner = RunnerFromFile(graph, ro, &bytes);
  if (!runner.ok()) return fail() << "vkd: " << runner.status().ToString();
  cpu::Interpreter& interp = (*runner)->interpreter();
  tools::TfLiteRunOptions to;
  to.num_threads = 1;
  auto tfl = tools::TfLiteRunner::Create(bytes, to);
  if (!tfl.ok()) return fail() << "tflite create: " << tfl.status().ToString();

  for (int k = 0; k < invokes; ++k) {
    for (int i = 0; i < interp.num_inputs(); ++i) {
      const ir::Tensor& in_t = interp.input_tensor(i);
      tools::HostTensor in =
          tools::RandomTensor(in_t.type, in_t.shape, options.seed + 7919u * i + 104729u * k,
                              options.input_min, options.input_max);
      std::copy(in.bytes.begin(), in.bytes.end(), interp.input_data(i));
      if (Status s = (*tfl)->SetInput(i, in); !s.ok())
        return fail() << "tflite input: " << s.ToString();
    }
    if (Status s = interp.Invoke(); !s.ok()) return fail() << "vkd invoke: " << s.ToString();
    if (Status s = (*tfl)->Invoke(); !s.ok()) return fail() << "tflite invoke: " << s.ToString();
    for (int o = 0; o < interp.num_outputs(); ++o) {
      const ir::Tensor& out_t = interp.output_tensor(o);
      const tools::HostTensor ours{
          out_t.type, out_t.shape,
          std::vector<uint8_t>(interp.output_data(o), interp.output_data(o) + out_t.bytes())};
      auto result = OutputMatches(ours, (*tfl)->GetOutput(o), tolerance);
      if (!result) return fail() << "invoke " << k << " output " << o << ": " << result.message();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace vkd::test
