// Command-line flags in benchmark_model's style: --name=value, and a bare
// --name for a boolean true. Unknown flags are an error, never ignored.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace vkd::tools {

class Flags {
 public:
  // Declares a flag with its default and a one-line help text.
  void Define(const std::string& name, const std::string& default_value, const std::string& help);
  // Another name for a defined flag (TFLite benchmark_model's spelling where
  // ours differs): --alias=v sets `name`.
  void Alias(const std::string& alias, const std::string& name);
  Status Parse(int argc, char** argv);

  std::string GetString(const std::string& name) const;
  StatusOr<int> GetInt(const std::string& name) const;
  StatusOr<bool> GetBool(const std::string& name) const;
  StatusOr<double> GetDouble(const std::string& name) const;
  // Every flag with its value (given or default), in definition order: the
  // record of a run (vkd-bench's JSON, --verbose).
  std::vector<std::pair<std::string, std::string>> Values() const;
  bool WasSet(const std::string& name) const;
  std::string Usage(const std::string& program) const;

 private:
  struct Flag {
    std::string value, help;
    bool set = false;
  };
  // The defined flag nearest to an unknown one (edit distance), or "".
  std::string Nearest(const std::string& unknown) const;

  std::map<std::string, Flag> flags_;
  std::map<std::string, std::string> aliases_;
  std::vector<std::string> order_;
};

}  // namespace vkd::tools
