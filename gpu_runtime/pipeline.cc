#include "gpu_runtime/pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/file_util.h"
#include "gpu_runtime/fault_injection.h"
#include "gpu_runtime/vk_init.h"
#include "gpu_runtime/vk_status.h"

namespace vkd::gpu {
namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;
// VkPipelineCacheHeaderVersionOne: headerSize, headerVersion, vendorID,
// deviceID (4 bytes each), then pipelineCacheUUID.
constexpr size_t kCacheHeaderBytes = 16 + VK_UUID_SIZE;

// Far above any real pipeline cache (drivers store a few MB for thousands of
// pipelines); a larger file is not a cache we wrote.
constexpr size_t kMaxCacheFileBytes = 256u << 20;

uint32_t ReadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// Drivers are meant to reject foreign blobs themselves, but several have
// crashed on them, so only a blob whose header names this exact device and
// driver build (pipelineCacheUUID) reaches vkCreatePipelineCache.
bool BlobMatchesDevice(const std::vector<char>& blob, const VkPhysicalDeviceProperties& props) {
  if (blob.size() < kCacheHeaderBytes) return false;
  const uint32_t header_size = ReadU32(blob.data());
  return header_size >= kCacheHeaderBytes && header_size <= blob.size() &&
         ReadU32(blob.data() + 4) == VK_PIPELINE_CACHE_HEADER_VERSION_ONE &&
         ReadU32(blob.data() + 8) == props.vendorID &&
         ReadU32(blob.data() + 12) == props.deviceID &&
         std::memcmp(blob.data() + 16, props.pipelineCacheUUID, VK_UUID_SIZE) == 0;
}

Status IoError(const std::string& what, const std::string& path) {
  const int err = errno;
  std::string message = what + " '" + path + "': " + std::strerror(err);
  return err == ENOENT ? NotFoundError(message) : InternalError(message);
}

}  // namespace

StatusOr<std::unique_ptr<PipelineCache>> PipelineCache::Create(const Device& device,
                                                               const std::string& path) {
  std::unique_ptr<PipelineCache> cache(new PipelineCache(device, path));
  std::vector<char> blob;
  if (!path.empty()) {
    // Only a regular file of bounded size, opened without blocking: a FIFO
    // or a link to /dev/zero in the cache's place must not hang or exhaust
    // start-up. Anything unusable is a cold start, said once.
    StatusOr<std::vector<char>> read = ReadBoundedRegularFile(path, kMaxCacheFileBytes);
    if (read.ok()) {
      blob = std::move(read).value();
    } else if (read.status().code() != StatusCode::kNotFound) {
      std::fprintf(stderr, "vkdelegate: ignoring the pipeline cache: %s\n",
                   read.status().message().c_str());
    }
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(device.physical_device(), &props);
    if (!BlobMatchesDevice(blob, props)) blob.clear();
  }
  auto info = VkInit<VkPipelineCacheCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO);
  info.initialDataSize = blob.size();
  info.pInitialData = blob.empty() ? nullptr : blob.data();
  VKD_VK_RETURN_IF_ERROR(vkCreatePipelineCache(device.handle(), &info, nullptr, &cache->cache_));
  cache->loaded_from_file_ = !blob.empty();
  return cache;
}

PipelineCache::~PipelineCache() {
  if (cache_ != VK_NULL_HANDLE) vkDestroyPipelineCache(device_.handle(), cache_, nullptr);
}

Status PipelineCache::Save() const {
  if (path_.empty()) return Status::Ok();
  if (!IsRegularFileOrMissing(path_)) {
    return InvalidArgumentError("pipeline cache '" + path_ + "' is not a regular file; not saved");
  }
  size_t size = 0;
  std::vector<char> blob;
  // The size can grow between the two calls if another thread adds a
  // pipeline; VK_INCOMPLETE then asks for another round.
  for (;;) {
    VKD_VK_RETURN_IF_ERROR(vkGetPipelineCacheData(device_.handle(), cache_, &size, nullptr));
    blob.resize(size);
    const VkResult r = vkGetPipelineCacheData(device_.handle(), cache_, &size, blob.data());
    if (r == VK_INCOMPLETE) continue;
    if (r != VK_SUCCESS) return VkResultToStatus(r, "vkGetPipelineCacheData");
    blob.resize(size);
    break;
  }
  // A reader never sees a half-written file: write aside, then rename.
  const std::string tmp = path_ + ".tmp" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return IoError("cannot write pipeline cache", tmp);
  const bool written = std::fwrite(blob.data(), 1, blob.size(), f) == blob.size();
  if (std::fclose(f) != 0 || !written) {
    Status s = IoError("cannot write pipeline cache", tmp);
    std::remove(tmp.c_str());
    return s;
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    Status s = IoError("cannot rename pipeline cache to", path_);
    std::remove(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<ComputePipeline>> ComputePipeline::Create(const Device& device,
                                                                   const ComputePipelineDesc& desc,
                                                                   const PipelineCache* cache) {
  const std::string context = "pipeline '" + desc.name + "'";
  if (InjectFault(Fault::kPipeline)) {
    return InternalError(context + ": vkCreateComputePipelines failed (injected fault)");
  }
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(device.physical_device(), &props);
  // Checked here because the driver would be handed invalid usage otherwise
  // (undefined behaviour, not an error code).
  if (desc.spirv.empty() || desc.spirv[0] != kSpirvMagic) {
    return InvalidArgumentError(context + ": code is not SPIR-V (" +
                                std::to_string(desc.spirv.size()) + " words, no magic number)");
  }
  const uint32_t max_push = std::min<uint32_t>(128, props.limits.maxPushConstantsSize);
  if (desc.push_constant_bytes % 4 != 0 || desc.push_constant_bytes > max_push) {
    return InvalidArgumentError(context + ": push_constant_bytes " +
                                std::to_string(desc.push_constant_bytes) +
                                " is not a multiple of 4 in [0, " + std::to_string(max_push) + "]");
  }
  if (desc.num_buffers > props.limits.maxPerStageDescriptorStorageBuffers) {
    return InvalidArgumentError(context + ": " + std::to_string(desc.num_buffers) +
                                " storage buffers, device limit " +
                                std::to_string(props.limits.maxPerStageDescriptorStorageBuffers));
  }

  // Each handle is owned by `p` as soon as it exists, so an early return
  // destroys what was made so far.
  std::unique_ptr<ComputePipeline> p(new ComputePipeline(device));
  p->name_ = desc.name;
  p->num_buffers_ = desc.num_buffers;
  p->push_constant_bytes_ = desc.push_constant_bytes;
  const VkDevice dev = device.handle();
  auto build = [&]() -> Status {
    auto module_info =
        VkInit<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
    module_info.codeSize = desc.spirv.size() * sizeof(uint32_t);
    module_info.pCode = desc.spirv.data();
    VKD_VK_RETURN_IF_ERROR(vkCreateShaderModule(dev, &module_info, nullptr, &p->module_));

    std::vector<VkDescriptorSetLayoutBinding> bindings(desc.num_buffers);
    for (uint32_t i = 0; i < desc.num_buffers; ++i) {
      bindings[i].binding = i;
      bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      bindings[i].descriptorCount = 1;
      bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    auto set_info = VkInit<VkDescriptorSetLayoutCreateInfo>(
        VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
    set_info.bindingCount = desc.num_buffers;
    set_info.pBindings = bindings.data();
    VKD_VK_RETURN_IF_ERROR(vkCreateDescriptorSetLayout(dev, &set_info, nullptr, &p->set_layout_));

    VkPushConstantRange push{};
    push.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    push.offset = 0;
    push.size = desc.push_constant_bytes;
    auto layout_info =
        VkInit<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &p->set_layout_;
    layout_info.pushConstantRangeCount = desc.push_constant_bytes > 0 ? 1 : 0;
    layout_info.pPushConstantRanges = desc.push_constant_bytes > 0 ? &push : nullptr;
    VKD_VK_RETURN_IF_ERROR(vkCreatePipelineLayout(dev, &layout_info, nullptr, &p->layout_));

    std::vector<VkSpecializationMapEntry> entries(desc.specialization.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      entries[i].constantID = static_cast<uint32_t>(i);
      entries[i].offset = static_cast<uint32_t>(i * sizeof(uint32_t));
      entries[i].size = sizeof(uint32_t);
    }
    VkSpecializationInfo spec{};
    spec.mapEntryCount = static_cast<uint32_t>(entries.size());
    spec.pMapEntries = entries.data();
    spec.dataSize = desc.specialization.size() * sizeof(uint32_t);
    spec.pData = desc.specialization.data();

    auto info = VkInit<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
    info.stage = VkInit<VkPipelineShaderStageCreateInfo>(
        VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO);
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = p->module_;
    info.stage.pName = "main";
    info.stage.pSpecializationInfo = entries.empty() ? nullptr : &spec;
    info.layout = p->layout_;
    info.basePipelineIndex = -1;
    const VkPipelineCache vk_cache = cache != nullptr ? cache->handle() : VK_NULL_HANDLE;
    VKD_VK_RETURN_IF_ERROR(
        vkCreateComputePipelines(dev, vk_cache, 1, &info, nullptr, &p->pipeline_));
    // The driver has its own copy of the code once the pipeline exists.
    vkDestroyShaderModule(dev, p->module_, nullptr);
    p->module_ = VK_NULL_HANDLE;
    return Status::Ok();
  };
  VKD_RETURN_IF_ERROR_CTX(build(), context);
  return p;
}

ComputePipeline::~ComputePipeline() {
  const VkDevice dev = device_.handle();
  if (pipeline_ != VK_NULL_HANDLE) vkDestroyPipeline(dev, pipeline_, nullptr);
  if (layout_ != VK_NULL_HANDLE) vkDestroyPipelineLayout(dev, layout_, nullptr);
  if (set_layout_ != VK_NULL_HANDLE) vkDestroyDescriptorSetLayout(dev, set_layout_, nullptr);
  if (module_ != VK_NULL_HANDLE) vkDestroyShaderModule(dev, module_, nullptr);
}

}  // namespace vkd::gpu
