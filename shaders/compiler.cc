#include "shaders/compiler.h"

#include <algorithm>
#include <mutex>
#include <shaderc/shaderc.hpp>
#include <spirv-tools/libspirv.hpp>
#include <spirv-tools/optimizer.hpp>
#include <sstream>
#include <utility>

namespace vkd::shaders {
namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;
constexpr spv_target_env kSpirvEnv = SPV_ENV_VULKAN_1_1;
// Source lines shown on each side of the first error line.
constexpr int kContextLines = 2;

// The process-wide shaderc compiler. Never destroyed: a compile racing with
// static destruction at exit must not touch a dead object, and glslang's
// process state outlives any one compiler anyway.
struct SharedCompiler {
  std::mutex mu;
  shaderc::Compiler compiler;
};

SharedCompiler& GetSharedCompiler() {
  static SharedCompiler* const shared = new SharedCompiler();
  return *shared;
}

// The compile options never change, so they are built once. Optimization is
// left to spirv-opt (below), whose passes and version we pick ourselves.
const shaderc::CompileOptions& GetShadercOptions() {
  static const shaderc::CompileOptions* const options = [] {
    auto* o = new shaderc::CompileOptions();
    o->SetSourceLanguage(shaderc_source_language_glsl);
    o->SetTargetEnvironment(shaderc_target_env_vulkan, shaderc_env_version_vulkan_1_1);
    o->SetTargetSpirv(shaderc_spirv_version_1_3);
    o->SetOptimizationLevel(shaderc_optimization_level_zero);
    return o;
  }();
  return *options;
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The line number glslang reports first, from diagnostics shaped like
// "<name>:<line>: error: ...". 0 when there is none.
int FirstErrorLine(const std::string& diagnostics, const std::string& name) {
  const std::string prefix = name + ":";
  for (size_t pos = diagnostics.find(prefix); pos != std::string::npos;
       pos = diagnostics.find(prefix, pos + 1)) {
    size_t i = pos + prefix.size();
    int line = 0;
    size_t digits = 0;
    while (i < diagnostics.size() && diagnostics[i] >= '0' && diagnostics[i] <= '9' && digits < 9) {
      line = line * 10 + (diagnostics[i] - '0');
      ++i;
      ++digits;
    }
    if (digits > 0 && i < diagnostics.size() && diagnostics[i] == ':') return line;
  }
  return 0;
}

// Numbered source lines around `line` (1-based), the error line marked '>'.
std::string SourceExcerpt(const std::string& glsl, int line) {
  std::vector<std::string> lines;
  std::istringstream in(glsl);
  for (std::string l; std::getline(in, l);) lines.push_back(std::move(l));
  if (line < 1 || line > static_cast<int>(lines.size())) return "";
  const int first = std::max(1, line - kContextLines);
  const int last = std::min(static_cast<int>(lines.size()), line + kContextLines);
  std::string out;
  for (int n = first; n <= last; ++n) {
    std::string number = std::to_string(n);
    out += "\n" + std::string(n == line ? ">" : " ") +
           std::string(number.size() < 4 ? 4 - number.size() : 0, ' ') + number + " | " +
           lines[n - 1];
  }
  return out;
}

// spirv-tools reports through a callback; this keeps the first error (the
// root cause; later ones tend to follow from it) with its word offset.
class FirstMessage {
 public:
  spvtools::MessageConsumer Consumer() {
    return [this](spv_message_level_t level, const char* /*source*/, const spv_position_t& position,
                  const char* message) {
      if (level > SPV_MSG_ERROR || !text_.empty()) return;
      text_ = std::string(message ? message : "(no message)");
      if (position.index > 0) text_ += " (at word " + std::to_string(position.index) + ")";
    };
  }
  std::string text() const { return text_.empty() ? "no diagnostic" : text_; }

 private:
  std::string text_;
};

}  // namespace

StatusOr<std::vector<uint32_t>> CompileComputeShader(const std::string& glsl,
                                                     const std::string& name,
                                                     const CompileOptions& options) {
  if (glsl.empty()) return InvalidArgumentError(name + ": empty shader source");

  std::vector<uint32_t> spirv;
  {
    SharedCompiler& shared = GetSharedCompiler();
    // shaderc documents concurrent compiles as safe, but glslang keeps
    // process-wide state (symbol-table cache, init refcount) that has raced
    // in past releases; compiles happen at prepare time, so serializing the
    // glslang part costs little. spirv-opt/val below run unlocked.
    std::lock_guard<std::mutex> lock(shared.mu);
    shaderc::SpvCompilationResult result =
        shared.compiler.CompileGlslToSpv(glsl.data(), glsl.size(), shaderc_glsl_compute_shader,
                                         name.c_str(), "main", GetShadercOptions());
    if (result.GetCompilationStatus() != shaderc_compilation_status_success) {
      std::string diagnostics = TrimTrailingNewlines(result.GetErrorMessage());
      if (diagnostics.empty()) {
        diagnostics = "shaderc status " + std::to_string(result.GetCompilationStatus());
      }
      return InvalidArgumentError(name + ": " + diagnostics +
                                  SourceExcerpt(glsl, FirstErrorLine(diagnostics, name)));
    }
    spirv.assign(result.cbegin(), result.cend());
  }
  if (spirv.empty() || spirv[0] != kSpirvMagic) {
    return InternalError(name + ": shaderc returned no SPIR-V module");
  }

  if (options.optimize) {
    FirstMessage message;
    spvtools::Optimizer optimizer(kSpirvEnv);
    optimizer.SetMessageConsumer(message.Consumer());
    optimizer.RegisterPerformancePasses();
    // glslang's output is trusted input here; the result is validated below
    // when asked, which is the check that matters.
    spvtools::OptimizerOptions opt_options;
    opt_options.set_run_validator(false);
    std::vector<uint32_t> optimized;
    if (!optimizer.Run(spirv.data(), spirv.size(), &optimized, opt_options)) {
      return InternalError(name + ": spirv-opt failed: " + message.text());
    }
    spirv = std::move(optimized);
  }

  if (options.validate) VKD_RETURN_IF_ERROR(ValidateSpirv(spirv, name));
  return spirv;
}

Status ValidateSpirv(const std::vector<uint32_t>& spirv, const std::string& name) {
  if (spirv.empty()) return InvalidArgumentError(name + ": spirv-val: empty module");
  FirstMessage message;
  spvtools::SpirvTools tools(kSpirvEnv);
  tools.SetMessageConsumer(message.Consumer());
  if (!tools.Validate(spirv)) return InvalidArgumentError(name + ": spirv-val: " + message.text());
  return Status::Ok();
}

uint64_t Fnv1a64(const void* data, size_t bytes, uint64_t seed) {
  constexpr uint64_t kPrime = 0x100000001b3ull;
  const auto* p = static_cast<const unsigned char*>(data);
  uint64_t h = seed;
  for (size_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= kPrime;
  }
  return h;
}

}  // namespace vkd::shaders
