#include "sftp_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace gateway::testing {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string sourceDir() {
  const char* dir = std::getenv("GATEWAY_SOURCE_DIR");
  if (dir == nullptr) throw std::runtime_error("GATEWAY_SOURCE_DIR is not set");
  return dir;
}

// Runs `command` with bash; exit code, output (stdout + stderr) in *output.
int shell(const std::string& command, std::string* output) {
  FILE* pipe = ::popen(("bash -c " + quoted(command) + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buffer{};
  std::string out;
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string library(const std::string& call) {
  return "set -e; source " + quoted(sourceDir() + "/scripts/lib/sftp.sh") + "; " + call;
}

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

std::string sftpUnsupportedReason() {
  std::string output;
  if (shell(library("sftp_unsupported_reason"), &output) == 0) return "";
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output.empty() ? "SFTP is not supported here" : output;
}

SftpServer::SftpServer(const std::string& run_dir, const std::string& drop_root)
    : run_dir_(run_dir), drop_root_(drop_root) {
  std::string output;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = freePort();
    const int rc = shell(library("sftp_start " + quoted(run_dir_) + " " + quoted(drop_root_) + " " +
                                 std::to_string(port_)),
                         &output);
    if (rc == 0) return;
  }
  throw std::runtime_error("sshd did not start: " + output);
}

SftpServer::~SftpServer() { shell(library("sftp_stop " + quoted(run_dir_)), nullptr); }

int SftpServer::run(const std::string& user, const std::string& key, const std::string& commands,
                    std::string* output) const {
  const std::string batch = run_dir_ + "/batch-" + std::to_string(::getpid()) + ".txt";
  std::ofstream(batch) << commands;
  const int rc = shell("sftp -b " + quoted(batch) + " -i " + quoted(key) + " -P " + std::to_string(port_) +
                           " -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
                           " -o IdentitiesOnly=yes -o LogLevel=ERROR -o ConnectTimeout=10 " +
                           quoted(user + "@127.0.0.1"),
                       output);
  std::remove(batch.c_str());
  return rc;
}

void makeKeyPair(const std::string& path, const std::string& comment) {
  std::string output;
  std::remove(path.c_str());
  std::remove((path + ".pub").c_str());
  if (shell("ssh-keygen -q -t ed25519 -N '' -C " + quoted(comment) + " -f " + quoted(path), &output) != 0) {
    throw std::runtime_error("ssh-keygen failed: " + output);
  }
}

}  // namespace gateway::testing
