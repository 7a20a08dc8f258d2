// The GLSL templates under shaders/glsl/, compiled into the library by
// cmake/embed_shaders.cmake (generated embedded_templates.cc).
#pragma once

namespace vkd::shaders {

struct EmbeddedTemplate {
  const char* name;    // file name without ".glsl"
  const char* source;  // the template body
};

// Terminated by {nullptr, nullptr}.
extern const EmbeddedTemplate kEmbeddedTemplates[];

}  // namespace vkd::shaders
