// CompileComputeShader and ValidateSpirv against the linked shaderc,
// glslang and SPIRV-Tools: what compiles, what is rejected, and how.
#include "shaders/compiler.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/shaders/test_shaders.h"

namespace vkd::shaders {
namespace {

using testdata::AddShader;
using testdata::HasCapability;
using testdata::kSpirvMagic;
using testdata::Operands;

TEST(CompileComputeShader, ValidShaderYieldsValidSpirv) {
  auto spirv = CompileComputeShader(AddShader(), "add", {});
  ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
  ASSERT_GT(spirv->size(), 5u);
  EXPECT_EQ((*spirv)[0], kSpirvMagic);
  // SPIR-V 1.3, the version Vulkan 1.1 consumes.
  EXPECT_EQ((*spirv)[1], 0x00010300u);
  EXPECT_TRUE(ValidateSpirv(*spirv, "add").ok());
}

TEST(CompileComputeShader, SyntaxErrorNamesShaderAndLine) {
  const std::string glsl =
      "#version 450\n"
      "layout(local_size_x = 1) in;\n"
      "void main() { undeclared_thing = 1; }\n"
      "// trailing line\n";
  auto spirv = CompileComputeShader(glsl, "broken_shader", {});
  ASSERT_FALSE(spirv.ok());
  EXPECT_EQ(spirv.status().code(), StatusCode::kInvalidArgument);
  const std::string message = spirv.status().message();
  EXPECT_EQ(message.rfind("broken_shader: ", 0), 0u) << message;
  EXPECT_NE(message.find("broken_shader:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("undeclared_thing"), std::string::npos) << message;
  // The numbered excerpt marks the failing line.
  EXPECT_NE(message.find(">   3 | void main() { undeclared_thing = 1; }"), std::string::npos)
      << message;
  EXPECT_NE(message.find("    1 | #version 450"), std::string::npos) << message;
}

TEST(CompileComputeShader, EmptySourceIsInvalidArgument) {
  auto spirv = CompileComputeShader("", "empty", {});
  ASSERT_FALSE(spirv.ok());
  EXPECT_EQ(spirv.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(spirv.status().message().find("empty"), std::string::npos);
}

TEST(CompileComputeShader, Float16ArithmeticAndStorage) {
  const std::string glsl =
      "#version 450\n"
      "#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require\n"
      "#extension GL_EXT_shader_16bit_storage : require\n"
      "layout(local_size_x = 64) in;\n"
      "layout(set = 0, binding = 0) buffer Data { float16_t data[]; };\n"
      "void main() {\n"
      "  uint i = gl_GlobalInvocationID.x;\n"
      "  data[i] = data[i] * float16_t(2.0) + float16_t(0.5);\n"
      "}\n";
  for (bool optimize : {false, true}) {
    CompileOptions options;
    options.optimize = optimize;
    auto spirv = CompileComputeShader(glsl, "fp16", options);
    ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
    EXPECT_TRUE(HasCapability(*spirv, testdata::kCapabilityFloat16));
    EXPECT_TRUE(HasCapability(*spirv, testdata::kCapabilityStorageBuffer16BitAccess));
  }
}

TEST(CompileComputeShader, SpecializationConstantsSurvive) {
  const std::string glsl =
      "#version 450\n"
      "layout(local_size_x_id = 1) in;\n"
      "layout(constant_id = 0) const int K = 4;\n"
      "layout(set = 0, binding = 0) buffer Data { int data[]; };\n"
      "void main() { data[gl_GlobalInvocationID.x] *= K; }\n";
  for (bool optimize : {false, true}) {
    CompileOptions options;
    options.optimize = optimize;
    auto spirv = CompileComputeShader(glsl, "spec", options);
    ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
    // spirv-opt must not fold K into a plain constant.
    bool has_spec_id_0 = false;
    for (const auto& operands : Operands(*spirv, testdata::kOpDecorate)) {
      if (operands.size() == 3 && operands[1] == testdata::kDecorationSpecId && operands[2] == 0) {
        has_spec_id_0 = true;
      }
    }
    EXPECT_TRUE(has_spec_id_0) << "optimize=" << optimize;
  }
}

TEST(CompileComputeShader, OptimizedAndUnoptimizedBothValidate) {
  CompileOptions plain;
  plain.optimize = false;
  CompileOptions optimized;
  optimized.optimize = true;
  auto a = CompileComputeShader(AddShader(), "plain", plain);
  auto b = CompileComputeShader(AddShader(), "optimized", optimized);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(ValidateSpirv(*a, "plain").ok());
  EXPECT_TRUE(ValidateSpirv(*b, "optimized").ok());
}

TEST(CompileComputeShader, IsDeterministic) {
  auto a = CompileComputeShader(AddShader(), "a", {});
  auto b = CompileComputeShader(AddShader(), "b", {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(CompileComputeShader, ConcurrentCompilesFromFourThreads) {
  constexpr int kThreads = 4;
  std::vector<StatusOr<std::vector<uint32_t>>> results(kThreads, InternalError("not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &results] {
      results[t] = CompileComputeShader(AddShader(std::to_string(t) + ".5"),
                                        "thread" + std::to_string(t), {});
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(results[t].ok()) << t << ": " << results[t].status().ToString();
    EXPECT_TRUE(ValidateSpirv(*results[t], "thread").ok());
    if (t > 0) {
      EXPECT_NE(*results[t], *results[0]);
    }
  }
}

TEST(ValidateSpirv, RejectsGarbage) {
  Status garbage = ValidateSpirv({0xdeadbeef, 1, 2, 3, 4, 5}, "garbage");
  EXPECT_EQ(garbage.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(garbage.message().rfind("garbage: spirv-val: ", 0), 0u) << garbage.message();
  EXPECT_EQ(ValidateSpirv({}, "empty").code(), StatusCode::kInvalidArgument);
}

TEST(ValidateSpirv, RejectsTruncatedModule) {
  auto spirv = CompileComputeShader(AddShader(), "add", {});
  ASSERT_TRUE(spirv.ok()) << spirv.status().ToString();
  std::vector<uint32_t> truncated(spirv->begin(), spirv->begin() + spirv->size() / 2);
  EXPECT_EQ(ValidateSpirv(truncated, "half").code(), StatusCode::kInvalidArgument);
}

TEST(Fnv1a64, KnownValues) {
  // Reference values of 64-bit FNV-1a.
  EXPECT_EQ(Fnv1a64("", 0), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a", 1), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar", 6), 0x85944171f73967e8ull);
}

}  // namespace
}  // namespace vkd::shaders
