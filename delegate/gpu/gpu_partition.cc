#include "delegate/gpu/gpu_partition.h"

#include <cstring>

#include "common/memory_planner.h"
#include "common/timer.h"
#include "shaders/codegen.h"

namespace vkd::gpu_delegate {

namespace {

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
  if (spec.main.rfind("conv2d_gemm", 0) == 0) {
    return 2.0 * param("ROWS") * spec.inputs[0].c * o.c;
  }
  if (spec.main == "conv2d") return 2.0 * outputs * param("KH") * param("KW") * spec.inputs[0].c;
  if (spec.main.rfind("depthwise_conv2d", 0) == 0) {
    return 2.0 * outputs * param("KH") * param("KW");
  }
  if (spec.main == "transpose_conv2d") {
    // Each input pixel scatters KH*KW*OUT_C products of IN_C terms.
    const shaders::TensorDims& i = spec.inputs[0];
    return 2.0 * i.b * i.h * i.w * i.c * param("KH") * param("KW") * o.c;
  }
  return 0;
}

GpuPartition::GpuPartition(std::shared_ptr<GpuContext> context,
                           std::shared_ptr<const ir::Graph> graph, partition::Partition partition)
    : context_(std::move(context)), graph_(std::move(graph)), partition_(std::move(partition)) {}

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
  io_kernels_.clear();
  init_ = {};

  const Timer t0;
  ProgramOptions po;
  po.precision = context_->precision();
  po.cpu_device = context_->device().info().kind == gpu::DeviceKind::kCpu;
  const int shared = context_->options().shared_memory_kernels;
  po.shared_memory_kernels = shared < 0 ? !po.cpu_device : shared != 0;
  VKD_ASSIGN_OR_RETURN(program_, BuildProgram(*graph_, tensors, partition_, po));
  init_.build_ms = t0.ElapsedMs();
  VKD_RETURN_IF_ERROR(PlanAndUpload());
  VKD_RETURN_IF_ERROR(ChooseVariants());
  VKD_RETURN_IF_ERROR(Compile());
  VKD_RETURN_IF_ERROR(Record());
  input_shapes_ = std::move(shapes);
  return Status::Ok();
}

Status GpuPartition::PlanAndUpload() {
  const Timer t0;
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
  std::vector<TensorLifetime> lifetimes;
  std::vector<int> planned;
  for (size_t t = 0; t < tensors.size(); ++t) {
    if (tensors[t].constant || tensors[t].alias_of >= 0 || first[t] == kEnd) continue;
    lifetimes.push_back({tensors[t].bytes, first[t], std::max(first[t], last[t])});
    planned.push_back(static_cast<int>(t));
  }
  MemoryPlan plan = PlanMemory(lifetimes, align);
  // The memory budget, before anything is allocated: the planned arena,
  // the constants and the staging buffers, on top of what the context's
  // other partitions hold.
  {
    uint64_t need = plan.arena_bytes;
    for (const ProgramTensor& t : tensors) {
      if (t.constant && t.alias_of < 0) need += AlignUp(t.bytes, align);
    }
    for (int t : program_.inputs) need += tensors[t].dims.vec4_count() * 16;
    for (int t : program_.outputs) need += tensors[t].dims.vec4_count() * 16;
    const uint64_t budget = context_->options().memory_budget_bytes
                                ? context_->options().memory_budget_bytes
                                : context_->allocator().device_heap_bytes() / 10 * 9;
    const uint64_t held = context_->allocator().stats().used_bytes;
    if (held + need > budget) {
      return ResourceExhaustedError("the partition needs " + std::to_string(need >> 20) +
                                    " MiB of GPU memory (" + std::to_string(held >> 20) +
                                    " MiB held already), over the GPU memory budget of " +
                                    std::to_string(budget >> 20) + " MiB");
    }
  }
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
  // Host I/O: the caller's dense fp32 data is memcpy'd into (and out of)
  // host-visible staging buffers; dispatches convert layout and precision on
  // the GPU. The CPU never touches device-local memory, which on discrete
  // GPUs is write-combined and uncached when mapped at all.
  VkDeviceSize io_bytes[2] = {0, 0};  // bytes of upload_, readback_
  auto add_io = [&](bool input, int t) {
    const shaders::TensorDims& d = tensors[t].dims;
    IoKernel io;
    io.input = input;
    io.tensor = t;
    io.bytes = static_cast<VkDeviceSize>(d.b) * d.h * d.w * d.c * sizeof(float);
    io.offset = io_bytes[input ? 0 : 1];
    io_bytes[input ? 0 : 1] = AlignUp(io.offset + io.bytes, align);
    io_kernels_.push_back(std::move(io));
  };
  for (int t : program_.inputs) add_io(true, t);
  for (int t : program_.outputs) add_io(false, t);
  for (VkDeviceSize b : io_bytes) {
    if (b > info.max_storage_buffer_range) {
      return ResourceExhaustedError("partition I/O needs " + std::to_string(b) +
                                    " bytes of staging, over the device's storage buffer range");
    }
  }
  VKD_ASSIGN_OR_RETURN(
      upload_, alloc.CreateBuffer(std::max(io_bytes[0], align), gpu::MemoryDomain::kUpload));
  VKD_ASSIGN_OR_RETURN(
      readback_, alloc.CreateBuffer(std::max(io_bytes[1], align), gpu::MemoryDomain::kReadback));
  if (!upload_->mapped() || !readback_->mapped()) {
    return UnavailableError("no host-visible memory for the partition's staging buffers");
  }
  init_.upload_ms = t0.ElapsedMs();
  return Status::Ok();
}

Status GpuPartition::Record() {
  const Timer t0;
  const auto& tensors = program_.tensors;
  uint32_t total_bindings = 2 * static_cast<uint32_t>(io_kernels_.size());
  for (const auto& k : program_.kernels) total_bindings += static_cast<uint32_t>(k.bindings.size());
  const uint32_t total_sets = static_cast<uint32_t>(program_.kernels.size() + io_kernels_.size());
  VKD_ASSIGN_OR_RETURN(descriptors_, gpu::DescriptorArena::Create(
                                         context_->device(), std::max<uint32_t>(1, total_sets),
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
  for (IoKernel& io : io_kernels_) {
    const gpu::BufferBinding internal{arena_->handle(), offsets_[io.tensor],
                                      tensors[io.tensor].bytes};
    const gpu::BufferBinding dense{io.input ? upload_->handle() : readback_->handle(), io.offset,
                                   io.bytes};
    VKD_ASSIGN_OR_RETURN(
        io.set, descriptors_->Allocate(*io.pipeline, io.input ? std::vector{internal, dense}
                                                              : std::vector{dense, internal}));
  }

  // What each dispatch writes and reads in the arena, in execution order:
  // input conversions, the program, output conversions.
  struct Step {
    const gpu::ComputePipeline* pipeline;
    VkDescriptorSet set;
    std::array<uint32_t, 3> groups;
    std::vector<Range> writes, reads;  // arena ranges
    int profile = -1;                  // index into profile_
  };
  std::vector<Step> steps;
  auto range_of = [&](int t) { return Range{offsets_[t], offsets_[t] + tensors[t].bytes}; };
  for (const IoKernel& io : io_kernels_) {
    if (io.input)
      steps.push_back({io.pipeline.get(), io.set, io.groups, {range_of(io.tensor)}, {}});
  }
  for (size_t k = 0; k < program_.kernels.size(); ++k) {
    const auto& b = program_.kernels[k].bindings;
    Step s{pipelines_[k].get(), sets_[k], groups_[k], {range_of(b[0])}, {}, static_cast<int>(k)};
    for (size_t i = 1; i < b.size(); ++i) {
      if (!tensors[b[i]].constant) s.reads.push_back(range_of(b[i]));
    }
    steps.push_back(std::move(s));
  }
  for (const IoKernel& io : io_kernels_) {
    if (!io.input)
      steps.push_back({io.pipeline.get(), io.set, io.groups, {}, {range_of(io.tensor)}});
  }

  profiling_ = context_->options().enable_profiling;
  // Timestamps: one before the first dispatch and one after each profiled
  // kernel (or just one at the end), so every invoke reports its GPU time.
  gpu::CommandSequenceOptions so;
  so.max_timestamps = profiling_ ? static_cast<uint32_t>(steps.size()) + 1 : 2;
  VKD_ASSIGN_OR_RETURN(sequence_, gpu::CommandSequence::Create(context_->device(), so));
  gpu::CommandSequence& seq = *sequence_;
  VKD_RETURN_IF_ERROR(seq.Begin());
  const VkBuffer arena = arena_->handle();
  // A barrier only where a dispatch reads what an earlier one wrote since
  // the last barrier, or overwrites what one read or wrote (arena reuse).
  std::vector<Range> written, read;
  barriers_ = 0;
  seq.WriteTimestamp(0);
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& st = steps[i];
    bool hazard = false;
    for (const Range& w : written) {
      for (const Range& o : st.writes) hazard = hazard || w.Overlaps(o);
      for (const Range& r : st.reads) hazard = hazard || w.Overlaps(r);
    }
    for (const Range& r : read) {
      for (const Range& o : st.writes) hazard = hazard || r.Overlaps(o);
    }
    if (hazard) {
      seq.ComputeBarrier({arena});
      ++barriers_;
      written.clear();
      read.clear();
    }
    written.insert(written.end(), st.writes.begin(), st.writes.end());
    read.insert(read.end(), st.reads.begin(), st.reads.end());
    seq.BindPipeline(*st.pipeline);
    seq.BindDescriptorSet(*st.pipeline, st.set);
    seq.Dispatch(st.groups[0], st.groups[1], st.groups[2]);
    if (profiling_) seq.WriteTimestamp(static_cast<uint32_t>(i) + 1);
  }
  if (!profiling_) seq.WriteTimestamp(1);
  seq.ToHostBarrier({readback_->handle()});
  VKD_RETURN_IF_ERROR(seq.End());
  profile_step_.clear();
  for (size_t i = 0; i < steps.size(); ++i) profile_step_.push_back(steps[i].profile);
  init_.record_ms = t0.ElapsedMs();
  return Status::Ok();
}

Status GpuPartition::Invoke(const std::vector<const float*>& inputs,
                            const std::vector<float*>& outputs) {
  if (!sequence_) return InternalError("GPU partition invoked before Prepare");
  if (device_failed_) return UnavailableError("GPU partition: the device failed earlier");
  if (inputs.size() != program_.inputs.size() || outputs.size() != program_.outputs.size()) {
    return InvalidArgumentError("GPU partition: wrong number of inputs or outputs");
  }
  uint8_t* up = static_cast<uint8_t*>(upload_->mapped());
  const uint8_t* down = static_cast<const uint8_t*>(readback_->mapped());
  size_t in = 0, out = 0;
  for (const IoKernel& io : io_kernels_) {
    if (io.input) std::memcpy(up + io.offset, inputs[in++], io.bytes);
  }
  if (Status s = sequence_->Run(); !s.ok()) {
    device_failed_ = true;  // lost device, hung fence: not to be trusted again
    return s.WithContext("GPU partition");
  }
  VKD_RETURN_IF_ERROR(readback_->InvalidateForRead());
  for (const IoKernel& io : io_kernels_) {
    if (!io.input) std::memcpy(outputs[out++], down + io.offset, io.bytes);
  }
  last_gpu_ms_ = -1;
  if (!sequence_->timestamps_supported()) return Status::Ok();
  const uint32_t slots = profiling_ ? static_cast<uint32_t>(profile_step_.size()) + 1 : 2;
  VKD_ASSIGN_OR_RETURN(std::vector<double> ns, sequence_->ReadTimestampDeltasNs(slots));
  double total_ns = 0;
  for (size_t i = 0; i < ns.size(); ++i) {
    total_ns += ns[i];
    if (profiling_ && profile_step_[i] >= 0) {
      KernelProfile& kp = profile_[profile_step_[i]];
      if (kp.invokes == 0) kp.first_ms = ns[i] * 1e-6;
      kp.total_ms += ns[i] * 1e-6;
      ++kp.invokes;
    }
  }
  last_gpu_ms_ = total_ns * 1e-6;
  return Status::Ok();
}

}  // namespace vkd::gpu_delegate
