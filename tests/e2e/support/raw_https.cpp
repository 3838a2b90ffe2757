#include "raw_https.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "gateway_under_test.h"

namespace gateway::testing {

namespace {

// One mTLS connection to the gateway under test, closed when it goes out of scope.
struct RawTlsConnection {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{nullptr, SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{nullptr, SSL_free};
  int fd = -1;

  ~RawTlsConnection() {
    if (fd >= 0) close(fd);
  }

  // False when the TCP connection or the TLS handshake fails.
  bool open(const std::string& identity) {
    auto& gw = gatewayUnderTest();
    signal(SIGPIPE, SIG_IGN);  // the server may close early (e.g. a refused oversize body) while we write
    ctx.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_load_verify_locations(ctx.get(), gw.caBundle().c_str(), nullptr);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!identity.empty()) {
      Identity id = gw.identity(identity);
      if (SSL_CTX_use_certificate_chain_file(ctx.get(), id.certificate.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(ctx.get(), id.key.c_str(), SSL_FILETYPE_PEM) != 1) {
        return false;
      }
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(gw.port()));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    ssl.reset(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), fd);
    return SSL_connect(ssl.get()) == 1;
  }

  bool write(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      int n = SSL_write(ssl.get(), bytes.data() + sent, static_cast<int>(std::min<size_t>(bytes.size() - sent, 65536)));
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }
};

}  // namespace

TrickleResult trickleRequest(const std::string& path, std::size_t content_length, std::chrono::milliseconds interval,
                             std::chrono::seconds give_up, const std::string& identity) {
  TrickleResult out;
  RawTlsConnection c;
  if (!c.open(identity)) return out;
  out.connected = true;
  const auto start = std::chrono::steady_clock::now();
  c.write("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml; charset=utf-8\r\n" +
          "Content-Length: " + std::to_string(content_length) + "\r\n\r\n<");
  fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  for (std::size_t sent = 1; sent < content_length; ++sent) {
    pollfd p{c.fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(interval.count())) > 0) {
      // Readable: a TLS 1.3 session ticket (read and go on), or an answer or the close.
      char buf[4096];
      const int n = SSL_read(c.ssl.get(), buf, sizeof buf);
      if (n > 0 || SSL_get_error(c.ssl.get(), n) != SSL_ERROR_WANT_READ) {
        out.server_closed = true;
        break;
      }
    }
    if (!c.write(" ")) {
      out.server_closed = true;
      break;
    }
    if (std::chrono::steady_clock::now() - start > give_up) break;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

bool rawPostAndDrop(const std::string& path, const std::string& content_type, std::size_t announced_length,
                    const std::string& body_prefix, const std::string& identity, int wait_ms) {
  RawTlsConnection c;
  if (!c.open(identity)) return false;
  const std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
                              "\r\nContent-Length: " + std::to_string(announced_length) + "\r\n\r\n" + body_prefix;
  if (!c.write(request)) return false;
  usleep(static_cast<useconds_t>(wait_ms) * 1000);
  return true;  // ~RawTlsConnection closes the socket without a TLS close_notify: the body just stops
}

RawResponse rawRequest(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& identity, const std::string& content_type, const std::string& soap_action) {
  RawResponse out;
  RawTlsConnection c;
  if (!c.open(identity)) return out;
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (method == "POST") {
    request += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!soap_action.empty()) request += "SOAPAction: \"" + soap_action + "\"\r\n";
  }
  request += "\r\n";
  request += body;
  // TLS 1.3 reports a refused client certificate only when we read; a write may still succeed.
  c.write(request);
  std::string response;
  char buf[16384];
  int n;
  while ((n = SSL_read(c.ssl.get(), buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
  if (response.rfind("HTTP/1.", 0) != 0) return out;
  out.connected = true;
  out.status = std::atoi(response.c_str() + 9);
  auto split = response.find("\r\n\r\n");
  if (split != std::string::npos) {
    out.headers = response.substr(0, split);
    out.body = response.substr(split + 4);
  }
  return out;
}

}  // namespace gateway::testing
