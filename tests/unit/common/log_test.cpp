#define BOOST_TEST_MODULE log
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"

using namespace gateway;

namespace {

// Redirects stderr into a temporary file for the lifetime of the object.
class CapturedStderr {
 public:
  CapturedStderr() {
    char pattern[] = "/tmp/gw-log-XXXXXX";
    fd_ = mkstemp(pattern);
    path_ = pattern;
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(fd_, STDERR_FILENO);
  }
  ~CapturedStderr() {
    restore();
    ::close(fd_);
    std::remove(path_.c_str());
  }
  std::vector<std::string> lines() {
    restore();
    std::vector<std::string> out;
    std::string text;
    char buf[4096];
    ::lseek(fd_, 0, SEEK_SET);
    ssize_t n;
    while ((n = ::read(fd_, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  void restore() {
    if (saved_ >= 0) {
      ::dup2(saved_, STDERR_FILENO);
      ::close(saved_);
      saved_ = -1;
    }
  }
  int fd_ = -1;
  int saved_ = -1;
  std::string path_;
};

struct ResetLevel {
  ~ResetLevel() { log::setLevel(log::Level::kInfo); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(JsonLog, ResetLevel)

BOOST_AUTO_TEST_CASE(WritesOneJsonObjectPerLine) {
  CapturedStderr capture;
  log::info("request", {{"path", "/a.svc"}, {"ms", "1.5"}});
  auto lines = capture.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  const std::string& line = lines[0];
  BOOST_TEST(line.rfind("{\"ts\":\"", 0) == 0u);
  BOOST_TEST(line.back() == '}');
  BOOST_TEST(line.find("Z\",\"level\":\"info\",\"event\":\"request\",\"path\":\"/a.svc\",\"ms\":\"1.5\"}") !=
             std::string::npos);
  // ts: 2026-11-23T10:00:00.123Z
  std::string ts = line.substr(7, 24);
  BOOST_TEST(ts.size() == 24u);
  BOOST_TEST(ts[4] == '-');
  BOOST_TEST(ts[10] == 'T');
  BOOST_TEST(ts[19] == '.');
  BOOST_TEST(ts[23] == 'Z');
}

BOOST_AUTO_TEST_CASE(EscapesQuotesBackslashesAndControlCharacters) {
  CapturedStderr capture;
  log::warn("x", {{"k\"ey", "a\"b\\c\nd\re\tf\x01g"}});
  auto lines = capture.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 1u);
  BOOST_TEST(lines[0].find("\"k\\\"ey\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\"") != std::string::npos, lines[0]);
}

BOOST_AUTO_TEST_CASE(DropsLinesBelowTheLevel) {
  CapturedStderr capture;
  log::setLevel(log::Level::kWarn);
  log::debug("d");
  log::info("i");
  log::warn("w");
  log::error("e");
  auto lines = capture.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_TEST(lines[0].find("\"level\":\"warn\"") != std::string::npos);
  BOOST_TEST(lines[1].find("\"level\":\"error\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ParsesLevelNames) {
  log::Level level = log::Level::kInfo;
  BOOST_TEST(log::parseLevel("debug", level));
  BOOST_TEST(static_cast<int>(level) == static_cast<int>(log::Level::kDebug));
  BOOST_TEST(log::parseLevel("error", level));
  BOOST_TEST(static_cast<int>(level) == static_cast<int>(log::Level::kError));
  BOOST_TEST(!log::parseLevel("verbose", level));
  BOOST_TEST(!log::parseLevel("INFO", level));
  BOOST_TEST(static_cast<int>(level) == static_cast<int>(log::Level::kError));  // unchanged on failure
}

BOOST_AUTO_TEST_CASE(ConcurrentLinesDoNotInterleave) {
  CapturedStderr capture;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) log::info("concurrent", {{"thread", std::to_string(t)}, {"padding", std::string(300, 'x')}});
    });
  }
  for (auto& th : threads) th.join();
  auto lines = capture.lines();
  BOOST_REQUIRE_EQUAL(lines.size(), 1600u);
  for (const auto& line : lines) {
    BOOST_TEST((line.rfind("{\"ts\":", 0) == 0 && line.back() == '}' && line.find("{\"ts\":", 1) == std::string::npos));
  }
}

BOOST_AUTO_TEST_SUITE_END()
