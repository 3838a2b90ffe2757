#include "raw_https.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "gateway_under_test.h"

namespace gateway::testing {

namespace {

// A TLS connection to the gateway under test with `identity`'s certificate (or none).
struct TlsConnection {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{nullptr, SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{nullptr, SSL_free};
  int fd = -1;
  ~TlsConnection() {
    if (fd >= 0) close(fd);
  }
  bool connected() const { return ssl != nullptr; }
};

void connectTls(TlsConnection& c, const std::string& identity) {
  auto& gw = gatewayUnderTest();
  signal(SIGPIPE, SIG_IGN);  // the server may close early (e.g. a refused oversize body) while we write
  c.ctx.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(c.ctx.get(), TLS1_2_VERSION);
  SSL_CTX_load_verify_locations(c.ctx.get(), gw.caBundle().c_str(), nullptr);
  SSL_CTX_set_verify(c.ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (!identity.empty()) {
    Identity id = gw.identity(identity);
    if (SSL_CTX_use_certificate_chain_file(c.ctx.get(), id.certificate.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(c.ctx.get(), id.key.c_str(), SSL_FILETYPE_PEM) != 1) {
      return;
    }
  }
  c.fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(gw.port()));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval tv{10, 0};
  setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(c.ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), c.fd);
  if (SSL_connect(ssl.get()) != 1) return;
  c.ssl = std::move(ssl);
}

bool writeAll(SSL* ssl, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    int n = SSL_write(ssl, data.data() + sent, static_cast<int>(std::min<size_t>(data.size() - sent, 65536)));
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool rawPostAndDrop(const std::string& path, const std::string& content_type, std::size_t announced_length,
                    const std::string& body_prefix, const std::string& identity, int wait_ms) {
  TlsConnection c;
  connectTls(c, identity);
  if (!c.connected()) return false;
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
                        "\r\nContent-Length: " + std::to_string(announced_length) + "\r\n\r\n" + body_prefix;
  if (!writeAll(c.ssl.get(), request)) return false;
  usleep(static_cast<useconds_t>(wait_ms) * 1000);
  return true;  // ~TlsConnection closes the socket without a TLS close_notify: the body just stops
}

RawResponse rawRequest(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& identity, const std::string& content_type, const std::string& soap_action) {
  RawResponse out;
  TlsConnection c;
  connectTls(c, identity);
  if (!c.connected()) return out;
  SSL* ssl = c.ssl.get();
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (method == "POST") {
    request += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!soap_action.empty()) request += "SOAPAction: \"" + soap_action + "\"\r\n";
  }
  request += "\r\n";
  request += body;
  // TLS 1.3 reports a refused client certificate only when we read; a write may still succeed.
  writeAll(ssl, request);
  std::string response;
  char buf[16384];
  int n;
  while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) response.append(buf, static_cast<size_t>(n));
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
