// vkdelegate's public C API. The delegate entry points arrive with the
// TFLite plug-in; this header carries the library version.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

// "MAJOR.MINOR.PATCH" of the loaded libvkdelegate.so.
const char* VkdVersion(void);

#ifdef __cplusplus
}
#endif
