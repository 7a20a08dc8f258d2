#include "bench/tflite_timing.h"

#include <chrono>
#include <cmath>

namespace vkd::tools {
namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

StatusOr<TfLiteTiming> TimeTfLite(const std::string& model_path, TfLiteRunOptions options,
                                  const std::vector<HostTensor>& inputs, uint32_t seed,
                                  int warmup_runs, int num_runs) {
  TfLiteTiming timing;
  const auto t0 = Clock::now();
  for (const HostTensor& in : inputs) options.input_shapes.push_back(in.shape);
  VKD_ASSIGN_OR_RETURN(std::unique_ptr<TfLiteRunner> runner,
                       TfLiteRunner::CreateFromFile(model_path, options));
  timing.init_ms = MsSince(t0);
  if (!inputs.empty() && static_cast<int>(inputs.size()) != runner->num_inputs()) {
    return InvalidArgumentError("TFLite sees " + std::to_string(runner->num_inputs()) +
                                " inputs, given " + std::to_string(inputs.size()));
  }
  for (int i = 0; i < runner->num_inputs(); ++i) {
    const HostTensor spec = runner->InputSpec(i);
    const HostTensor in =
        inputs.empty() ? RandomTensor(spec.type, spec.shape, seed + static_cast<uint32_t>(i))
                       : inputs[i];
    VKD_RETURN_IF_ERROR(runner->SetInput(i, in));
  }
  for (int r = 0; r < std::max(1, warmup_runs); ++r) {
    VKD_RETURN_IF_ERROR(runner->Invoke());
    if (r == 0) {
      for (int o = 0; o < runner->num_outputs(); ++o) timing.outputs.push_back(runner->GetOutput(o));
    }
  }
  for (int r = 0; r < num_runs; ++r) {
    const auto t = Clock::now();
    VKD_RETURN_IF_ERROR(runner->Invoke());
    timing.latencies_ms.push_back(MsSince(t));
  }
  return timing;
}

StatusOr<double> MaxAbsDifference(const std::vector<HostTensor>& a,
                                  const std::vector<HostTensor>& b) {
  if (a.size() != b.size()) {
    return InvalidArgumentError(std::to_string(a.size()) + " outputs vs " +
                                std::to_string(b.size()));
  }
  double worst = 0;
  for (size_t o = 0; o < a.size(); ++o) {
    if (a[o].type != b[o].type || a[o].shape != b[o].shape) {
      return InvalidArgumentError("output " + std::to_string(o) + ": " +
                                  ir::DataTypeName(a[o].type) + " " +
                                  ir::ShapeToString(a[o].shape) + " vs " +
                                  ir::DataTypeName(b[o].type) + " " + ir::ShapeToString(b[o].shape));
    }
    for (int64_t i = 0; i < a[o].num_elements(); ++i) {
      const double x = ElementAsDouble(a[o], i), y = ElementAsDouble(b[o], i);
      const double d = std::isnan(x) || std::isnan(y) ? (std::isnan(x) && std::isnan(y) ? 0 : INFINITY)
                                                      : std::fabs(x - y);
      worst = std::max(worst, d);
    }
  }
  return worst;
}

}  // namespace vkd::tools
