#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace vkd {

StatusOr<std::vector<char>> ReadBoundedRegularFile(const std::string& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string message = "cannot open '" + path + "': " + std::strerror(err);
    return err == ENOENT ? NotFoundError(message) : InternalError(message);
  }
  struct stat st;
  std::vector<char> data;
  Status status = Status::Ok();
  if (::fstat(fd, &st) != 0) {
    status = InternalError("cannot stat '" + path + "': " + std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = InvalidArgumentError("'" + path + "' is not a regular file");
  } else if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    status = InvalidArgumentError("'" + path + "' holds " + std::to_string(st.st_size) +
                                  " bytes, over the limit of " + std::to_string(max_bytes));
  } else {
    data.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // error, or the file shrank while being read
      done += static_cast<size_t>(n);
    }
    if (done != data.size()) status = InternalError("short read of '" + path + "'");
  }
  ::close(fd);
  if (!status.ok()) return status;
  return data;
}

bool IsRegularFileOrMissing(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT;
  return S_ISREG(st.st_mode);
}

std::string DefaultGpuCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) return std::string(xdg) + "/vkdelegate/gpu";
  if (home && *home) return std::string(home) + "/.cache/vkdelegate/gpu";
  return "";
}

}  // namespace vkd
