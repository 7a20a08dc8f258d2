// GpuPartition's compile step: which variant each kernel runs, and the
// pipelines of the chosen kernels and of the I/O conversions.
//
// Variant choice, first match wins:
//   1. forced      GpuOptions::force_variants / VKD_FORCE_VARIANT (tests
//                  force every variant this way);
//   2. tuned-cache a measurement remembered for this device, driver and
//                  kernel shape (KernelChoices, beside the SPIR-V cache);
//   3. tuned       the variants timed now with timestamp queries, when
//                  tuning is on (GpuOptions::tuning) and within its budget;
//   4. heuristic   the lowering's choice from device facts.
// Devices this project never touched still get measured kernels: the
// heuristics only need to be good, not right.
//
// Pipelines: codegen and SPIR-V run sequentially (mostly SPIR-V cache
// hits), vkCreateComputePipelines — the driver's compile, most of a cold
// start on real GPUs — runs on several threads at once.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "common/timer.h"
#include "delegate/gpu/gpu_partition.h"
#include "shaders/codegen.h"

namespace vkd::gpu_delegate {

namespace {

// Dispatches timed per variant (after one warm-up dispatch).
constexpr int kTuneRepeats = 5;

std::vector<std::string> ForcedVariants(const GpuOptions& options) {
  std::vector<std::string> names = options.force_variants;
  if (const char* env = std::getenv("VKD_FORCE_VARIANT")) {
    std::stringstream ss(env);
    for (std::string name; std::getline(ss, name, ',');) {
      if (!name.empty()) names.push_back(name);
    }
  }
  return names;
}

// A kernel shape for tuning: the variant family, precision, every tensor's
// dims and the non-variant parameters. Kernels with the same key run the same
// code on the same sizes, so one measurement serves them all (MobileNetV2's
// repeated blocks), in this run and, through KernelChoices, later ones.
std::string ShapeKey(const ProgramKernel& k) {
  std::ostringstream s;
  const shaders::KernelSpec& spec = k.spec;
  s << k.variants[0].name << (spec.precision == shaders::Precision::kFp16 ? "|f16" : "|f32");
  auto dims = [&](const char* tag, const shaders::TensorDims& d) {
    s << "|" << tag << d.b << "x" << d.h << "x" << d.w << "x" << d.c;
  };
  dims("o", spec.out);
  for (const auto& d : spec.inputs) dims("i", d);
  for (const auto& d : spec.operands) dims("p", d);
  for (const auto& [name, value] : spec.int_params) {
    bool variant_param = false;
    for (const KernelVariant& v : k.variants) {
      for (const auto& p : v.int_params) variant_param = variant_param || p.first == name;
    }
    if (!variant_param) s << "|" << name << "=" << value;
  }
  s << "|post" << spec.post_ops.size();
  return s.str();
}

int VariantIndex(const ProgramKernel& k, const std::string& name) {
  for (size_t i = 0; i < k.variants.size(); ++i) {
    if (k.variants[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

Status GpuPartition::ChooseVariants() {
  const GpuOptions& options = context_->options();
  const std::vector<std::string> forced = ForcedVariants(options);
  const bool cpu_device = context_->device().info().kind == gpu::DeviceKind::kCpu;
  const bool tuning = context_->device().info().timestamp_period_ns > 0 &&
                      (options.tuning == GpuOptions::Tuning::kFull ||
                       (options.tuning == GpuOptions::Tuning::kAuto && !cpu_device));
  KernelChoices& remembered = context_->kernel_choices();
  const size_t n = program_.kernels.size();
  pipelines_.clear();
  pipelines_.resize(n);
  groups_.assign(n, {});
  variant_.assign(n, "");
  chosen_by_.assign(n, "");
  // Kernels to time, grouped by shape, in program order.
  std::vector<std::string> keys;
  std::vector<std::vector<int>> untimed;
  for (size_t k = 0; k < n; ++k) {
    ProgramKernel& pk = program_.kernels[k];
    if (pk.variants.empty()) continue;
    int choice = -1;
    for (const std::string& f : forced) {
      if (choice < 0) choice = VariantIndex(pk, f);
    }
    if (choice >= 0) {
      chosen_by_[k] = "forced";
    } else if (tuning) {
      const std::string key = ShapeKey(pk);
      choice = VariantIndex(pk, remembered.Find(key));
      if (choice >= 0) {
        chosen_by_[k] = "tuned-cache";
      } else {
        auto it = std::find(keys.begin(), keys.end(), key);
        if (it == keys.end()) {
          keys.push_back(key);
          untimed.push_back({static_cast<int>(k)});
        } else {
          untimed[it - keys.begin()].push_back(static_cast<int>(k));
        }
      }
    }
    if (choice >= 0) {
      pk.spec = WithVariant(pk.spec, pk.variants[choice]);
      pk.variant = choice;
    }
  }
  const Timer t0;
  for (size_t i = 0; i < keys.size(); ++i) {
    // The budget bounds a first start on a new device; what it leaves out is
    // measured on a later start (the measured shapes come from the cache).
    if (options.tuning == GpuOptions::Tuning::kAuto && t0.ElapsedMs() > options.tuning_budget_ms) {
      break;
    }
    VKD_RETURN_IF_ERROR(Tune(untimed[i], keys[i]));
  }
  init_.tuning_ms = t0.ElapsedMs();
  for (size_t k = 0; k < n; ++k) {
    const ProgramKernel& pk = program_.kernels[k];
    if (pk.variants.empty()) continue;
    variant_[k] = pk.variants[pk.variant].name;
    if (chosen_by_[k].empty()) chosen_by_[k] = "heuristic";
  }
  return Status::Ok();
}

// Times every variant of the first kernel of `kernels` (all of one shape) on
// the partition's own buffers, keeps the fastest for all of them, and keeps
// the winner's pipeline for the first.
Status GpuPartition::Tune(const std::vector<int>& kernels, const std::string& key) {
  ProgramKernel& pk = program_.kernels[kernels[0]];
  const size_t nv = pk.variants.size();
  std::vector<PipelineJob> jobs;
  for (const KernelVariant& v : pk.variants) {
    VKD_ASSIGN_OR_RETURN(PipelineJob job, Describe(WithVariant(pk.spec, v), pk.bindings.size()));
    jobs.push_back(std::move(job));
  }
  std::vector<PipelineJob*> pending;
  for (PipelineJob& j : jobs) pending.push_back(&j);
  VKD_RETURN_IF_ERROR(CreatePipelines(pending));

  const auto& tensors = program_.tensors;
  VKD_ASSIGN_OR_RETURN(
      auto sets, gpu::DescriptorArena::Create(context_->device(), static_cast<uint32_t>(nv),
                                              static_cast<uint32_t>(nv * pk.bindings.size())));
  std::vector<gpu::BufferBinding> bindings;
  for (int t : pk.bindings) {
    bindings.push_back({tensors[t].constant ? constants_->handle() : arena_->handle(), offsets_[t],
                        tensors[t].bytes});
  }
  gpu::CommandSequenceOptions so;
  so.max_timestamps = static_cast<uint32_t>(2 * nv);
  VKD_ASSIGN_OR_RETURN(auto seq, gpu::CommandSequence::Create(context_->device(), so));
  if (!seq->timestamps_supported()) return Status::Ok();  // the heuristic stays
  VKD_RETURN_IF_ERROR(seq->Begin());
  const VkBuffer arena = arena_->handle();
  for (size_t v = 0; v < nv; ++v) {
    const gpu::ComputePipeline& p = *jobs[v].pipeline;
    VKD_ASSIGN_OR_RETURN(VkDescriptorSet set, sets->Allocate(p, bindings));
    seq->BindPipeline(p);
    seq->BindDescriptorSet(p, set);
    const auto& g = jobs[v].groups;
    // One warm-up dispatch (instruction caches, first touch of the
    // weights), then the timed ones, each behind a barrier as in a real
    // invoke (they rewrite the same output).
    seq->Dispatch(g[0], g[1], g[2]);
    seq->ComputeBarrier({arena});
    seq->WriteTimestamp(static_cast<uint32_t>(2 * v));
    for (int r = 0; r < kTuneRepeats; ++r) {
      seq->Dispatch(g[0], g[1], g[2]);
      seq->ComputeBarrier({arena});
    }
    seq->WriteTimestamp(static_cast<uint32_t>(2 * v + 1));
  }
  VKD_RETURN_IF_ERROR(seq->End());
  // Best of two submissions per variant: the first may pay for clocks
  // ramping up.
  std::vector<double> best(nv, 1e300);
  for (int round = 0; round < 2; ++round) {
    VKD_RETURN_IF_ERROR(seq->Run());
    VKD_ASSIGN_OR_RETURN(std::vector<double> ns,
                         seq->ReadTimestampDeltasNs(static_cast<uint32_t>(2 * nv)));
    for (size_t v = 0; v < nv; ++v) best[v] = std::min(best[v], ns[2 * v] / kTuneRepeats);
  }
  const size_t winner = std::min_element(best.begin(), best.end()) - best.begin();
  context_->kernel_choices().Remember(key, pk.variants[winner].name, best[winner] * 1e-3);
  ++init_.tuned_shapes;
  for (int k : kernels) {
    ProgramKernel& kk = program_.kernels[k];
    kk.spec = WithVariant(kk.spec, kk.variants[winner]);
    kk.variant = static_cast<int>(winner);
    chosen_by_[k] = "tuned";
  }
  pipelines_[kernels[0]] = std::move(jobs[winner].pipeline);
  groups_[kernels[0]] = jobs[winner].groups;
  return Status::Ok();
}

StatusOr<GpuPartition::PipelineJob> GpuPartition::Describe(const shaders::KernelSpec& spec,
                                                           size_t num_bindings) {
  shaders::CompileOptions co;
  co.optimize = true;
  co.validate = context_->options().enable_validation;
  const Timer t0;
  VKD_ASSIGN_OR_RETURN(shaders::GeneratedShader gen, shaders::GenerateShader(spec));
  VKD_ASSIGN_OR_RETURN(
      std::vector<uint32_t> spirv,
      context_->spirv_cache().GetOrCompile(gen.source, spec.name, context_->device_key(), co));
  init_.shader_ms += t0.ElapsedMs();
  if (gen.num_buffers != num_bindings) {
    return InternalError(spec.name + ": shader has " + std::to_string(gen.num_buffers) +
                         " bindings, program " + std::to_string(num_bindings));
  }
  PipelineJob job;
  job.desc.name = spec.name;
  job.desc.spirv = std::move(spirv);
  job.desc.num_buffers = gen.num_buffers;
  job.desc.specialization = std::move(gen.specialization);
  job.groups = {gen.groups[0], gen.groups[1], gen.groups[2]};
  return job;
}

Status GpuPartition::CreatePipelines(std::vector<PipelineJob*>& jobs) {
  const Timer t0;
  // Pipeline creation is thread-safe on one device and one VkPipelineCache
  // (the cache is internally synchronized unless created otherwise).
  const size_t threads =
      std::min<size_t>({jobs.size(), 8, std::max(1u, std::thread::hardware_concurrency())});
  std::vector<Status> status(jobs.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      auto p = gpu::ComputePipeline::Create(context_->device(), jobs[i]->desc,
                                            &context_->pipeline_cache());
      if (p.ok()) {
        jobs[i]->pipeline = std::move(p).value();
      } else {
        status[i] = p.status();
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  init_.pipeline_ms += t0.ElapsedMs();
  for (const Status& s : status) VKD_RETURN_IF_ERROR(s);
  return Status::Ok();
}

Status GpuPartition::Compile() {
  const shaders::SpirvCacheStats before = context_->spirv_cache().stats();
  // The program's kernels whose pipeline tuning did not already make.
  std::vector<PipelineJob> jobs;
  std::vector<int> job_kernel;
  jobs.reserve(program_.kernels.size() + io_kernels_.size());
  for (size_t k = 0; k < program_.kernels.size(); ++k) {
    if (pipelines_[k]) continue;
    const ProgramKernel& pk = program_.kernels[k];
    VKD_ASSIGN_OR_RETURN(PipelineJob job, Describe(pk.spec, pk.bindings.size()));
    jobs.push_back(std::move(job));
    job_kernel.push_back(static_cast<int>(k));
  }
  // The I/O conversions: caller's dense fp32 <-> internal layout.
  const auto& tensors = program_.tensors;
  for (IoKernel& io : io_kernels_) {
    const ProgramTensor& t = tensors[io.tensor];
    shaders::KernelSpec spec;
    spec.name = (io.input ? "pack_input[" : "unpack_output[") + t.name + "]";
    spec.main = io.input ? "io_pack" : "io_unpack";
    spec.precision = context_->precision();
    spec.out = t.dims;
    spec.inputs = {t.dims};
    spec.dense_in0 = io.input;
    spec.dense_out = !io.input;
    spec.invocations = t.dims.vec4_count();
    VKD_ASSIGN_OR_RETURN(PipelineJob job, Describe(spec, 2));
    jobs.push_back(std::move(job));
    job_kernel.push_back(-1);
  }
  std::vector<PipelineJob*> pending;
  for (PipelineJob& j : jobs) pending.push_back(&j);
  VKD_RETURN_IF_ERROR(CreatePipelines(pending));
  size_t io = 0;
  for (size_t j = 0; j < jobs.size(); ++j) {
    if (job_kernel[j] >= 0) {
      pipelines_[job_kernel[j]] = std::move(jobs[j].pipeline);
      groups_[job_kernel[j]] = jobs[j].groups;
    } else {
      io_kernels_[io].pipeline = std::move(jobs[j].pipeline);
      io_kernels_[io].groups = jobs[j].groups;
      ++io;
    }
  }
  profile_.clear();
  for (size_t k = 0; k < program_.kernels.size(); ++k) {
    const ProgramKernel& pk = program_.kernels[k];
    KernelProfile kp;
    kp.name = pk.spec.name;
    kp.nodes = pk.nodes;
    kp.flops = KernelFlops(pk.spec);
    kp.variant = variant_[k];
    kp.chosen_by = chosen_by_[k];
    profile_.push_back(std::move(kp));
  }
  init_.shader_compiles = context_->spirv_cache().stats().compiles - before.compiles;
  return Status::Ok();
}

}  // namespace vkd::gpu_delegate
