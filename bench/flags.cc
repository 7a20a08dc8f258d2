#include "bench/flags.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace vkd::tools {

void Flags::Define(const std::string& name, const std::string& default_value,
                   const std::string& help) {
  flags_[name] = Flag{default_value, help, false};
  order_.push_back(name);
}

void Flags::Alias(const std::string& alias, const std::string& name) { aliases_[alias] = name; }

namespace {
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string Flags::Nearest(const std::string& unknown) const {
  std::string best;
  size_t best_distance = std::max<size_t>(3, unknown.size() / 3) + 1;
  auto consider = [&](const std::string& name) {
    const size_t d = EditDistance(unknown, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  };
  for (const auto& [name, flag] : flags_) consider(name);
  for (const auto& [alias, name] : aliases_) consider(alias);
  return best;
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
    auto alias = aliases_.find(name);
    auto it = flags_.find(alias != aliases_.end() ? alias->second : name);
    if (it == flags_.end()) {
      const std::string near = Nearest(name);
      return InvalidArgumentError("unknown flag --" + name +
                                  (near.empty() ? "" : " (did you mean --" + near + "?)") +
                                  " (see --help)");
    }
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

StatusOr<double> Flags::GetDouble(const std::string& name) const {
  const std::string& v = flags_.at(name).value;
  errno = 0;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0 || !std::isfinite(x)) {
    return InvalidArgumentError("--" + name + "=" + v + ": not a number");
  }
  return x;
}

std::vector<std::pair<std::string, std::string>> Flags::Values() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : order_) out.emplace_back(name, flags_.at(name).value);
  return out;
}

bool Flags::WasSet(const std::string& name) const { return flags_.at(name).set; }

std::string Flags::Usage(const std::string& program) const {
  std::string s = "usage: " + program + " --graph=model.tflite [flags]\n";
  for (const auto& name : order_) {
    const Flag& f = flags_.at(name);
    std::string aka;
    for (const auto& [alias, target] : aliases_) {
      if (target == name) aka += (aka.empty() ? " (also --" : ", --") + alias;
    }
    if (!aka.empty()) aka += ")";
    s += "  --" + name + aka + " (default: " + (f.value.empty() ? "\"\"" : f.value) + ")\n      " +
         f.help + "\n";
  }
  return s;
}

}  // namespace vkd::tools
