#include "delegate/gpu/kernel_choices.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/file_util.h"

namespace vkd::gpu_delegate {

KernelChoices::KernelChoices(std::string dir, std::string device_key)
    : path_(dir.empty() ? "" : dir + "/kernel_choices.tsv"), device_key_(std::move(device_key)) {
  Load();
}

void KernelChoices::Load() {
  if (path_.empty()) return;
  // Only a regular file of bounded size, opened without blocking: a FIFO
  // would block start-up and a link to /dev/zero would never end.
  StatusOr<std::vector<char>> read = ReadBoundedRegularFile(path_, kMaxFileBytes);
  if (!read.ok()) {
    if (read.status().code() != StatusCode::kNotFound) {
      std::fprintf(stderr, "vkdelegate: ignoring the kernel tuning cache: %s\n",
                   read.status().message().c_str());
    }
    return;
  }
  std::stringstream in(std::string(read->begin(), read->end()));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string part; std::getline(ss, part, '\t');) f.push_back(part);
    if (f.size() != 4 || f[0] != device_key_ || f[1].empty() || f[2].empty()) continue;
    choices_[f[1]] = f[2];  // later lines (newer measurements) win
    lines_[f[1]] = line + "\n";
  }
}

std::string KernelChoices::Find(const std::string& shape_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = choices_.find(shape_key);
  return it == choices_.end() ? std::string() : it->second;
}

void KernelChoices::Remember(const std::string& shape_key, const std::string& variant, double us) {
  std::lock_guard<std::mutex> lock(mu_);
  choices_[shape_key] = variant;
  char time[32];
  std::snprintf(time, sizeof(time), "%.2f", us);
  unsaved_[shape_key] = device_key_ + "\t" + shape_key + "\t" + variant + "\t" + time + "\n";
  lines_[shape_key] = unsaved_[shape_key];
}

Status KernelChoices::Save() {
  std::lock_guard<std::mutex> lock(mu_);
  if (path_.empty() || unsaved_.empty()) return Status::Ok();
  // Never open something else for writing: a FIFO would block until a
  // reader came.
  if (!IsRegularFileOrMissing(path_)) {
    unsaved_.clear();
    return UnavailableError(path_ + " is not a regular file; tuning results are not kept");
  }
  // Appending keeps other devices' lines; when the file nears the size the
  // loader accepts, it is rewritten with this device's current choices only,
  // so it never grows past what the next start will read.
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path_, ec);
  size_t added = 0;
  for (const auto& [key, line] : unsaved_) added += line.size();
  const bool rewrite = !ec && size + added > kMaxFileBytes / 2;
  std::ofstream out(path_, rewrite ? std::ios::trunc : std::ios::app);
  for (const auto& [key, line] : rewrite ? lines_ : unsaved_) out << line;
  out.close();
  if (!out) return UnavailableError("cannot write the kernel tuning cache " + path_);
  unsaved_.clear();
  return Status::Ok();
}

int KernelChoices::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(choices_.size());
}

}  // namespace vkd::gpu_delegate
