// Fuzz target: the .tflite reader, then the CPU interpreter (prepare and one
// invoke on zero inputs) on whatever it accepts. Any crash, sanitizer report
// or hang is a finding; errors are the expected outcome for most inputs.
// The memory budget is small so that models declaring huge tensors fail
// fast at AllocateTensors instead of exhausting the fuzzing machine.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <variant>

#include "cpu_fallback/interpreter.h"
#include "model/reader/model_reader.h"

namespace {

// Multiply-adds of the sliding-window ops (pooling and convolutions: output
// elements x window taps, x input depth for CONV_2D). A small model can ask
// for 10^13 of them (a 2000x2000 pooling window over a 2000x2000 map): that
// is work, not a bug — TFLite would take as long — so the harness does not
// invoke such models, and a timeout it reports is a real hang.
double WindowWork(const vkd::cpu::Interpreter& interpreter) {
  double work = 0;
  const vkd::ir::Graph& g = interpreter.graph();
  for (const vkd::ir::Node& node : g.nodes) {
    if (node.outputs.empty() || node.inputs.empty() || node.inputs[0] < 0) continue;
    const double out = static_cast<double>(interpreter.tensor(node.outputs[0]).num_elements());
    // By op type, not by the options' kind: a model may leave the options
    // out, and the kernels then run with TFLite's defaults (a fuzz finding:
    // a DEPTHWISE_CONV_2D without options whose filter was its 655370-row
    // input looked like no work at all).
    using vkd::ir::OpType;
    const bool pool = node.op == OpType::kAveragePool2d || node.op == OpType::kMaxPool2d ||
                      node.op == OpType::kL2Pool2d;
    const bool depthwise = node.op == OpType::kDepthwiseConv2d;
    const bool conv = depthwise || node.op == OpType::kConv2d || node.op == OpType::kTransposeConv;
    if (pool) {
      const auto* p = std::get_if<vkd::ir::Pool2DOptions>(&node.options);
      const vkd::ir::Pool2DOptions options = p ? *p : vkd::ir::Pool2DOptions{};
      work += out * options.filter_h * options.filter_w;
    } else if (conv && node.inputs.size() > 1 && node.inputs[1] >= 0) {
      // Per output element: the filter's taps (x input depth), i.e. the
      // filter divided by its output-channel dimension.
      const vkd::ir::Tensor& f = interpreter.tensor(node.inputs[1]);
      const double channels = f.shape.empty() ? 1 : (depthwise ? f.shape.back() : f.shape[0]);
      work += out * static_cast<double>(f.num_elements()) / std::max(1.0, channels);
    }
  }
  return work;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader reads constants in place and needs 16-byte alignment, as a
  // mapped file has.
  std::shared_ptr<uint8_t> copy(static_cast<uint8_t*>(std::aligned_alloc(16, (size + 16) & ~15u)),
                                std::free);
  if (!copy) return 0;
  if (size) std::memcpy(copy.get(), data, size);
  auto model = vkd::reader::ReadModelFromBuffer(copy, copy.get(), size);
  if (!model.ok()) return 0;
  vkd::cpu::InterpreterOptions options;
  options.memory_budget_bytes = 64u << 20;
  auto interpreter = vkd::cpu::Interpreter::Create(std::move(model->graph), options);
  if (!interpreter.ok()) return 0;
  if (!(*interpreter)->AllocateTensors().ok()) return 0;
  if (WindowWork(**interpreter) > 2e8) return 0;
  for (int i = 0; i < (*interpreter)->num_inputs(); ++i) {
    uint8_t* in = (*interpreter)->input_data(i);
    if (in) std::memset(in, 0, (*interpreter)->input_tensor(i).bytes());
  }
  (void)(*interpreter)->Invoke();
  return 0;
}
