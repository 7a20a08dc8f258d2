// cts-style tests of compute pipelines and the persistent pipeline cache.
#include "gpu_runtime/pipeline.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "vulkan_test_fixture.h"

namespace vkd::gpu {
namespace {

namespace fs = std::filesystem;

class PipelineTest : public VulkanTest {
 protected:
  void SetUp() override {
    VulkanTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    if (SaxpySpirv().empty()) GTEST_SKIP() << "glslc was not found at build time";
    std::string tmpl = ::testing::TempDir() + "vkd_pipeline_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
    VulkanTest::TearDown();
  }

  void WriteFile(const std::string& path, const std::vector<char>& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(f.good());
  }

  std::string dir_;
};

TEST_F(PipelineTest, CreatesWithSpecializationAndPushConstants) {
  auto p = ComputePipeline::Create(*device_, SaxpyDesc(), nullptr);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE((*p)->handle(), VK_NULL_HANDLE);
  EXPECT_NE((*p)->layout(), VK_NULL_HANDLE);
  EXPECT_NE((*p)->set_layout(), VK_NULL_HANDLE);
  EXPECT_EQ((*p)->num_buffers(), 2u);
  EXPECT_EQ((*p)->push_constant_bytes(), 8u);
  EXPECT_EQ((*p)->name(), "saxpy");
}

TEST_F(PipelineTest, NotSpirvIsInvalidArgumentNamingThePipeline) {
  ComputePipelineDesc d = SaxpyDesc();
  d.name = "conv_3x3_oops";
  d.spirv = {0x12345678, 1, 2, 3};
  auto p = ComputePipeline::Create(*device_, d, nullptr);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(p.status().message().find("conv_3x3_oops"), std::string::npos) << p.status().message();
  d.spirv.clear();
  EXPECT_EQ(ComputePipeline::Create(*device_, d, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PipelineTest, BadPushConstantSizeIsInvalidArgument) {
  for (uint32_t bytes : {6u, 132u}) {
    ComputePipelineDesc d = SaxpyDesc();
    d.push_constant_bytes = bytes;
    auto p = ComputePipeline::Create(*device_, d, nullptr);
    ASSERT_FALSE(p.ok()) << bytes;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find("saxpy"), std::string::npos);
    EXPECT_NE(p.status().message().find(std::to_string(bytes)), std::string::npos);
  }
}

TEST_F(PipelineTest, InMemoryCacheServesManyPipelines) {
  auto cache = PipelineCache::Create(*device_, "");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  EXPECT_FALSE((*cache)->loaded_from_file());
  for (uint32_t wg : {32u, 64u, 128u}) {
    ComputePipelineDesc d = SaxpyDesc();
    d.specialization[0] = wg;
    auto p = ComputePipeline::Create(*device_, d, cache->get());
    ASSERT_TRUE(p.ok()) << wg << ": " << p.status().ToString();
  }
  EXPECT_TRUE((*cache)->Save().ok()) << "no path: a no-op";
}

TEST_F(PipelineTest, CacheSavesAndLoadsBackForTheSameDevice) {
  const std::string path = dir_ + "/pipelines.bin";
  {
    auto cache = PipelineCache::Create(*device_, path);
    ASSERT_TRUE(cache.ok()) << cache.status().ToString();
    EXPECT_FALSE((*cache)->loaded_from_file()) << "no file yet";
    auto p = ComputePipeline::Create(*device_, SaxpyDesc(), cache->get());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    Status s = (*cache)->Save();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ASSERT_TRUE(fs::exists(path));
  // At least the VkPipelineCacheHeaderVersionOne header.
  EXPECT_GE(fs::file_size(path), 32u);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename(), "pipelines.bin") << "temporary file left behind";
  }
  auto cache = PipelineCache::Create(*device_, path);
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  EXPECT_TRUE((*cache)->loaded_from_file());
  auto p = ComputePipeline::Create(*device_, SaxpyDesc(), cache->get());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  // Saving over an existing file works too.
  EXPECT_TRUE((*cache)->Save().ok());
}

TEST_F(PipelineTest, CorruptOrForeignCacheFilesAreIgnored) {
  const std::string path = dir_ + "/pipelines.bin";
  {
    auto cache = PipelineCache::Create(*device_, path);
    ASSERT_TRUE(cache.ok());
    ASSERT_TRUE((*cache)->Save().ok());
  }
  std::vector<char> good;
  {
    std::ifstream f(path, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  ASSERT_GE(good.size(), 32u);

  std::vector<std::pair<std::string, std::vector<char>>> bad;
  bad.emplace_back("garbage", std::vector<char>(4096, '\x5a'));
  bad.emplace_back("truncated header", std::vector<char>(good.begin(), good.begin() + 10));
  std::vector<char> foreign_uuid = good;
  foreign_uuid[20] ^= 0x55;  // inside pipelineCacheUUID
  bad.emplace_back("foreign uuid", foreign_uuid);
  std::vector<char> foreign_vendor = good;
  foreign_vendor[8] ^= 0x01;
  bad.emplace_back("foreign vendor", foreign_vendor);
  std::vector<char> huge_header = good;
  huge_header[0] = '\x7f';  // headerSize past the end of the file
  huge_header[1] = '\x7f';
  bad.emplace_back("header size past the end", huge_header);
  bad.emplace_back("empty", std::vector<char>());

  for (const auto& [what, bytes] : bad) {
    WriteFile(path, bytes);
    auto cache = PipelineCache::Create(*device_, path);
    ASSERT_TRUE(cache.ok()) << what << ": " << cache.status().ToString();
    EXPECT_FALSE((*cache)->loaded_from_file()) << what;
    auto p = ComputePipeline::Create(*device_, SaxpyDesc(), cache->get());
    EXPECT_TRUE(p.ok()) << what << ": " << p.status().ToString();
    // Saving replaces the bad file with a good one.
    ASSERT_TRUE((*cache)->Save().ok()) << what;
    auto reloaded = PipelineCache::Create(*device_, path);
    ASSERT_TRUE(reloaded.ok());
    EXPECT_TRUE((*reloaded)->loaded_from_file()) << what;
  }
}

// A FIFO or a link to /dev/zero as the cache file: start-up neither blocks
// nor reads without end (bad_alloc); the cache starts empty, and Save
// refuses to write into what is not a regular file.
TEST_F(PipelineTest, FifoOrDeviceAsCacheFileIsIgnored) {
  for (const char* kind : {"fifo", "dev-zero"}) {
    SCOPED_TRACE(kind);
    const std::string path = dir_ + "/pipelines_" + kind + ".bin";
    if (std::string(kind) == "fifo") {
      ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    } else {
      ASSERT_EQ(::symlink("/dev/zero", path.c_str()), 0);
    }
    auto cache = PipelineCache::Create(*device_, path);
    ASSERT_TRUE(cache.ok()) << cache.status().ToString();
    EXPECT_FALSE((*cache)->loaded_from_file());
    EXPECT_TRUE(ComputePipeline::Create(*device_, SaxpyDesc(), cache->get()).ok());
    EXPECT_FALSE((*cache)->Save().ok());
  }
}

TEST_F(PipelineTest, SaveIntoAMissingDirectoryIsAnError) {
  auto cache = PipelineCache::Create(*device_, dir_ + "/no/such/dir/pipelines.bin");
  ASSERT_TRUE(cache.ok()) << "a missing file is not an error";
  Status s = (*cache)->Save();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no/such/dir"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace vkd::gpu
