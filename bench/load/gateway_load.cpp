// gateway_load: a closed-loop HTTPS load generator for SOAP endpoints over mutual TLS, written
// against OpenSSL directly so that it measures the server and not a client SOAP stack.
//
// Each of --connections threads sends one request, waits for the whole response, and sends the
// next. --mode keepalive keeps one TLS connection per thread open; --mode handshake opens a new TCP
// connection and makes a new TLS handshake for every request (with --resume offering the previous
// session, i.e. an abbreviated handshake when the server accepts it; without it every handshake is
// full). Only HTTP 200 counts as a success; everything else is an error, and the first error body is
// printed. The last output line is "RESULT {json}" for scripts.
//
// A request counts when it started after the warm-up and finished within the measured window;
// latency is from the first byte written (or, in handshake mode, from connect()) to the last byte
// of the response read.

#include "common/log.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPlaceholder = "{{SEQ}}";
constexpr std::size_t kMaxErrorBody = 2048;
constexpr std::size_t kMaxResponseBytes = 64L * 1024 * 1024;

struct Options {
  std::string url;
  std::string host;
  std::string port;
  std::string path;
  int connections = 64;
  double duration = 20;
  long long requests = 0;  // > 0: measure this many requests instead of a duration
  double warmup = 2;
  std::string cert;
  std::string key;
  std::string ca;
  std::string body_file;
  std::string soap_action;
  bool soap_action_set = false;
  std::string content_type = "text/xml; charset=utf-8";
  std::string mode = "keepalive";
  bool resume = false;
  std::string tls = "auto";
  bool unique_ref = false;
  std::string ref_prefix;
  std::string label;
  int timeout = 30;
  bool timeline = false;  // print requests and worst latency per second of the measured window
  std::vector<std::pair<std::string, int>> watch;  // --watch NAME=PID: CPU use reported per process
};

[[noreturn]] void usage(const std::string& why) {
  if (!why.empty()) std::cerr << "gateway_load: " << why << "\n";
  std::cerr <<
      "usage: gateway_load --url https://HOST:PORT/PATH --cert PEM --key PEM --ca PEM --body-file FILE\n"
      "                    [--soap-action ACTION] [--content-type TYPE] [--connections N (64)]\n"
      "                    [--duration S (20) | --requests N] [--warmup S (2)] [--timeout S (30)]\n"
      "                    [--mode keepalive|handshake] [--resume] [--tls auto|1.2|1.3]\n"
      "                    [--unique-ref [--ref-prefix P]] [--label NAME] [--watch NAME=PID ...]\n"
      "                    [--timeline]\n"
      "  --unique-ref replaces every {{SEQ}} in the body with a value unique to the request\n"
      "  (prefix + counter; the default prefix is unique to the run).\n"
      "  --watch reports the CPU time process PID (all its threads) used during the measured window,\n"
      "  next to the load generator's own and the whole machine's.\n";
  std::exit(2);
}

double toNumber(const std::string& flag, const std::string& value) {
  try {
    std::size_t used = 0;
    double d = std::stod(value, &used);
    if (used == value.size() && d >= 0) return d;
  } catch (const std::exception&) {
  }
  usage(flag + " needs a non-negative number (got '" + value + "')");
}

void parseUrl(Options& o) {
  const std::string scheme = "https://";
  if (o.url.rfind(scheme, 0) != 0) usage("--url must start with https://");
  std::string rest = o.url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  o.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) usage("bad IPv6 address in --url");
    o.host = authority.substr(1, close - 1);
    o.port = close + 1 < authority.size() && authority[close + 1] == ':' ? authority.substr(close + 2) : "443";
  } else {
    auto colon = authority.rfind(':');
    o.host = authority.substr(0, colon);
    o.port = colon == std::string::npos ? "443" : authority.substr(colon + 1);
  }
  if (o.host.empty() || o.port.empty()) usage("--url needs a host and port");
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("");
    if (flag == "--resume") {
      o.resume = true;
      continue;
    }
    if (flag == "--unique-ref") {
      o.unique_ref = true;
      continue;
    }
    if (flag == "--timeline") {
      o.timeline = true;
      continue;
    }
    if (i + 1 >= argc) usage(flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--url") o.url = value;
    else if (flag == "--connections") o.connections = static_cast<int>(toNumber(flag, value));
    else if (flag == "--duration") o.duration = toNumber(flag, value);
    else if (flag == "--requests") o.requests = static_cast<long long>(toNumber(flag, value));
    else if (flag == "--warmup") o.warmup = toNumber(flag, value);
    else if (flag == "--cert") o.cert = value;
    else if (flag == "--key") o.key = value;
    else if (flag == "--ca") o.ca = value;
    else if (flag == "--body-file") o.body_file = value;
    else if (flag == "--soap-action") {
      o.soap_action = value;
      o.soap_action_set = true;
    } else if (flag == "--content-type") o.content_type = value;
    else if (flag == "--mode") o.mode = value;
    else if (flag == "--tls") o.tls = value;
    else if (flag == "--ref-prefix") o.ref_prefix = value;
    else if (flag == "--label") o.label = value;
    else if (flag == "--watch") {
      auto eq = value.find('=');
      int pid = eq == std::string::npos ? 0 : std::atoi(value.c_str() + eq + 1);
      if (eq == 0 || pid <= 0) usage("--watch needs NAME=PID (got '" + value + "')");
      o.watch.emplace_back(value.substr(0, eq), pid);
    }
    else if (flag == "--timeout") o.timeout = static_cast<int>(toNumber(flag, value));
    else usage("unknown option " + flag);
  }
  if (o.url.empty() || o.cert.empty() || o.key.empty() || o.ca.empty() || o.body_file.empty()) {
    usage("--url, --cert, --key, --ca and --body-file are required");
  }
  if (o.mode != "keepalive" && o.mode != "handshake") usage("--mode is keepalive or handshake");
  if (o.resume && o.mode != "handshake") usage("--resume applies to --mode handshake");
  if (o.tls != "auto" && o.tls != "1.2" && o.tls != "1.3") usage("--tls is auto, 1.2 or 1.3");
  if (o.connections < 1) usage("--connections must be at least 1");
  if (o.requests == 0 && o.duration <= 0) usage("--duration must be positive");
  if (o.timeout < 1) o.timeout = 1;
  parseUrl(o);
  if (o.ref_prefix.empty()) {
    o.ref_prefix = "bench-" + std::to_string(std::time(nullptr)) + "-" + std::to_string(getpid()) + "-";
  }
  if (o.label.empty()) o.label = o.mode + (o.resume ? "+resume" : "");
  return o;
}

std::string opensslErrors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

bool isIpAddress(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

SSL_CTX* makeClientContext(const Options& o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return nullptr;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (o.tls == "1.2") SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  if (o.tls == "1.3") SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  if (SSL_CTX_load_verify_locations(ctx, o.ca.c_str(), nullptr) != 1 ||
      SSL_CTX_use_certificate_chain_file(ctx, o.cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, o.key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    std::cerr << "gateway_load: TLS set-up: " << opensslErrors() << "\n";
    SSL_CTX_free(ctx);
    return nullptr;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // Sessions are kept per thread by the caller (SSL_get1_session), not in the context's cache.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  return ctx;
}

// --- statistics -----------------------------------------------------------------------------------

struct Shared {
  const Options* options = nullptr;
  SSL_CTX* ctx = nullptr;
  addrinfo* address = nullptr;
  std::string request_head;             // up to and including "Content-Length: "
  std::vector<std::string> body_parts;  // the body split at the placeholder
  Clock::time_point measure_start;
  Clock::time_point measure_end;        // duration mode
  std::atomic<long long> tickets{0};    // requests mode
  std::atomic<bool> stop{false};
  std::atomic<unsigned long long> sequence{0};
  std::mutex first_error_mutex;
  std::string first_error;
  std::once_flag tls_described;
  std::string tls_description;  // protocol and cipher of the first connection
};

struct WorkerStats {
  std::vector<std::uint32_t> latencies_us;
  std::vector<std::uint32_t> done_ms;  // completion time since the measured window began (--timeline)
  long long ok = 0;
  long long http_errors = 0;
  long long transport_errors = 0;
  long long handshakes = 0;
  long long resumed = 0;
  long long reconnects = 0;
  std::map<int, long long> status_counts;
  Clock::time_point last_done{};
};

void noteFirstError(Shared& shared, const std::string& text) {
  std::lock_guard lock(shared.first_error_mutex);
  if (shared.first_error.empty()) shared.first_error = text.substr(0, kMaxErrorBody);
}

// --- one connection ---------------------------------------------------------------------------------

class Connection {
 public:
  explicit Connection(Shared& shared) : shared_(shared) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool isOpen() const { return ssl_ != nullptr; }

  // TCP connect + TLS handshake, offering `session` when given. On failure `error` says why.
  bool open(SSL_SESSION* session, std::string& error) {
    close();
    const addrinfo* ai = shared_.address;
    fd_ = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd_ < 0) return fail("socket: " + std::string(std::strerror(errno)), error);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{shared_.options->timeout, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd_, ai->ai_addr, ai->ai_addrlen) != 0) {
      return fail("connect: " + std::string(std::strerror(errno)), error);
    }
    ssl_ = SSL_new(shared_.ctx);
    if (!ssl_) return fail("SSL_new: " + opensslErrors(), error);
    const std::string& host = shared_.options->host;
    if (isIpAddress(host)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl_, host.c_str());
      SSL_set1_host(ssl_, host.c_str());
    }
    if (session) SSL_set_session(ssl_, session);
    SSL_set_fd(ssl_, fd_);
    ERR_clear_error();
    if (SSL_connect(ssl_) != 1) {
      long verify = SSL_get_verify_result(ssl_);
      std::string why = opensslErrors();
      if (verify != X509_V_OK) why += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
      return fail("TLS handshake: " + (why.empty() ? std::string(std::strerror(errno)) : why), error);
    }
    resumed_ = SSL_session_reused(ssl_) == 1;
    buffer_.clear();
    return true;
  }

  bool resumed() const { return resumed_; }

  // A resumable session to offer next time (caller frees), or null.
  SSL_SESSION* session() const {
    if (!ssl_) return nullptr;
    SSL_SESSION* s = SSL_get1_session(ssl_);
    if (s && SSL_SESSION_is_resumable(s) != 1) {
      SSL_SESSION_free(s);
      return nullptr;
    }
    return s;
  }

  std::string describeTls() const {
    if (!ssl_) return "";
    return std::string(SSL_get_version(ssl_)) + " " + SSL_get_cipher_name(ssl_);
  }

  bool writeAll(const std::string& data, std::string& error) {
    std::size_t done = 0;
    while (done < data.size()) {
      int n = SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done));
      if (n <= 0) return ioFailure("write", n, error);
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  struct Response {
    int status = 0;
    bool close = false;
    std::string body;
  };

  // Reads one HTTP/1.1 response (Content-Length, chunked, or until close).
  bool readResponse(Response& r, std::string& error) {
    r = Response{};
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (buffer_.size() > 64 * 1024) return failKeep("response headers too long", error);
      if (!fill(error)) return false;
    }
    std::string_view head(buffer_.data(), head_end);
    // Status line: HTTP/1.1 200 OK
    auto sp = head.find(' ');
    if (head.substr(0, 5) != "HTTP/" || sp == std::string_view::npos) return failKeep("not an HTTP response", error);
    r.status = std::atoi(std::string(head.substr(sp + 1, 3)).c_str());
    r.close = head.substr(0, 8) == "HTTP/1.0";
    long long content_length = -1;
    bool chunked = false;
    std::size_t line_start = head.find("\r\n");
    while (line_start != std::string_view::npos && line_start < head.size()) {
      line_start += 2;
      std::size_t line_end = head.find("\r\n", line_start);
      std::string_view line = head.substr(line_start, line_end == std::string_view::npos ? head.npos : line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = lower(line.substr(0, colon));
        std::string value = lower(trim(line.substr(colon + 1)));
        if (name == "content-length") content_length = std::atoll(value.c_str());
        else if (name == "transfer-encoding") chunked = value.find("chunked") != std::string::npos;
        else if (name == "connection") {
          if (value.find("close") != std::string::npos) r.close = true;
          if (value.find("keep-alive") != std::string::npos) r.close = false;
        }
      }
      line_start = line_end;
    }
    buffer_.erase(0, head_end + 4);
    if (chunked) return readChunked(r, error);
    if (content_length >= 0) {
      if (static_cast<std::size_t>(content_length) > kMaxResponseBytes) return failKeep("response too large", error);
      while (buffer_.size() < static_cast<std::size_t>(content_length)) {
        if (!fill(error)) return false;
      }
      r.body = buffer_.substr(0, static_cast<std::size_t>(content_length));
      buffer_.erase(0, static_cast<std::size_t>(content_length));
      return true;
    }
    // No length: the body runs to the end of the connection.
    r.close = true;
    std::string ignored;
    while (fill(ignored)) {
      if (buffer_.size() > kMaxResponseBytes) return failKeep("response too large", error);
    }
    r.body.swap(buffer_);
    return true;
  }

  void close() {
    if (ssl_) {
      SSL_shutdown(ssl_);  // send close_notify; do not wait for the peer's
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    buffer_.clear();
  }

 private:
  static std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  }
  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }

  bool readChunked(Response& r, std::string& error) {
    for (;;) {
      std::size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos) {
        if (!fill(error)) return false;
      }
      long long size = std::strtoll(buffer_.substr(0, eol).c_str(), nullptr, 16);
      buffer_.erase(0, eol + 2);
      if (size < 0 || r.body.size() + static_cast<std::size_t>(size) > kMaxResponseBytes) {
        return failKeep("bad chunk size", error);
      }
      if (size == 0) {
        // Trailers (none expected) end with an empty line.
        for (;;) {
          while ((eol = buffer_.find("\r\n")) == std::string::npos) {
            if (!fill(error)) return false;
          }
          bool last = eol == 0;
          buffer_.erase(0, eol + 2);
          if (last) return true;
        }
      }
      while (buffer_.size() < static_cast<std::size_t>(size) + 2) {
        if (!fill(error)) return false;
      }
      r.body.append(buffer_, 0, static_cast<std::size_t>(size));
      buffer_.erase(0, static_cast<std::size_t>(size) + 2);
    }
  }

  bool fill(std::string& error) {
    char chunk[16384];
    int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n <= 0) return ioFailure("read", n, error);
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  bool ioFailure(const char* what, int n, std::string& error) {
    int code = SSL_get_error(ssl_, n);
    std::string why;
    if (code == SSL_ERROR_ZERO_RETURN) why = "connection closed by the server";
    else if (code == SSL_ERROR_SYSCALL) why = errno ? std::strerror(errno) : "connection closed by the server";
    else why = opensslErrors();
    error = std::string(what) + ": " + why;
    return false;
  }

  bool fail(const std::string& what, std::string& error) {
    error = what;
    close();
    return false;
  }
  bool failKeep(const std::string& what, std::string& error) {
    error = what;
    return false;
  }

  Shared& shared_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool resumed_ = false;
  std::string buffer_;
};

// --- the worker loop --------------------------------------------------------------------------------

std::string buildRequest(Shared& shared) {
  const Options& o = *shared.options;
  std::string body;
  if (shared.body_parts.size() == 1) {
    body = shared.body_parts.front();
  } else {
    std::string ref = o.ref_prefix + std::to_string(shared.sequence.fetch_add(1, std::memory_order_relaxed));
    for (std::size_t i = 0; i < shared.body_parts.size(); ++i) {
      if (i) body += ref;
      body += shared.body_parts[i];
    }
  }
  std::string request = shared.request_head;
  request += std::to_string(body.size());
  request += "\r\n\r\n";
  request += body;
  return request;
}

void runWorker(Shared& shared, WorkerStats& stats) {
  const Options& o = *shared.options;
  const bool handshake_mode = o.mode == "handshake";
  const bool by_count = o.requests > 0;
  Connection conn(shared);
  SSL_SESSION* session = nullptr;
  Connection::Response response;
  std::string error;

  while (!shared.stop.load(std::memory_order_relaxed)) {
    Clock::time_point started = Clock::now();
    bool measured = started >= shared.measure_start;
    if (!by_count && started >= shared.measure_end) break;
    if (by_count && measured && shared.tickets.fetch_add(1) >= o.requests) break;

    std::string request = buildRequest(shared);
    bool ok = true;
    if (handshake_mode || !conn.isOpen()) {
      if (!handshake_mode && stats.handshakes > 0) stats.reconnects++;
      ok = conn.open(handshake_mode && o.resume ? session : nullptr, error);
      if (ok) {
        stats.handshakes += measured;
        stats.resumed += measured && conn.resumed();
        std::call_once(shared.tls_described, [&] { shared.tls_description = conn.describeTls(); });
      }
      if (!handshake_mode) started = Clock::now();  // keep-alive latency excludes the one-off handshake
    }
    ok = ok && conn.writeAll(request, error) && conn.readResponse(response, error);
    Clock::time_point done = Clock::now();

    if (!ok) {
      if (measured) stats.transport_errors++;
      noteFirstError(shared, "transport: " + error);
      conn.close();
      if (by_count || done < shared.measure_end) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    const bool in_window = measured && (by_count || done <= shared.measure_end);
    if (in_window) {
      stats.status_counts[response.status]++;
      if (response.status == 200) {
        stats.ok++;
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(done - started).count();
        stats.latencies_us.push_back(static_cast<std::uint32_t>(std::min<long long>(us, UINT32_MAX)));
        if (o.timeline) {
          stats.done_ms.push_back(static_cast<std::uint32_t>(
              std::chrono::duration_cast<std::chrono::milliseconds>(done - shared.measure_start).count()));
        }
        stats.last_done = std::max(stats.last_done, done);
      } else {
        stats.http_errors++;
      }
    }
    if (response.status != 200) {
      noteFirstError(shared, "HTTP " + std::to_string(response.status) + ": " + response.body);
    }
    if (handshake_mode) {
      if (o.resume) {
        if (SSL_SESSION* fresh = conn.session()) {
          if (session) SSL_SESSION_free(session);
          session = fresh;
        }
      }
      conn.close();
    } else if (response.close) {
      conn.close();
    }
  }
  if (session) SSL_SESSION_free(session);
}

// --- CPU accounting ---------------------------------------------------------------------------------

// CPU seconds used so far: by the whole machine (busy, all cores), by this process, by each watched
// process. Differences over the measured window show who used the machine, and how much.
struct CpuSample {
  double machine_busy = 0;
  double machine_total = 0;
  double self = 0;
  std::vector<double> watched;
};

double ticksToSeconds(unsigned long long ticks) { return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK)); }

// utime + stime of a process from /proc/PID/stat; negative when it cannot be read.
double processCpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) {
      stime = std::strtoull(field.c_str(), nullptr, 10);
      return ticksToSeconds(utime + stime);
    }
  }
  return -1;
}

CpuSample sampleCpu(const Options& o) {
  CpuSample c;
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long v[8] = {};
  in >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
  unsigned long long total = 0;
  for (auto x : v) total += x;
  c.machine_total = ticksToSeconds(total);
  c.machine_busy = ticksToSeconds(total - v[3] - v[4]);  // minus idle and iowait
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  c.self = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  for (auto& w : o.watch) c.watched.push_back(processCpuSeconds(w.second));
  return c;
}

// --- output -----------------------------------------------------------------------------------------

std::string jsonString(std::string_view s) {
  std::string out = "\"";
  gateway::log::appendJsonEscaped(out, s);
  return out + "\"";
}

double percentileMs(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank.
  std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1] / 1000.0;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parseOptions(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);

  std::ifstream in(o.body_file, std::ios::binary);
  if (!in) usage("cannot read --body-file " + o.body_file);
  std::stringstream content;
  content << in.rdbuf();
  const std::string body = content.str();

  Shared shared;
  shared.options = &o;
  if (o.unique_ref) {
    std::size_t from = 0, at;
    while ((at = body.find(kPlaceholder, from)) != std::string::npos) {
      shared.body_parts.push_back(body.substr(from, at - from));
      from = at + kPlaceholder.size();
    }
    shared.body_parts.push_back(body.substr(from));
    if (shared.body_parts.size() == 1) usage("--unique-ref: the body has no " + std::string(kPlaceholder));
  } else {
    shared.body_parts.push_back(body);
  }

  std::string head = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + o.port +
                     "\r\nUser-Agent: gateway_load\r\nContent-Type: " + o.content_type + "\r\n";
  if (o.soap_action_set) head += "SOAPAction: \"" + o.soap_action + "\"\r\n";
  if (o.mode == "handshake") head += "Connection: close\r\n";
  head += "Content-Length: ";
  shared.request_head = head;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (int rc = getaddrinfo(o.host.c_str(), o.port.c_str(), &hints, &shared.address); rc != 0) {
    std::cerr << "gateway_load: cannot resolve " << o.host << ": " << gai_strerror(rc) << "\n";
    return 1;
  }
  shared.ctx = makeClientContext(o);
  if (!shared.ctx) return 1;

  const Clock::time_point start = Clock::now();
  shared.measure_start = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  shared.measure_end =
      shared.measure_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration));

  std::vector<WorkerStats> stats(static_cast<std::size_t>(o.connections));
  std::vector<std::thread> threads;
  threads.reserve(stats.size());
  for (auto& s : stats) threads.emplace_back(runWorker, std::ref(shared), std::ref(s));
  std::this_thread::sleep_until(shared.measure_start);
  const CpuSample cpu_before = sampleCpu(o);
  CpuSample cpu_after;
  if (o.requests == 0) {
    std::this_thread::sleep_until(shared.measure_end);
    cpu_after = sampleCpu(o);
  }
  for (auto& t : threads) t.join();
  if (o.requests > 0) cpu_after = sampleCpu(o);

  WorkerStats total;
  Clock::time_point last_done = shared.measure_start;
  std::map<std::uint32_t, std::pair<long long, std::uint32_t>> timeline;  // second -> (requests, worst us)
  for (auto& s : stats) {
    for (std::size_t i = 0; i < s.done_ms.size(); ++i) {
      auto& slot = timeline[s.done_ms[i] / 1000];
      slot.first++;
      slot.second = std::max(slot.second, s.latencies_us[i]);
    }
    total.ok += s.ok;
    total.http_errors += s.http_errors;
    total.transport_errors += s.transport_errors;
    total.handshakes += s.handshakes;
    total.resumed += s.resumed;
    total.reconnects += s.reconnects;
    for (auto& [code, n] : s.status_counts) total.status_counts[code] += n;
    total.latencies_us.insert(total.latencies_us.end(), s.latencies_us.begin(), s.latencies_us.end());
    last_done = std::max(last_done, s.last_done);
  }
  std::sort(total.latencies_us.begin(), total.latencies_us.end());
  const double seconds =
      o.requests > 0 ? std::chrono::duration<double>(last_done - shared.measure_start).count() : o.duration;
  const double rps = seconds > 0 ? static_cast<double>(total.ok) / seconds : 0;
  double mean = 0;
  for (auto v : total.latencies_us) mean += v;
  mean = total.latencies_us.empty() ? 0 : mean / static_cast<double>(total.latencies_us.size()) / 1000.0;
  const double p50 = percentileMs(total.latencies_us, 50), p90 = percentileMs(total.latencies_us, 90),
               p99 = percentileMs(total.latencies_us, 99),
               max = total.latencies_us.empty() ? 0 : total.latencies_us.back() / 1000.0;
  const long long errors = total.http_errors + total.transport_errors;
  const std::string handshake_kind =
      o.mode == "keepalive" ? "one per connection"
                            : (o.resume ? "new TCP+TLS per request, session resumption offered"
                                        : "new TCP+TLS per request, full handshake");

  std::cout << "gateway_load " << o.label << ": " << o.url << "\n"
            << "  mode            " << o.mode << " (" << handshake_kind << "), " << o.connections
            << " connections, body " << body.size() << " bytes" << (o.unique_ref ? " (unique {{SEQ}})" : "") << "\n"
            << "  tls             " << (shared.tls_description.empty() ? "?" : shared.tls_description) << "\n"
            << "  measured        " << fixed(seconds, 2) << " s after " << fixed(o.warmup, 1) << " s warm-up\n"
            << "  successes       " << total.ok << " (HTTP 200)\n"
            << "  requests/s      " << fixed(rps, 1) << "\n"
            << "  latency ms      p50 " << fixed(p50, 2) << "  p90 " << fixed(p90, 2) << "  p99 " << fixed(p99, 2)
            << "  max " << fixed(max, 2) << "  mean " << fixed(mean, 2) << "\n"
            << "  errors          " << errors << " (HTTP " << total.http_errors << ", transport "
            << total.transport_errors << ")\n";
  if (o.mode == "handshake") {
    std::cout << "  handshakes      " << total.handshakes << ", resumed " << total.resumed << "\n";
  } else if (total.reconnects) {
    std::cout << "  reconnects      " << total.reconnects << "\n";
  }
  for (auto& [code, n] : total.status_counts) {
    if (code != 200) std::cout << "  status " << code << "      " << n << "\n";
  }
  if (!shared.first_error.empty()) std::cout << "  first error     " << shared.first_error << "\n";
  if (o.timeline) {
    std::cout << "  timeline        second: requests (worst ms)\n";
    for (auto& [second, slot] : timeline) {
      std::cout << "    " << second << ": " << slot.first << " (" << fixed(slot.second / 1000.0, 1) << ")\n";
    }
  }

  // CPU over the measured window, in cores (CPU seconds per second) and per successful request.
  const double window = std::chrono::duration<double>(Clock::now() - shared.measure_start).count();
  const double span = o.requests > 0 ? window : std::max(o.duration, 1e-9);
  const double machine_cores = (cpu_after.machine_busy - cpu_before.machine_busy) / span;
  const double client_cores = (cpu_after.self - cpu_before.self) / span;
  double accounted = client_cores;
  std::string cpu_json = "{\"machine_cores\":" + fixed(machine_cores, 3) + ",\"gateway_load\":" + fixed(client_cores, 3);
  std::cout << "  cpu (cores)     machine " << fixed(machine_cores, 2) << " of " << std::thread::hardware_concurrency()
            << ": gateway_load " << fixed(client_cores, 2);
  for (std::size_t i = 0; i < o.watch.size(); ++i) {
    double a = cpu_before.watched[i], b = cpu_after.watched[i];
    double cores = a >= 0 && b >= 0 ? (b - a) / span : 0;
    accounted += cores;
    double us_per_request = total.ok > 0 ? cores * span / static_cast<double>(total.ok) * 1e6 : 0;
    std::cout << ", " << o.watch[i].first << " " << fixed(cores, 2) << " (" << fixed(us_per_request, 0) << " us/request)";
    cpu_json += "," + jsonString(o.watch[i].first) + ":" + fixed(cores, 3);
    cpu_json += "," + jsonString(o.watch[i].first + "_us_per_request") + ":" + fixed(us_per_request, 1);
  }
  const double other = std::max(0.0, machine_cores - accounted);
  std::cout << ", other " << fixed(other, 2) << "\n";
  cpu_json += ",\"other\":" + fixed(other, 3) + "}";

  std::cout << "RESULT {\"label\":" << jsonString(o.label) << ",\"url\":" << jsonString(o.url)
            << ",\"mode\":" << jsonString(o.mode) << ",\"resume\":" << (o.resume ? "true" : "false")
            << ",\"connections\":" << o.connections << ",\"body_bytes\":" << body.size()
            << ",\"seconds\":" << fixed(seconds, 3) << ",\"ok\":" << total.ok << ",\"rps\":" << fixed(rps, 1)
            << ",\"p50_ms\":" << fixed(p50, 3) << ",\"p90_ms\":" << fixed(p90, 3) << ",\"p99_ms\":" << fixed(p99, 3)
            << ",\"max_ms\":" << fixed(max, 3) << ",\"mean_ms\":" << fixed(mean, 3) << ",\"errors\":" << errors
            << ",\"http_errors\":" << total.http_errors << ",\"transport_errors\":" << total.transport_errors
            << ",\"handshakes\":" << total.handshakes << ",\"resumed\":" << total.resumed
            << ",\"tls\":" << jsonString(shared.tls_description) << ",\"first_error\":" << jsonString(shared.first_error)
            << ",\"cpu\":" << cpu_json << "}\n";

  SSL_CTX_free(shared.ctx);
  freeaddrinfo(shared.address);
  return total.ok > 0 ? 0 : 1;
}
