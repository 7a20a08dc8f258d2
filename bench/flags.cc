#include "bench/flags.h"

#include <cerrno>
#include <cstdlib>

namespace vkd::tools {

void Flags::Define(const std::string& name, const std::string& default_value,
                   const std::string& help) {
  flags_[name] = Flag{default_value, help, false};
  order_.push_back(name);
}

Status Flags::Parse(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0)
      return InvalidArgumentError("unexpected argument '" + arg +
                                  "' (flags look like --name=value)");
    arg = arg.substr(2);
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    auto it = flags_.find(name);
    if (it == flags_.end()) return InvalidArgumentError("unknown flag --" + name + " (see --help)");
    it->second.value = eq == std::string::npos ? "true" : arg.substr(eq + 1);
    it->second.set = true;
  }
  return Status::Ok();
}

std::string Flags::GetString(const std::string& name) const { return flags_.at(name).value; }

StatusOr<int> Flags::GetInt(const std::string& name) const {
  const std::string& v = flags_.at(name).value;
  errno = 0;
  char* end = nullptr;
  long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || x < INT32_MIN || x > INT32_MAX) {
    return InvalidArgumentError("--" + name + "=" + v + ": not an integer");
  }
  return static_cast<int>(x);
}

StatusOr<bool> Flags::GetBool(const std::string& name) const {
  const std::string& v = flags_.at(name).value;
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return InvalidArgumentError("--" + name + "=" + v + ": expected true or false");
}

bool Flags::WasSet(const std::string& name) const { return flags_.at(name).set; }

std::string Flags::Usage(const std::string& program) const {
  std::string s = "usage: " + program + " --graph=model.tflite [flags]\n";
  for (const auto& name : order_) {
    const Flag& f = flags_.at(name);
    s += "  --" + name + " (default: " + (f.value.empty() ? "\"\"" : f.value) + ")\n      " +
         f.help + "\n";
  }
  return s;
}

}  // namespace vkd::tools
