#include "vkdelegate/version.h"

extern "C" const char* VkdVersion(void) { return "0.1.0"; }
