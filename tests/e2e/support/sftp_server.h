#pragma once
// An OpenSSH sshd serving a gateway's SFTP drop area for one e2e test binary, configured and started
// by scripts/lib/sftp.sh (the same config scripts/run.sh uses), with everything in `run_dir`.
// sshd cannot listen on port 0: a free port is found by binding and closing, and another is tried
// when sshd then fails to bind. The destructor stops it (by its pid file).
//
// And a client: `sftp -b` with a key of the test's own, as an owner account.

#include <string>

namespace gateway::testing {

// Empty when SFTP tests can run here; otherwise why not ("SFTP needs root", a missing package).
std::string sftpUnsupportedReason();

class SftpServer {
 public:
  SftpServer(const std::string& run_dir, const std::string& drop_root);  // throws std::runtime_error
  ~SftpServer();
  SftpServer(const SftpServer&) = delete;
  SftpServer& operator=(const SftpServer&) = delete;

  int port() const { return port_; }

  // Runs `sftp -b -` with `commands` (one per line) as `user`, authenticating with the private key
  // file `key`; the exit code, and stdout + stderr in *output.
  int run(const std::string& user, const std::string& key, const std::string& commands, std::string* output) const;

 private:
  std::string run_dir_, drop_root_;
  int port_ = 0;
};

// Makes an ed25519 key pair at `path` and `path`.pub (no passphrase); throws on failure.
void makeKeyPair(const std::string& path, const std::string& comment);

}  // namespace gateway::testing
