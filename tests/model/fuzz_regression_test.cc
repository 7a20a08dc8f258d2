// Every input the fuzzers ever found a problem with (tests/model/
// fuzz_regressions/), run the way fuzz/fuzz_model.cc runs them: the reader,
// then the CPU interpreter's prepare and one invoke. Each must end in a
// clean error or a result; under scripts/sanitize.sh (ASan + UBSan) any
// memory error or undefined behaviour fails the suite.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "cpu_fallback/interpreter.h"
#include "model/reader/model_reader.h"

namespace vkd {
namespace {

namespace fs = std::filesystem;

TEST(FuzzRegressions, EveryFindingEndsCleanly) {
  const fs::path dir = fs::path(VKD_SOURCE_DIR) / "tests/model/fuzz_regressions";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream f(entry.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(f)),
                                  std::istreambuf_iterator<char>());
    std::shared_ptr<uint8_t> copy(
        static_cast<uint8_t*>(std::aligned_alloc(16, (bytes.size() + 16) & ~size_t{15})),
        std::free);
    std::memcpy(copy.get(), bytes.data(), bytes.size());
    ++files;
    SCOPED_TRACE(entry.path().filename().string());
    auto model = reader::ReadModelFromBuffer(copy, copy.get(), bytes.size());
    if (!model.ok()) {
      EXPECT_FALSE(model.status().message().empty());
      continue;
    }
    cpu::InterpreterOptions options;
    options.memory_budget_bytes = 64u << 20;
    auto interpreter = cpu::Interpreter::Create(std::move(model->graph), options);
    if (!interpreter.ok()) continue;
    Status s = (*interpreter)->AllocateTensors();
    if (!s.ok()) {
      EXPECT_FALSE(s.message().empty());
      continue;
    }
    for (int i = 0; i < (*interpreter)->num_inputs(); ++i) {
      std::memset((*interpreter)->input_data(i), 0, (*interpreter)->input_tensor(i).bytes());
    }
    (void)(*interpreter)->Invoke();
  }
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace vkd
