#include "delegate/gpu/gpu_context.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "common/timer.h"

namespace vkd::gpu_delegate {

bool ParseDeviceChoice(const std::string& text, int* device_index) {
  if (text == "auto" || text == "-1") {
    *device_index = GpuOptions::kBestGpu;
    return true;
  }
  if (text == "any" || text == "-2") {
    *device_index = GpuOptions::kAnyDevice;
    return true;
  }
  if (text.empty() || text.size() > 7 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *device_index = std::atoi(text.c_str());
  return true;
}

namespace {

// The physical device `requested` resolves to (an index into
// instance.devices()), or why there is none.
StatusOr<int> ChooseDevice(const gpu::Instance& instance, int requested) {
  if (requested == GpuOptions::kBestGpu) {
    if (const char* env = std::getenv("VKD_DEVICE"); env != nullptr && *env != '\0') {
      if (!ParseDeviceChoice(env, &requested)) {
        return InvalidArgumentError(std::string("VKD_DEVICE='") + env +
                                    "': expected auto, any or a device index");
      }
    }
  }
  if (requested >= 0) return requested;  // Device::Create checks the range
  if (requested != GpuOptions::kBestGpu && requested != GpuOptions::kAnyDevice) {
    return InvalidArgumentError("device index " + std::to_string(requested) +
                                ": expected -1 (best GPU), -2 (any device) or an index >= 0");
  }
  const int best = instance.DefaultDeviceIndex();
  if (best < 0) return UnavailableError("no Vulkan device has a compute queue");
  const gpu::DeviceInfo& info = instance.devices()[best];
  if (requested == GpuOptions::kBestGpu && info.kind == gpu::DeviceKind::kCpu) {
    // DefaultDeviceIndex ranks CPU devices last: only software ones exist.
    return UnavailableError(
        "no hardware GPU; the software Vulkan device '" + info.name +
        "' runs slower than vkdelegate's CPU kernels, so it is used only when asked for "
        "(device 'any' or its index: plug-in option device:any, vkd-bench --gpu_device=any, "
        "or VKD_DEVICE=any)");
  }
  return best;
}

}  // namespace

StatusOr<std::shared_ptr<GpuContext>> GpuContext::Create(const GpuOptions& options) {
  std::shared_ptr<GpuContext> ctx(new GpuContext());
  ctx->options_ = options;
  gpu::InstanceOptions io;
  io.enable_validation = options.enable_validation;
  io.echo_validation_errors = options.echo_validation_errors;
  const Timer instance_timer;
  VKD_ASSIGN_OR_RETURN(ctx->instance_, gpu::Instance::Create(io));
  ctx->instance_ms_ = instance_timer.ElapsedMs();
  const Timer device_timer;
  gpu::DeviceOptions dopt;
  VKD_ASSIGN_OR_RETURN(dopt.device_index, ChooseDevice(*ctx->instance_, options.device_index));
  VKD_ASSIGN_OR_RETURN(ctx->device_, gpu::Device::Create(*ctx->instance_, dopt));
  ctx->device_ms_ = device_timer.ElapsedMs();
  VKD_ASSIGN_OR_RETURN(ctx->allocator_, gpu::MemoryAllocator::Create(*ctx->device_, {}));
  const gpu::DeviceInfo& info = ctx->device_->info();
  ctx->device_key_ = info.name + "|" + info.driver_name + "|" + info.driver_info + "|" +
                     std::to_string(info.api_version);
  std::string cache_path;
  if (!options.cache_dir.empty()) cache_path = options.cache_dir + "/pipeline_cache.bin";
  VKD_ASSIGN_OR_RETURN(ctx->pipeline_cache_, gpu::PipelineCache::Create(*ctx->device_, cache_path));
  ctx->spirv_cache_ = std::make_unique<shaders::SpirvCache>(options.cache_dir);
  ctx->kernel_choices_ = std::make_unique<KernelChoices>(options.cache_dir, ctx->device_key_);
  ctx->precision_ = options.precision;
  if (ctx->precision_ == shaders::Precision::kFp16 && !ctx->device_->fp16_enabled()) {
    std::fprintf(stderr, "vkdelegate: %s has no 16-bit storage/arithmetic; running fp32\n",
                 info.name.c_str());
    ctx->precision_ = shaders::Precision::kFp32;
  }
  return ctx;
}

GpuContext::~GpuContext() = default;

Status GpuContext::SaveCaches() const {
  Status pipelines = pipeline_cache_->Save();
  Status choices = kernel_choices_->Save();
  return pipelines.ok() ? choices : pipelines;
}

}  // namespace vkd::gpu_delegate
