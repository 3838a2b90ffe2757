#pragma once
// The loopback delivery sinks of the e2e tests that send notifications: a helper script
// (smtp_sink.py, sms_sink.py) run with Debian's /usr/bin/python3 until stop(), and reading the
// mails the SMTP sink stored. Header-only; used by the notification and correspondence flows.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gateway::testing {

inline std::string sourceDir() {
  const char* dir = std::getenv("GATEWAY_SOURCE_DIR");
  if (!dir) throw std::runtime_error("GATEWAY_SOURCE_DIR is not set");
  return dir;
}

// A loopback TCP port that was free a moment ago.
inline int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A Python helper script run until stop(); start() returns once it wrote its ready file.
class Sink {
 public:
  Sink(std::string script, std::vector<std::string> args, std::filesystem::path ready_file)
      : script_(std::move(script)), args_(std::move(args)), ready_(std::move(ready_file)) {}
  ~Sink() { stop(); }
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  void start() {
    std::filesystem::remove(ready_);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv = {const_cast<char*>("/usr/bin/python3"), script_.data()};
      for (auto& a : args_) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv("/usr/bin/python3", argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      if (std::filesystem::exists(ready_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error(script_ + " did not become ready");
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // What the script wrote into its ready file (the port it listens on).
  std::string readyText() const {
    std::ifstream in(ready_);
    std::string text;
    in >> text;
    return text;
  }

 private:
  std::string script_;
  std::vector<std::string> args_;
  std::filesystem::path ready_;
  pid_t pid_ = -1;
};

// One mail as smtp_sink.py stored it.
struct Mail {
  std::map<std::string, std::string> headers;  // mail_from, rcpt_to, tls, subject, content_type, ...
  std::string body;
};

// The mails in `dir` whose envelope recipient is `recipient`.
inline std::vector<Mail> readMails(const std::filesystem::path& dir, const std::string& recipient) {
  std::vector<Mail> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".mail") continue;
    std::ifstream in(entry.path());
    Mail m;
    std::string line;
    while (std::getline(in, line) && line != "--") {
      auto colon = line.find(": ");
      if (colon != std::string::npos) m.headers[line.substr(0, colon)] = line.substr(colon + 2);
    }
    std::stringstream rest;
    rest << in.rdbuf();
    m.body = rest.str();
    if (m.headers["rcpt_to"] == recipient) found.push_back(std::move(m));
  }
  return found;
}

}  // namespace gateway::testing
