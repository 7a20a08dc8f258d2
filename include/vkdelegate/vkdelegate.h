/* vkdelegate: a Vulkan compute delegate for TensorFlow Lite.
 *
 * Two ways in:
 *  - linked:  TfLiteDelegate* d = VkdDelegateCreate(&options);
 *             TfLiteInterpreterOptionsAddDelegate(interpreter_options, d);
 *             ... run; delete the interpreter; VkdDelegateDelete(d);
 *  - plug-in: TFLite's external delegate (benchmark_model
 *             --external_delegate_path=libvkdelegate.so, Python's
 *             tf.lite.experimental.load_delegate) calls
 *             tflite_plugin_create_delegate / tflite_plugin_destroy_delegate.
 *
 * The delegate claims the largest subgraphs of ops it can run on the GPU and
 * leaves every other op to the host interpreter. Without a usable Vulkan
 * device it delegates nothing (one warning line) and the host runs the whole
 * model. A delegate may serve several interpreters at once; it must outlive
 * them.
 *
 * Plug-in option keys (values as strings, as `k:v;k:v` on the command line):
 *   precision                 fp32 | fp16        (default fp32)
 *   device                    auto (the best hardware GPU; default) | any
 *                             (software Vulkan devices too) | an index
 *   max_partitions            GPU partitions kept, largest first, 0 = all
 *   min_nodes_per_partition   smaller partitions stay on the host (default 1)
 *   cache_dir                 SPIR-V / pipeline cache folder, "" = memory only
 *   enable_quant              true | false: run quantized models' ops in
 *                             float on the GPU (default false)
 *   log_level                 error | warning | info | verbose (default info)
 *   validation                true | false: Khronos validation layer (tests)
 *   tuning                    auto | off | full: time kernel variants per
 *                             device at first prepare and cache the fastest
 *                             (auto: real GPUs, a 300 ms budget; default auto)
 *   gpu_memory_budget_mb      GPU memory the partitions may hold; a partition
 *                             past it runs on the CPU (0 = 9/10 of the heap)
 * TFLite GPU delegate's names (TfLiteGpuDelegateOptionsV2) are accepted too:
 *   is_precision_loss_allowed, inference_priority1..3, inference_preference,
 *   max_delegated_partitions, serialization_dir, model_token,
 *   experimental_flags; README "Options like TFLite's GPU delegate" maps them.
 *
 * Devices: a software Vulkan device (Mesa's lavapipe: a CPU running Vulkan)
 * is slower than vkdelegate's own CPU kernels on the same cores, so by
 * default only hardware GPUs are used; without one the delegate claims
 * nothing and says why. device:any (or the environment variable
 * VKD_DEVICE=any, for hosts that cannot pass options) asks for it.
 */
#ifndef VKDELEGATE_VKDELEGATE_H_
#define VKDELEGATE_VKDELEGATE_H_

#include <stddef.h>
#include <stdint.h>

#include "vkdelegate/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TFLite's delegate type (tensorflow/lite/c/common.h); declared here so that
 * this header does not require TFLite's. */
struct TfLiteDelegate;

typedef enum {
  kVkdLogError = 0,
  kVkdLogWarning = 1,
  kVkdLogInfo = 2,    /* the one-line placement summary at Prepare */
  kVkdLogVerbose = 3, /* plus every node's placement and reason */
} VkdLogLevel;

typedef struct VkdDelegateOptions {
  int32_t enable_fp16;          /* 0: fp32, 1: fp16 storage and arithmetic */
  int32_t device_index;         /* -1: the best hardware GPU (discrete > integrated >
                                   virtual); -2: any device, software (lavapipe) too;
                                   N: that Vulkan device. See VKD_DEVICE below. */
  int32_t max_partitions;       /* 0: no limit */
  int32_t min_nodes_per_partition;
  const char* cache_dir;        /* NULL or "": no disk cache; copied at create */
  int32_t enable_quant;         /* run quantized ops in float on the GPU */
  int32_t log_level;            /* VkdLogLevel */
  int32_t enable_validation;    /* VK_LAYER_KHRONOS_validation on */
  int32_t tuning;               /* 0: auto, 1: off, 2: full */
  int32_t gpu_memory_budget_mb; /* 0: 9/10 of the device heap */
} VkdDelegateOptions;

/* The defaults listed above. */
VKD_EXPORT VkdDelegateOptions VkdDelegateOptionsDefault(void);

/* A new delegate; NULL options means the defaults. Returns NULL (with a
 * message on stderr) only for invalid options: a missing GPU is not an error. */
VKD_EXPORT struct TfLiteDelegate* VkdDelegateCreate(const VkdDelegateOptions* options);
VKD_EXPORT void VkdDelegateDelete(struct TfLiteDelegate* delegate);

/* Diagnostics: how many nodes the last Prepare put on the GPU, in how many
 * partitions (-1 for a delegate that is not vkdelegate's or not prepared). */
VKD_EXPORT int32_t VkdDelegateNodesOnGpu(const struct TfLiteDelegate* delegate);
VKD_EXPORT int32_t VkdDelegatePartitions(const struct TfLiteDelegate* delegate);

/* Vulkan validation-layer errors counted in this process so far (tests fail
 * on any). 0 when validation is off. */
VKD_EXPORT int64_t VkdValidationErrorCount(void);

/* TFLite's external-delegate plug-in ABI. `num_options` is read as the low 32
 * bits: Python's load_delegate passes a C int where the ABI says size_t. On a
 * bad key or value, report_error (when not NULL) receives a message naming it
 * and NULL is returned. */
VKD_EXPORT struct TfLiteDelegate* tflite_plugin_create_delegate(
    char** options_keys, char** options_values, size_t num_options,
    void (*report_error)(const char*));
VKD_EXPORT void tflite_plugin_destroy_delegate(struct TfLiteDelegate* delegate);

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif /* VKDELEGATE_VKDELEGATE_H_ */
