// Test-only fault injection for the GPU runtime: makes the Vulkan calls
// that fail in the field fail on demand, so tests can show that every front
// door falls back to the CPU (or reports an error) instead of crashing,
// hanging or answering wrongly.
//
// Driven by the environment, so it reaches the runtime inside a TFLite host
// that loaded the plug-in too:
//   VKD_INJECT_FAULT=<fault>[@N][,<fault>[@N]...][;<anything>]
// <fault> is one of
//   alloc        MemoryAllocator::CreateBuffer returns ResourceExhausted
//   pipeline     ComputePipeline::Create fails (as a driver compile error)
//   device_lost  CommandSequence::Submit returns VK_ERROR_DEVICE_LOST
//   timeout      CommandSequence::Wait reports its fence timeout
// @N: the first N-1 hits pass, the Nth and later fail (default 1). Hits are
// counted from the moment the variable takes its current value; text after
// ';' is ignored, so a test can restart the counts with a new suffix.
// Unset (the normal case), each fault point costs one getenv.
#pragma once

namespace vkd::gpu {

enum class Fault { kAlloc, kPipeline, kDeviceLost, kTimeout };

// True when this hit of `fault` must fail.
bool InjectFault(Fault fault);

}  // namespace vkd::gpu
