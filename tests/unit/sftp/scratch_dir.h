#pragma once
// A fresh folder for one test, removed afterwards. Under the current directory (the build tree),
// not /tmp: running as root, DropArea::create refuses paths sshd could not chroot into.
#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <random>
#include <string>

#include "common/status.h"

namespace gateway {
// Lets BOOST_TEST print status codes.
inline std::ostream& boost_test_print_type(std::ostream& out, StatusCode code) { return out << static_cast<int>(code); }
}  // namespace gateway

namespace gateway::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device random;
    path_ = std::filesystem::current_path() / ("scratch-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
    std::filesystem::permissions(path_, std::filesystem::perms(0755));
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gateway::testing
