#include "delegate/gpu/gpu_context.h"

#include <chrono>
#include <cstdio>

namespace vkd::gpu_delegate {

StatusOr<std::shared_ptr<GpuContext>> GpuContext::Create(const GpuOptions& options) {
  std::shared_ptr<GpuContext> ctx(new GpuContext());
  ctx->options_ = options;
  gpu::InstanceOptions io;
  io.enable_validation = options.enable_validation;
  io.echo_validation_errors = options.echo_validation_errors;
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  const Clock::time_point t0 = Clock::now();
  VKD_ASSIGN_OR_RETURN(ctx->instance_, gpu::Instance::Create(io));
  const Clock::time_point t1 = Clock::now();
  gpu::DeviceOptions dopt;
  dopt.device_index = options.device_index;
  VKD_ASSIGN_OR_RETURN(ctx->device_, gpu::Device::Create(*ctx->instance_, dopt));
  ctx->instance_ms_ = ms(t0, t1);
  ctx->device_ms_ = ms(t1, Clock::now());
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
