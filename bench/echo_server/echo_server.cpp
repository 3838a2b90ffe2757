// echo_server: the baseline of scripts/bench.sh. A bare gSOAP service with one operation
// (ns:echo returns its argument), served the way gatewayd serves: one listening context, a fixed
// pool of workers each with its own soap_copy() of it, one connection per worker at a time
// (keep-alive), TLS 1.2+ with a required client certificate, the same cipher suites, groups,
// session cache and tickets as gateway/server/tls_context.cpp. The difference between the two
// figures is then what the gateway does per request (routing, credentials, rules, database).
//
//   echo_server --cert server.pem --key server.key --ca chain.pem [--crl crl.pem]
//               [--host 127.0.0.1] [--port 0] [--ready-file FILE] [--workers 96]
//               [--keep-alive-max 10000] [--recv-timeout 30] [--send-timeout 30] [--idle-timeout 60]
//               [--backlog 256]
//
// --port 0 binds a free port; --ready-file gets the bound port once the server accepts.
// SIGTERM/SIGINT: stop accepting, close idle connections, exit 0.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "echo.nsmap"
#include "soapechoService.h"

namespace {

// The same TLS settings as gateway/server/tls_context.cpp, so the ratio compares like with like.
constexpr char kSessionIdContext[] = "echo_server";
constexpr long kSessionCacheSize = 20000;
constexpr long kSessionLifetimeSeconds = 300;
constexpr char kCipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char kGroups[] = "X25519:P-256:P-384";

// The gateway's default limits (gateway/config/gateway_config.h).
constexpr long kMaxMessageBytes = 16L * 1024 * 1024;
constexpr int kMaxDepth = 64;
constexpr int kMaxOccurs = 10000;

std::atomic<bool> g_stop{false};

void onStopSignal(int) { g_stop.store(true); }

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string ready_file;
  std::string cert;
  std::string key;
  std::string ca;
  std::string crl;
  int workers = 96;          // gatewayd's default pool
  int backlog = 256;
  int keep_alive_max = 10000;
  int recv_timeout = 30;
  int send_timeout = 30;
  int idle_timeout = 60;       // keep-alive connection idle time before close
  int handshake_timeout = 10;
};

[[noreturn]] void usage(const std::string& why) {
  if (!why.empty()) std::cerr << "echo_server: " << why << "\n";
  std::cerr << "usage: echo_server --cert PEM --key PEM --ca PEM [--crl PEM] [--host H] [--port N]\n"
               "                   [--ready-file FILE] [--workers N] [--backlog N] [--keep-alive-max N]\n"
               "                   [--recv-timeout S] [--send-timeout S] [--idle-timeout S]\n";
  std::exit(2);
}

int toInt(const std::string& flag, const std::string& value) {
  try {
    std::size_t used = 0;
    int n = std::stoi(value, &used);
    if (used == value.size() && n >= 0) return n;
  } catch (const std::exception&) {
  }
  usage(flag + " needs a non-negative number (got '" + value + "')");
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("");
    if (i + 1 >= argc) usage(flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--host") o.host = value;
    else if (flag == "--port") o.port = toInt(flag, value);
    else if (flag == "--ready-file") o.ready_file = value;
    else if (flag == "--cert") o.cert = value;
    else if (flag == "--key") o.key = value;
    else if (flag == "--ca") o.ca = value;
    else if (flag == "--crl") o.crl = value;
    else if (flag == "--workers") o.workers = toInt(flag, value);
    else if (flag == "--backlog") o.backlog = toInt(flag, value);
    else if (flag == "--keep-alive-max") o.keep_alive_max = toInt(flag, value);
    else if (flag == "--recv-timeout") o.recv_timeout = toInt(flag, value);
    else if (flag == "--send-timeout") o.send_timeout = toInt(flag, value);
    else if (flag == "--idle-timeout") o.idle_timeout = toInt(flag, value);
    else usage("unknown option " + flag);
  }
  if (o.cert.empty() || o.key.empty() || o.ca.empty()) usage("--cert, --key and --ca are required");
  if (o.workers < 1) usage("--workers must be at least 1");
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
  return text.empty() ? "unknown OpenSSL error" : text;
}

bool configureTls(struct soap* master, const Options& o, std::string& error) {
  soap_ssl_init();
  const unsigned short flags = SOAP_SSL_REQUIRE_CLIENT_AUTHENTICATION | SOAP_SSL_NO_DEFAULT_CA_PATH | SOAP_TLSv1_2 |
                               SOAP_TLSv1_3;
  if (soap_ssl_server_context(master, flags, nullptr, nullptr, o.ca.c_str(), nullptr, nullptr, nullptr,
                              kSessionIdContext) != SOAP_OK) {
    const char* why = *soap_faultstring(master);
    error = "cannot use CA bundle " + o.ca + ": " + (why ? why : "?");
    return false;
  }
  SSL_CTX* ctx = master->ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, o.cert.c_str()) != 1) {
    error = "cannot read certificate chain " + o.cert + ": " + opensslErrors();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, o.key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    error = "cannot use private key " + o.key + ": " + opensslErrors();
    return false;
  }
  if (!o.crl.empty()) {
    if (soap_ssl_crl(master, o.crl.c_str()) != SOAP_OK) {
      error = "cannot read CRL " + o.crl + ": " + opensslErrors();
      return false;
    }
    X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1 || SSL_CTX_set1_groups_list(ctx, kGroups) != 1) {
    error = "cipher list or groups: " + opensslErrors();
    return false;
  }
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_sess_set_cache_size(ctx, kSessionCacheSize);
  SSL_CTX_set_timeout(ctx, kSessionLifetimeSeconds);
  SSL_CTX_set_num_tickets(ctx, 1);
  return true;
}

class EchoService : public echoService {
 public:
  explicit EchoService(struct soap* worker_context) : echoService(worker_context) {}
  int echo(const std::string& in, std::string& out) override {
    out = in;
    return SOAP_OK;
  }
  echoService* copy() override { return nullptr; }  // one per worker, never copied
};

// Accepted sockets waiting for a free worker. -1 tells a worker to stop.
class SocketQueue {
 public:
  void push(SOAP_SOCKET s) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(s);
    }
    ready_.notify_one();
  }
  SOAP_SOCKET pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty(); });
    SOAP_SOCKET s = queue_.front();
    queue_.pop_front();
    return s;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<SOAP_SOCKET> queue_;
};

// Closes without waiting for the client's close_notify (gSOAP's own close waits up to 5 s): send
// ours if the session is up, shut down our side, drain what the client already sent, close. The
// same as closeTransport() in gateway/server/connection.cpp.
int closeWithoutWaiting(struct soap* soap) {
  SSL* ssl = soap->ssl;
  soap->ssl = nullptr;
  if (ssl) {
    if (SSL_is_init_finished(ssl)) (void)SSL_shutdown(ssl);
    SSL_free(ssl);
    ERR_clear_error();
  }
  if (soap_valid_socket(soap->socket)) {
    int fd = static_cast<int>(soap->socket);
    ::shutdown(fd, SHUT_WR);
    char buf[4096];
    std::size_t drained = 0;
    while (drained < 64 * 1024) {
      ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      drained += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  soap->socket = SOAP_INVALID_SOCKET;
  soap->imode &= ~SOAP_ENC_SSL;
  soap->omode &= ~SOAP_ENC_SSL;
  return SOAP_OK;
}

// True when the next request has arrived; false on idle timeout, stop or error. Like gatewayd, the
// worker polls the socket between keep-alive requests (gatewayd also hands a connection that stays
// idle to an epoll set when other connections wait for a worker; with fewer connections than
// workers, as in the benchmark, that never happens).
bool waitForNextRequest(struct soap* ctx, int idle_timeout_seconds) {
  if (ctx->bufidx < ctx->buflen || (ctx->ssl && SSL_pending(ctx->ssl) > 0)) return true;
  pollfd fds{static_cast<int>(ctx->socket), POLLIN, 0};
  for (int waited_ms = 0; waited_ms < idle_timeout_seconds * 1000; waited_ms += 1000) {
    int n = ::poll(&fds, 1, 1000);
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
    if (g_stop.load(std::memory_order_relaxed)) return false;
  }
  return false;
}

// Serves requests on the connection in `ctx` until the client closes, keep-alive ends, an error, or
// the server stops.
void serveConnection(struct soap* ctx, EchoService& service, const Options& o) {
  for (int served = 1;; ++served) {
    const bool last = served >= o.keep_alive_max || g_stop.load(std::memory_order_relaxed);
    ctx->keep_alive = last ? 0 : -1;  // -1: keep alive unless the client says otherwise
    if (soap_begin_serve(ctx) == SOAP_OK && service.dispatch() != SOAP_OK && ctx->error < SOAP_STOP) {
      soap_send_fault(ctx);
    }
    soap_destroy(ctx);
    soap_end(ctx);
    if (last || !ctx->keep_alive || !soap_valid_socket(ctx->socket)) return;
    if (!waitForNextRequest(ctx, o.idle_timeout)) return;
  }
}

void workerLoop(struct soap* ctx, SocketQueue& queue, std::atomic<SOAP_SOCKET>& active, const Options& o) {
  EchoService service(ctx);
  for (;;) {
    SOAP_SOCKET s = queue.pop();
    if (s == SOAP_INVALID_SOCKET) break;
    ctx->socket = s;
    ctx->bufidx = ctx->buflen = 0;
    ctx->ahead = 0;
    ctx->error = SOAP_OK;
    active.store(s);
    // The handshake is bounded like gatewayd's (soap_ssl_accept uses the larger I/O timeout).
    ctx->recv_timeout = ctx->send_timeout = o.handshake_timeout;
    const bool up = soap_ssl_accept(ctx) == SOAP_OK && ctx->ssl;
    ctx->recv_timeout = o.recv_timeout;
    ctx->send_timeout = o.send_timeout;
    if (up) serveConnection(ctx, service, o);
    active.store(SOAP_INVALID_SOCKET);
    soap_destroy(ctx);
    soap_end(ctx);
    closeWithoutWaiting(ctx);
  }
}

bool writeReadyFile(const std::string& path, int port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << port << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

int boundPort(SOAP_SOCKET s) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parseOptions(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  struct soap* master = soap_new2(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING, SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
  master->bind_flags = SO_REUSEADDR;
  master->socket_flags = MSG_NOSIGNAL;
  master->accept_timeout = 1;  // wake up once a second to notice a stop signal
  master->recv_timeout = o.recv_timeout;
  master->send_timeout = o.send_timeout;
  master->max_keep_alive = o.keep_alive_max;
  master->fclose = closeWithoutWaiting;
  master->recv_maxlength = kMaxMessageBytes;
  master->maxlevel = kMaxDepth;
  master->maxoccurs = kMaxOccurs;

  std::string error;
  if (!configureTls(master, o, error)) {
    std::cerr << "echo_server: TLS: " << error << "\n";
    return 1;
  }
  if (!soap_valid_socket(soap_bind(master, o.host.c_str(), o.port, o.backlog))) {
    std::cerr << "echo_server: cannot bind " << o.host << ":" << o.port << ": ";
    soap_print_fault(master, stderr);
    return 1;
  }
  const int port = boundPort(master->master);

  SocketQueue queue;
  std::vector<struct soap*> contexts;
  std::vector<std::atomic<SOAP_SOCKET>> active(static_cast<std::size_t>(o.workers));
  std::vector<std::thread> workers;
  for (int i = 0; i < o.workers; ++i) {
    struct soap* ctx = soap_copy(master);
    if (!ctx) {
      std::cerr << "echo_server: soap_copy failed\n";
      return 1;
    }
    active[static_cast<std::size_t>(i)].store(SOAP_INVALID_SOCKET);
    contexts.push_back(ctx);
    workers.emplace_back(workerLoop, ctx, std::ref(queue), std::ref(active[static_cast<std::size_t>(i)]),
                         std::cref(o));
  }

  if (!o.ready_file.empty() && !writeReadyFile(o.ready_file, port)) {
    std::cerr << "echo_server: cannot write " << o.ready_file << "\n";
    g_stop.store(true);
  }
  std::cerr << "echo_server: listening on " << o.host << ":" << port << " with " << o.workers << " workers\n";

  while (!g_stop.load()) {
    SOAP_SOCKET s = soap_accept(master);
    if (soap_valid_socket(s)) {
      master->socket = SOAP_INVALID_SOCKET;  // the worker owns it now
      queue.push(s);
    } else if (master->errnum != 0 && master->errnum != EINTR) {
      soap_print_fault(master, stderr);  // e.g. EMFILE; keep serving what we have
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  // Stop: no new connections; wake workers blocked reading an idle keep-alive connection.
  soap_closesock(master);
  if (soap_valid_socket(master->master)) ::close(master->master);
  master->master = SOAP_INVALID_SOCKET;
  for (auto& a : active) {
    SOAP_SOCKET s = a.load();
    if (soap_valid_socket(s)) ::shutdown(s, SHUT_RD);
  }
  for (int i = 0; i < o.workers; ++i) queue.push(SOAP_INVALID_SOCKET);
  for (auto& t : workers) t.join();
  for (struct soap* ctx : contexts) {
    soap_destroy(ctx);
    soap_end(ctx);
    soap_free(ctx);
  }
  soap_destroy(master);  // the fault object of the last accept timeout
  soap_end(master);
  soap_free(master);
  std::cerr << "echo_server: stopped\n";
  return 0;
}
