#include "tests/util/op_test_util.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/reader/model_reader.h"
#include "delegate/writer/model_writer.h"

namespace vkd::test {
namespace {

std::string DescribeGraph(const ir::Graph& g) {
  std::ostringstream os;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    os << "  " << ir::NodeLabel(g, static_cast<int>(n)) << " v" << g.nodes[n].version << " in:";
    for (int32_t t : g.nodes[n].inputs)
      os << " " << (t < 0 ? std::string("-") : ir::TensorLabel(g, t));
    os << "\n";
  }
  return os.str();
}

double ElementAsDouble(const tools::HostTensor& t, int64_t i) {
  switch (t.type) {
    case ir::DataType::kFloat32:
      return t.as<float>()[i];
    case ir::DataType::kInt32:
      return t.as<int32_t>()[i];
    case ir::DataType::kInt64:
      return static_cast<double>(t.as<int64_t>()[i]);
    case ir::DataType::kInt8:
      return t.as<int8_t>()[i];
    case ir::DataType::kUInt8:
      return t.as<uint8_t>()[i];
    case ir::DataType::kInt16:
      return t.as<int16_t>()[i];
    case ir::DataType::kBool:
      return t.as<uint8_t>()[i] ? 1 : 0;
    default:
      return 0;
  }
}

}  // namespace

bool TfLiteAvailable() { return true; }  // this library is only built with TFLite

std::vector<float> RandomFloats(size_t n, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<int8_t> RandomInt8(size_t n, uint32_t seed, int lo, int hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(dist(rng));
  return v;
}

::testing::AssertionResult MatchesTfLite(const ir::Graph& graph, const CompareOptions& options,
                                         double tolerance, CompareReport* report) {
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure() << "[" << options.label << "] " << what << "\n"
                                         << DescribeGraph(graph);
  };
  auto bytes = writer::SerializeGraph(graph);
  if (!bytes.ok()) return fail("serialize: " + bytes.status().ToString());

  // Ours: through the reader, as a user's file would go.
  auto model = reader::ReadModelFromBytes(*bytes);
  if (!model.ok()) return fail("read back: " + model.status().ToString());
  cpu::InterpreterOptions io;
  io.num_threads = options.num_threads;
  io.use_reference_kernels = options.use_reference;
  auto interp = cpu::Interpreter::Create(model->graph, io);
  if (!interp.ok()) return fail("vkd create: " + interp.status().ToString());
  if (Status s = (*interp)->AllocateTensors(); !s.ok())
    return fail("vkd allocate: " + s.ToString());

  tools::TfLiteRunOptions to;
  to.num_threads = 1;
  auto tfl = tools::TfLiteRunner::Create(*bytes, to);
  if (!tfl.ok()) return fail("tflite create: " + tfl.status().ToString());

  for (int i = 0; i < (*interp)->num_inputs(); ++i) {
    const ir::Tensor& t = (*interp)->input_tensor(i);
    tools::HostTensor in = tools::RandomTensor(t.type, t.shape, options.seed + 7919u * i,
                                               options.input_min, options.input_max);
    std::copy(in.bytes.begin(), in.bytes.end(), (*interp)->input_data(i));
    if (Status s = (*tfl)->SetInput(i, in); !s.ok()) return fail("tflite input: " + s.ToString());
  }
  if (Status s = (*interp)->Invoke(); !s.ok()) return fail("vkd invoke: " + s.ToString());
  if (Status s = (*tfl)->Invoke(); !s.ok()) return fail("tflite invoke: " + s.ToString());

  CompareReport r;
  std::ostringstream worst;
  for (int o = 0; o < (*interp)->num_outputs(); ++o) {
    const ir::Tensor& ours_t = (*interp)->output_tensor(o);
    tools::HostTensor theirs = (*tfl)->GetOutput(o);
    if (ours_t.shape != theirs.shape || ours_t.type != theirs.type) {
      return fail("output " + std::to_string(o) + ": vkd " + ir::DataTypeName(ours_t.type) + " " +
                  ir::ShapeToString(ours_t.shape) + " vs tflite " + ir::DataTypeName(theirs.type) +
                  " " + ir::ShapeToString(theirs.shape));
    }
    tools::HostTensor ours{ours_t.type, ours_t.shape,
                           std::vector<uint8_t>((*interp)->output_data(o),
                                                (*interp)->output_data(o) + ours_t.bytes())};
    double max_err = 0, max_ref = 0;
    int64_t worst_i = -1;
    for (int64_t i = 0; i < ours.num_elements(); ++i) {
      const double a = ElementAsDouble(ours, i), b = ElementAsDouble(theirs, i);
      const double err =
          (std::isnan(a) != std::isnan(b)) ? INFINITY : (std::isnan(a) ? 0 : std::fabs(a - b));
      max_ref = std::max(max_ref, std::fabs(b));
      if (err > max_err || worst_i < 0) {
        if (err > max_err) max_err = err;
        if (err >= max_err) worst_i = i;
      }
    }
    r.max_abs_error = std::max(r.max_abs_error, max_err);
    r.max_abs_reference = std::max(r.max_abs_reference, max_ref);
    const bool is_float = ours.type == ir::DataType::kFloat32;
    const double allowed = is_float ? tolerance * std::max(1.0, max_ref) : tolerance;
    if (max_err > allowed) {
      worst << "output " << o << " " << ir::ShapeToString(ours.shape)
            << ": max |vkd - tflite| = " << max_err << " > " << allowed << " at element " << worst_i
            << " (vkd " << ElementAsDouble(ours, worst_i) << ", tflite "
            << ElementAsDouble(theirs, worst_i) << ")";
      if (report) *report = r;
      return fail(worst.str());
    }
  }
  if (report) *report = r;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult BothKernelsMatchTfLite(const ir::Graph& graph, CompareOptions options,
                                                  double tolerance) {
  options.use_reference = false;
  auto optimized = MatchesTfLite(graph, options, tolerance);
  if (!optimized) return optimized << "(optimized kernels)";
  options.use_reference = true;
  auto reference = MatchesTfLite(graph, options, tolerance);
  if (!reference) return reference << "(reference kernels)";
  return ::testing::AssertionSuccess();
}

}  // namespace vkd::test
