// Fuzz target: the .tflite reader, then the CPU interpreter (prepare and one
// invoke on zero inputs) on whatever it accepts. Any crash, sanitizer report
// or hang is a finding; errors are the expected outcome for most inputs.
// The memory budget is small so that models declaring huge tensors fail
// fast at AllocateTensors instead of exhausting the fuzzing machine.
#include <cstdint>
#include <cstring>
#include <memory>

#include "cpu_fallback/interpreter.h"
#include "delegate/reader/model_reader.h"

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
  for (int i = 0; i < (*interpreter)->num_inputs(); ++i) {
    uint8_t* in = (*interpreter)->input_data(i);
    if (in) std::memset(in, 0, (*interpreter)->input_tensor(i).bytes());
  }
  (void)(*interpreter)->Invoke();
  return 0;
}
