#include "tests/util/op_test_util.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "bench/tflite_runner.h"
#include "cpu_fallback/interpreter.h"
#include "delegate/model_runner.h"
#include "model/reader/model_reader.h"
#include "model/transform/dequantize_model.h"
#include "model/writer/model_writer.h"

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

}  // namespace

bool TfLiteAvailable() { return true; }  // this library is only built with TFLite

namespace {
// The GPU tests run on lavapipe in CI, a software device vkdelegate uses only
// when asked for: they ask, unless the caller chose a device already.
const bool kAskForAnyDevice = ::setenv("VKD_DEVICE", "any", /*overwrite=*/0) == 0;
}  // namespace

namespace {
// Keyed by "<fp16><tiled>|<forced variant>".
std::map<std::string, std::shared_ptr<gpu_delegate::GpuContext>> contexts;
std::map<std::string, bool> tried;
bool environment_added = false;

// Destroys the shared contexts after the last test and before static
// destructors run: by then the Vulkan loader and layers may be gone.
class GpuContextEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (GpuValidationErrors() > 0) {
      ADD_FAILURE() << "Vulkan validation errors:\n" << GpuValidationMessages();
    }
    contexts.clear();
  }
};

}  // namespace

// One Vulkan instance and device for the whole test process (as a real
// application has), validation on; one more per forced kernel choice.
std::shared_ptr<gpu_delegate::GpuContext> SharedGpuContext(bool fp16, bool tiled,
                                                           const std::string& force_variant) {
  const std::string key = std::to_string(fp16) + std::to_string(tiled) + "|" + force_variant;
  if (!tried[key]) {
    if (!environment_added) ::testing::AddGlobalTestEnvironment(new GpuContextEnvironment);
    environment_added = true;
    tried[key] = true;
    gpu_delegate::GpuOptions o;
    o.enable_validation = true;
    o.precision = fp16 ? shaders::Precision::kFp16 : shaders::Precision::kFp32;
    if (tiled) o.shared_memory_kernels = 1;
    if (!force_variant.empty()) o.force_variants = {force_variant};
    auto ctx = gpu_delegate::GpuContext::Create(o);
    if (ctx.ok())
      contexts[key] = std::move(ctx).value();
    else
      std::fprintf(stderr, "no GPU test context: %s\n", ctx.status().ToString().c_str());
  }
  auto it = contexts.find(key);
  return it == contexts.end() ? nullptr : it->second;
}

bool GpuAvailable() { return SharedGpuContext(false) != nullptr; }

int GpuValidationErrors() {
  int errors = 0;
  for (auto& [key, c] : contexts) {
    if (c) errors += c->instance().validation_error_count();
  }
  return errors;
}

std::string GpuValidationMessages() {
  std::string all;
  for (auto& [key, c] : contexts) {
    if (!c) continue;
    for (const auto& m : c->instance().RecentValidationMessages()) all += m + "\n";
  }
  return all;
}

ir::Shape BroadcastShape(const ir::Shape& a, const ir::Shape& b) {
  ir::Shape out(std::max(a.size(), b.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t from_end = out.size() - 1 - i;
    const int32_t da = from_end < a.size() ? a[a.size() - 1 - from_end] : 1;
    const int32_t db = from_end < b.size() ? b[b.size() - 1 - from_end] : 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

ir::Shape FullyConnectedOutputShape(const ir::Shape& input, int units, bool keep_num_dims) {
  if (keep_num_dims) {
    ir::Shape out = input;
    out.back() = units;
    return out;
  }
  return {static_cast<int32_t>(ir::NumElements(input) / input.back()), units};
}

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

RunnerOptions RunnerOptionsFor(const CompareOptions& options) {
  RunnerOptions ro;
  ro.cpu.num_threads = options.num_threads;
  ro.cpu.use_reference_kernels = options.use_reference;
  ro.use_gpu = options.use_gpu;
  ro.warn_on_fallback = false;
  ro.partition = options.partitioning;
  if (options.use_gpu) {
    ro.shared_context =
        SharedGpuContext(options.fp16, options.shared_memory_kernels, options.force_variant);
  }
  return ro;
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
  const RunnerOptions ro = RunnerOptionsFor(options);
  if (options.use_gpu && !ro.shared_context) return fail("no GPU context");
  const int errors_before = options.use_gpu ? GpuValidationErrors() : 0;
  auto runner = ModelRunner::Create(model->graph, ro);
  if (!runner.ok()) return fail("vkd create: " + runner.status().ToString());
  if (Status s = (*runner)->AllocateTensors(); !s.ok())
    return fail("vkd allocate: " + s.ToString());
  CompareReport r;
  if (options.use_gpu) {
    if (!(*runner)->gpu_fallback_reason().empty()) {
      return fail("GPU fallback: " + (*runner)->gpu_fallback_reason());
    }
    r.gpu_nodes = (*runner)->plan().num_gpu_nodes();
    r.partitions = static_cast<int>((*runner)->partitions().size());
    for (const auto& p : (*runner)->partitions()) r.dispatches += p->num_dispatches();
    if (!options.allow_cpu_nodes && r.gpu_nodes != static_cast<int>(model->graph.nodes.size())) {
      std::string why;
      for (size_t n = 0; n < (*runner)->verdicts().size(); ++n) {
        if (!(*runner)->plan().cpu_reason.empty() && !(*runner)->plan().cpu_reason[n].empty()) {
          why += " " + ir::NodeLabel(model->graph, static_cast<int>(n)) + ": " +
                 (*runner)->plan().cpu_reason[n] + ";";
        }
      }
      return fail("only " + std::to_string(r.gpu_nodes) + " of " +
                  std::to_string(model->graph.nodes.size()) + " nodes on the GPU:" + why);
    }
  }
  cpu::Interpreter* interp = &(*runner)->interpreter();

  tools::TfLiteRunOptions to;
  to.num_threads = 1;
  StatusOr<std::vector<uint8_t>> reference_bytes = *bytes;
  if (options.reference_dequantized) {
    auto dequantized = transform::DequantizeModel(model->graph);
    if (!dequantized.ok()) return fail("dequantize: " + dequantized.status().ToString());
    reference_bytes = writer::SerializeGraph(dequantized->graph);
    if (!reference_bytes.ok()) return fail("serialize: " + reference_bytes.status().ToString());
  }
  auto tfl = tools::TfLiteRunner::Create(*reference_bytes, to);
  if (!tfl.ok()) return fail("tflite create: " + tfl.status().ToString());

  for (int i = 0; i < interp->num_inputs(); ++i) {
    const ir::Tensor& t = interp->input_tensor(i);
    tools::HostTensor in = tools::RandomTensor(t.type, t.shape, options.seed + 7919u * i,
                                               options.input_min, options.input_max);
    std::copy(in.bytes.begin(), in.bytes.end(), interp->input_data(i));
    if (Status s = (*tfl)->SetInput(i, in); !s.ok()) return fail("tflite input: " + s.ToString());
  }
  if (Status s = interp->Invoke(); !s.ok()) return fail("vkd invoke: " + s.ToString());
  if (Status s = (*tfl)->Invoke(); !s.ok()) return fail("tflite invoke: " + s.ToString());

  if (options.use_gpu && GpuValidationErrors() != errors_before) {
    return fail("Vulkan validation errors:\n" + GpuValidationMessages());
  }
  std::ostringstream worst;
  for (int o = 0; o < interp->num_outputs(); ++o) {
    const ir::Tensor& ours_t = interp->output_tensor(o);
    tools::HostTensor theirs = (*tfl)->GetOutput(o);
    if (ours_t.shape != theirs.shape || ours_t.type != theirs.type) {
      return fail("output " + std::to_string(o) + ": vkd " + ir::DataTypeName(ours_t.type) + " " +
                  ir::ShapeToString(ours_t.shape) + " vs tflite " + ir::DataTypeName(theirs.type) +
                  " " + ir::ShapeToString(theirs.shape));
    }
    tools::HostTensor ours{
        ours_t.type, ours_t.shape,
        std::vector<uint8_t>(interp->output_data(o), interp->output_data(o) + ours_t.bytes())};
    double max_err = 0, max_ref = 0;
    int64_t worst_i = -1;
    for (int64_t i = 0; i < ours.num_elements(); ++i) {
      const double a = tools::ElementAsDouble(ours, i), b = tools::ElementAsDouble(theirs, i);
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
            << " (vkd " << tools::ElementAsDouble(ours, worst_i) << ", tflite "
            << tools::ElementAsDouble(theirs, worst_i) << ")";
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
