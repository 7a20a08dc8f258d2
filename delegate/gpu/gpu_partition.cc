#include "delegate/gpu/gpu_partition.h"

#include <chrono>
#include <cstring>

#include "cpu_fallback/memory_planner.h"
#include "delegate/gpu/layout.h"
#include "shaders/codegen.h"

namespace vkd::gpu_delegate {

namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

VkDeviceSize AlignUp(VkDeviceSize v, VkDeviceSize a) { return (v + a - 1) / a * a; }

struct Range {
  VkDeviceSize begin, end;
  bool Overlaps(const Range& o) const { return begin < o.end && o.begin < end; }
};

}  // namespace

double KernelFlops(const shaders::KernelSpec& spec) {
  auto param = [&](const char* name) -> double {
    for (const auto& [n, v] : spec.int_params) {
      if (n == name) return v;
    }
    return 1;
  };
  const shaders::TensorDims& o = spec.out;
  const double outputs = double(o.b) * o.h * o.w * o.c;
  if (spec.main == "conv2d_gemm" || spec.main == "conv2d_gemm_tiled") {
    return 2.0 * param("ROWS") * spec.inputs[0].c * o.c;
  }
  if (spec.main == "conv2d") return 2.0 * outputs * param("KH") * param("KW") * spec.inputs[0].c;
  if (spec.main == "depthwise_conv2d") return 2.0 * outputs * param("KH") * param("KW");
  if (spec.main == "transpose_conv2d") {
    // Each input pixel scatters KH*KW*OUT_C products of IN_C terms.
    const shaders::TensorDims& i = spec.inputs[0];
    return 2.0 * i.b * i.h * i.w * i.c * param("KH") * param("KW") * o.c;
  }
  return 0;
}

GpuPartition::GpuPartition(std::shared_ptr<GpuContext> context, const ir::Graph& graph,
                           partition::Partition partition)
    : context_(std::move(context)), graph_(graph), partition_(std::move(partition)) {}

GpuPartition::~GpuPartition() {
  // The sequence waits for pending work before buffers go away.
  sequence_.reset();
}

Status GpuPartition::Prepare(const std::vector<ir::Tensor>& tensors) {
  std::vector<ir::Shape> shapes;
  for (int t : partition_.inputs) shapes.push_back(tensors[t].shape);
  if (sequence_ && shapes == input_shapes_) return Status::Ok();
  // Drop the old plan first (the sequence may still reference its buffers).
  sequence_.reset();
  sets_.clear();
  descriptors_.reset();
  pipelines_.clear();
  groups_.clear();
  arena_.reset();
  constants_.reset();
  upload_.reset();
  readback_.reset();
  init_ = {};

  Clock::time_point t0 = Clock::now();
  ProgramOptions po;
  po.precision = context_->precision();
  po.cpu_device = context_->device().info().kind == gpu::DeviceKind::kCpu;
  const int shared = context_->options().shared_memory_kernels;
  po.shared_memory_kernels = shared < 0 ? !po.cpu_device : shared != 0;
  VKD_ASSIGN_OR_RETURN(program_, BuildProgram(graph_, tensors, partition_, po));
  init_.build_ms = MsSince(t0);
  VKD_RETURN_IF_ERROR(Compile());
  VKD_RETURN_IF_ERROR(PlanAndUpload());
  VKD_RETURN_IF_ERROR(Record());
  input_shapes_ = std::move(shapes);
  return Status::Ok();
}

Status GpuPartition::Compile() {
  shaders::CompileOptions co;
  co.optimize = true;
  co.validate = context_->options().enable_validation;
  const shaders::SpirvCacheStats before = context_->spirv_cache().stats();
  double shader_ms = 0, pipeline_ms = 0;
  profile_.clear();
  for (const ProgramKernel& k : program_.kernels) {
    Clock::time_point t0 = Clock::now();
    VKD_ASSIGN_OR_RETURN(shaders::GeneratedShader gen, shaders::GenerateShader(k.spec));
    VKD_ASSIGN_OR_RETURN(
        std::vector<uint32_t> spirv,
        context_->spirv_cache().GetOrCompile(gen.source, k.spec.name, context_->device_key(), co));
    shader_ms += MsSince(t0);
    if (gen.num_buffers != k.bindings.size()) {
      return InternalError(k.spec.name + ": shader has " + std::to_string(gen.num_buffers) +
                           " bindings, program " + std::to_string(k.bindings.size()));
    }
    t0 = Clock::now();
    gpu::ComputePipelineDesc desc;
    desc.name = k.spec.name;
    desc.spirv = std::move(spirv);
    desc.num_buffers = gen.num_buffers;
    desc.specialization = std::move(gen.specialization);
    VKD_ASSIGN_OR_RETURN(auto pipeline, gpu::ComputePipeline::Create(context_->device(), desc,
                                                                     &context_->pipeline_cache()));
    pipeline_ms += MsSince(t0);
    pipelines_.push_back(std::move(pipeline));
    groups_.push_back({gen.groups[0], gen.groups[1], gen.groups[2]});
    KernelProfile kp;
    kp.name = k.spec.name;
    kp.nodes = k.nodes;
    kp.flops = KernelFlops(k.spec);
    profile_.push_back(std::move(kp));
  }
  init_.shader_ms = shader_ms;
  init_.pipeline_ms = pipeline_ms;
  init_.shader_compiles = context_->spirv_cache().stats().compiles - before.compiles;
  return Status::Ok();
}

Status GpuPartition::PlanAndUpload() {
  Clock::time_point t0 = Clock::now();
  const gpu::DeviceInfo& info = context_->device().info();
  const VkDeviceSize align = std::max<VkDeviceSize>(16, info.min_storage_buffer_offset_alignment);
  const auto& tensors = program_.tensors;
  auto root = [&](int t) {
    while (tensors[t].alias_of >= 0) t = tensors[t].alias_of;
    return t;
  };
  for (const ProgramTensor& t : tensors) {
    if (t.bytes > info.max_storage_buffer_range) {
      return ResourceExhaustedError("tensor '" + t.name + "' needs " + std::to_string(t.bytes) +
                                    " bytes, over the device's storage buffer range of " +
                                    std::to_string(info.max_storage_buffer_range));
    }
  }

  // Activations: one arena, shared by lifetime (kernel steps).
  const int kEnd = static_cast<int>(program_.kernels.size()) + 1;
  std::vector<int> first(tensors.size(), kEnd), last(tensors.size(), -1);
  for (int t : program_.inputs) first[root(t)] = -1;
  for (size_t k = 0; k < program_.kernels.size(); ++k) {
    const auto& b = program_.kernels[k].bindings;
    first[root(b[0])] = std::min(first[root(b[0])], static_cast<int>(k));
    for (size_t i = 1; i < b.size(); ++i) {
      last[root(b[i])] = std::max(last[root(b[i])], static_cast<int>(k));
    }
  }
  for (int t : program_.outputs) last[root(t)] = kEnd;
  std::vector<cpu::TensorLifetime> lifetimes;
  std::vector<int> planned;
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (tensors[t].constant || tensors[t].alias_of >= 0 || first[t] == kEnd) continue;
    lifetimes.push_back({tensors[t].bytes, first[t], std::max(first[t], last[t])});
    planned.push_back(static_cast<int>(t));
  }
  cpu::MemoryPlan plan = cpu::PlanMemory(lifetimes, align);
  offsets_.assign(tensors.size(), 0);
  gpu::MemoryAllocator& alloc = context_->allocator();
  VKD_ASSIGN_OR_RETURN(arena_, alloc.CreateBuffer(std::max<VkDeviceSize>(plan.arena_bytes, align),
                                                  gpu::MemoryDomain::kDevice));
  for (size_t i = 0; i < planned.size(); ++i) offsets_[planned[i]] = plan.offsets[i];

  // Constants: one buffer, uploaded once.
  VkDeviceSize const_bytes = 0;
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (!tensors[t].constant || tensors[t].alias_of >= 0) continue;
    offsets_[t] = const_bytes;
    const_bytes = AlignUp(const_bytes + tensors[t].bytes, align);
  }
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (tensors[t].alias_of >= 0) offsets_[t] = offsets_[root(static_cast<int>(t))];
  }
  VKD_ASSIGN_OR_RETURN(constants_, alloc.CreateBuffer(std::max<VkDeviceSize>(const_bytes, align),
                                                      gpu::MemoryDomain::kDevice));
  std::unique_ptr<gpu::Buffer> staging;
  uint8_t* dst = static_cast<uint8_t*>(constants_->mapped());
  if (!dst) {
    VKD_ASSIGN_OR_RETURN(staging,
                         alloc.CreateBuffer(constants_->size(), gpu::MemoryDomain::kUpload));
    dst = static_cast<uint8_t*>(staging->mapped());
  }
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (!tensors[t].constant || tensors[t].alias_of >= 0) continue;
    const auto& data = program_.constants[tensors[t].constant_index];
    std::memcpy(dst + offsets_[t], data.data(), data.size());
  }
  if (staging) {
    VKD_ASSIGN_OR_RETURN(auto seq, gpu::CommandSequence::Create(context_->device(), {}));
    VKD_RETURN_IF_ERROR(seq->Begin());
    seq->CopyBuffer(staging->handle(), 0, constants_->handle(), 0, constants_->size());
    seq->TransferToComputeBarrier({constants_->handle()});
    VKD_RETURN_IF_ERROR(seq->End());
    VKD_RETURN_IF_ERROR(seq->Run());
  }
  // Host I/O goes straight to the arena when it is mapped; otherwise
  // through staging buffers copied inside the recorded sequence.
  io_offsets_in_.clear();
  io_offsets_out_.clear();
  if (!arena_->mapped()) {
    VkDeviceSize in_bytes = 0, out_bytes = 0;
    for (int t : program_.inputs) {
      io_offsets_in_.push_back(in_bytes);
      in_bytes = AlignUp(in_bytes + tensors[t].bytes, align);
    }
    for (int t : program_.outputs) {
      io_offsets_out_.push_back(out_bytes);
      out_bytes = AlignUp(out_bytes + tensors[t].bytes, align);
    }
    VKD_ASSIGN_OR_RETURN(upload_,
                         alloc.CreateBuffer(std::max(in_bytes, align), gpu::MemoryDomain::kUpload));
    VKD_ASSIGN_OR_RETURN(
        readback_, alloc.CreateBuffer(std::max(out_bytes, align), gpu::MemoryDomain::kReadback));
  }
  init_.upload_ms = MsSince(t0);
  return Status::Ok();
}

Status GpuPartition::Record() {
  Clock::time_point t0 = Clock::now();
  const auto& tensors = program_.tensors;
  uint32_t total_bindings = 0;
  for (const auto& k : program_.kernels) total_bindings += static_cast<uint32_t>(k.bindings.size());
  VKD_ASSIGN_OR_RETURN(descriptors_,
                       gpu::DescriptorArena::Create(context_->device(),
                                                    std::max<uint32_t>(1, program_.kernels.size()),
                                                    std::max<uint32_t>(1, total_bindings)));
  auto buffer_of = [&](int t) { return tensors[t].constant ? constants_.get() : arena_.get(); };
  sets_.clear();
  for (size_t k = 0; k < program_.kernels.size(); ++k) {
    std::vector<gpu::BufferBinding> bindings;
    for (int t : program_.kernels[k].bindings) {
      bindings.push_back({buffer_of(t)->handle(), offsets_[t], tensors[t].bytes});
    }
    VKD_ASSIGN_OR_RETURN(VkDescriptorSet set, descriptors_->Allocate(*pipelines_[k], bindings));
    sets_.push_back(set);
  }

  profiling_ = context_->options().enable_profiling;
  gpu::CommandSequenceOptions so;
  if (profiling_) so.max_timestamps = static_cast<uint32_t>(program_.kernels.size()) + 1;
  VKD_ASSIGN_OR_RETURN(sequence_, gpu::CommandSequence::Create(context_->device(), so));
  gpu::CommandSequence& seq = *sequence_;
  VKD_RETURN_IF_ERROR(seq.Begin());
  const VkBuffer arena = arena_->handle();
  if (upload_) {
    for (size_t i = 0; i < program_.inputs.size(); ++i) {
      const int t = program_.inputs[i];
      seq.CopyBuffer(upload_->handle(), io_offsets_in_[i], arena, offsets_[t], tensors[t].bytes);
    }
    seq.TransferToComputeBarrier({arena});
  }
  // A barrier only where a dispatch reads what an earlier one wrote since
  // the last barrier, or overwrites what one read or wrote (arena reuse).
  std::vector<Range> written, read;
  if (profiling_) seq.WriteTimestamp(0);
  for (size_t k = 0; k < program_.kernels.size(); ++k) {
    const auto& b = program_.kernels[k].bindings;
    Range out{offsets_[b[0]], offsets_[b[0]] + tensors[b[0]].bytes};
    std::vector<Range> ins;
    for (size_t i = 1; i < b.size(); ++i) {
      if (!tensors[b[i]].constant)
        ins.push_back({offsets_[b[i]], offsets_[b[i]] + tensors[b[i]].bytes});
    }
    bool hazard = false;
    for (const Range& w : written) {
      if (w.Overlaps(out)) hazard = true;
      for (const Range& r : ins) hazard = hazard || w.Overlaps(r);
    }
    for (const Range& r : read) hazard = hazard || r.Overlaps(out);
    if (hazard) {
      seq.ComputeBarrier({arena});
      written.clear();
      read.clear();
    }
    written.push_back(out);
    read.insert(read.end(), ins.begin(), ins.end());
    seq.BindPipeline(*pipelines_[k]);
    seq.BindDescriptorSet(*pipelines_[k], sets_[k]);
    seq.Dispatch(groups_[k][0], groups_[k][1], groups_[k][2]);
    if (profiling_) seq.WriteTimestamp(static_cast<uint32_t>(k) + 1);
  }
  if (readback_) {
    seq.ComputeToTransferBarrier({arena});
    for (size_t i = 0; i < program_.outputs.size(); ++i) {
      const int t = program_.outputs[i];
      seq.CopyBuffer(arena, offsets_[t], readback_->handle(), io_offsets_out_[i], tensors[t].bytes);
    }
    seq.ToHostBarrier({readback_->handle()});
  } else {
    seq.ToHostBarrier({arena});
  }
  VKD_RETURN_IF_ERROR(seq.End());
  init_.record_ms = MsSince(t0);
  return Status::Ok();
}

Status GpuPartition::Invoke(const std::vector<const float*>& inputs,
                            const std::vector<float*>& outputs) {
  if (!sequence_) return InternalError("GPU partition invoked before Prepare");
  if (inputs.size() != program_.inputs.size() || outputs.size() != program_.outputs.size()) {
    return InvalidArgumentError("GPU partition: wrong number of inputs or outputs");
  }
  const auto& tensors = program_.tensors;
  const shaders::Precision p = context_->precision();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int t = program_.inputs[i];
    uint8_t* dst = upload_ ? static_cast<uint8_t*>(upload_->mapped()) + io_offsets_in_[i]
                           : static_cast<uint8_t*>(arena_->mapped()) + offsets_[t];
    PackToGpu(inputs[i], tensors[t].dims, p, dst);
  }
  VKD_RETURN_IF_ERROR(sequence_->Run());
  gpu::Buffer& src_buffer = readback_ ? *readback_ : *arena_;
  VKD_RETURN_IF_ERROR(src_buffer.InvalidateForRead());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const int t = program_.outputs[i];
    const uint8_t* src = readback_
                             ? static_cast<const uint8_t*>(readback_->mapped()) + io_offsets_out_[i]
                             : static_cast<const uint8_t*>(arena_->mapped()) + offsets_[t];
    UnpackFromGpu(src, tensors[t].dims, p, outputs[i]);
  }
  if (profiling_ && sequence_->timestamps_supported()) {
    VKD_ASSIGN_OR_RETURN(std::vector<double> ns, sequence_->ReadTimestampDeltasNs(
                                                     static_cast<uint32_t>(profile_.size()) + 1));
    for (size_t k = 0; k < profile_.size() && k < ns.size(); ++k) {
      profile_[k].total_ms += ns[k] * 1e-6;
      ++profile_[k].invokes;
    }
  }
  return Status::Ok();
}

}  // namespace vkd::gpu_delegate
