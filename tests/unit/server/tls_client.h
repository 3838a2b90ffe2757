#pragma once
// A raw OpenSSL HTTPS client for the server tests: connect with (or without) a client certificate,
// write bytes, read one HTTP response. Blocking, with socket timeouts so a broken server fails a
// test instead of hanging it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace test_client {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct Options {
  std::string cert;  // empty: no client certificate
  std::string key;
  std::string ca;
  int max_version = 0;  // e.g. TLS1_1_VERSION to test refusal; 0 = library default
  SSL_SESSION* session = nullptr;  // to attempt resumption
  bool no_tickets = false;         // resume by session ID (server-side cache) instead of tickets
  int timeout_ms = 5000;
};

class TlsClient {
 public:
  ~TlsClient() {
    // A clean close_notify: without it OpenSSL marks the session not resumable.
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects and completes the handshake. Null (and `error` set) on failure. With TLS 1.3 a server
  // that rejects the client certificate may only say so on the first read: see readResponse().
  static std::unique_ptr<TlsClient> connect(int port, const Options& options, std::string* error = nullptr) {
    auto client = std::unique_ptr<TlsClient>(new TlsClient());
    auto fail = [&](const std::string& what) {
      if (error) *error = what + ": " + errors();
      return nullptr;
    };
    client->ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX* ctx = client->ctx_;
    if (!options.ca.empty() && SSL_CTX_load_verify_locations(ctx, options.ca.c_str(), nullptr) != 1) {
      return fail("load CA");
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (options.max_version) {
      SSL_CTX_set_min_proto_version(ctx, 0);
      SSL_CTX_set_max_proto_version(ctx, options.max_version);
      SSL_CTX_set_security_level(ctx, 0);
    }
    if (options.no_tickets) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    if (!options.cert.empty()) {
      if (SSL_CTX_use_certificate_chain_file(ctx, options.cert.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(ctx, options.key.c_str(), SSL_FILETYPE_PEM) != 1) {
        return fail("load client certificate");
      }
    }
    client->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{options.timeout_ms / 1000, (options.timeout_ms % 1000) * 1000};
    setsockopt(client->fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(client->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(client->fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      if (error) *error = "connect refused";
      return nullptr;
    }
    client->ssl_ = SSL_new(ctx);
    SSL_set_fd(client->ssl_, client->fd_);
    SSL_set_tlsext_host_name(client->ssl_, "localhost");
    SSL_set1_host(client->ssl_, "127.0.0.1");
    if (options.session) SSL_set_session(client->ssl_, options.session);
    if (SSL_connect(client->ssl_) != 1) return fail("handshake");
    return client;
  }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; nullopt when the connection ends (or errs, or times out) before a full one.
  std::optional<HttpResponse> readResponse() {
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
      if (!fill()) return std::nullopt;
      head = buffer_;
    }
    std::size_t head_end = buffer_.find("\r\n\r\n");
    head = buffer_.substr(0, head_end);
    buffer_.erase(0, head_end + 4);
    HttpResponse response;
    if (head.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    response.status = std::stoi(head.substr(head.find(' ') + 1, 3));
    std::size_t line = head.find("\r\n");
    while (line != std::string::npos) {
      std::size_t next = head.find("\r\n", line + 2);
      std::string h = head.substr(line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
      auto colon = h.find(':');
      if (colon != std::string::npos) {
        std::string name = h.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = h.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers[name] = value;
      }
      line = next;
    }
    if (response.header("transfer-encoding") == "chunked") {
      for (;;) {
        while (buffer_.find("\r\n") == std::string::npos) {
          if (!fill()) return std::nullopt;
        }
        std::size_t size = std::stoul(buffer_.substr(0, buffer_.find("\r\n")), nullptr, 16);
        buffer_.erase(0, buffer_.find("\r\n") + 2);
        while (buffer_.size() < size + 2) {
          if (!fill()) return std::nullopt;
        }
        response.body += buffer_.substr(0, size);
        buffer_.erase(0, size + 2);
        if (size == 0) break;
      }
    } else if (!response.header("content-length").empty()) {
      std::size_t length = std::stoul(response.header("content-length"));
      while (buffer_.size() < length) {
        if (!fill()) return std::nullopt;
      }
      response.body = buffer_.substr(0, length);
      buffer_.erase(0, length);
    } else {
      while (fill()) {
      }
      response.body = buffer_;
      buffer_.clear();
    }
    return response;
  }

  // True when the server closes the connection (EOF or reset) within the socket timeout.
  bool closedByServer() {
    char c;
    int n = SSL_read(ssl_, &c, 1);
    if (n > 0) return false;
    int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_ZERO_RETURN) return true;
    if (error == SSL_ERROR_SYSCALL) return errno != EAGAIN && errno != EWOULDBLOCK;
    return error == SSL_ERROR_SSL;
  }

  SSL* ssl() const { return ssl_; }
  int fd() const { return fd_; }

 private:
  TlsClient() = default;

  bool fill() {
    char chunk[16384];
    int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  static std::string errors() {
    std::string text;
    while (unsigned long e = ERR_get_error()) {
      char buf[256];
      ERR_error_string_n(e, buf, sizeof buf);
      text += buf;
      text += ' ';
    }
    return text;
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string buffer_;
};

inline std::string soap11(const std::string& body_xml) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
         "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" +
         body_xml + "</s:Body></s:Envelope>";
}

inline std::string soap12(const std::string& body_xml) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
         "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>" +
         body_xml + "</s:Body></s:Envelope>";
}

inline std::string post(const std::string& path, const std::string& body, bool soap12 = false,
                        const std::string& extra_headers = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " +
         (soap12 ? std::string("application/soap+xml; charset=utf-8") : std::string("text/xml; charset=utf-8")) +
         "\r\n" + (soap12 ? "" : "SOAPAction: \"urn:test/Echo\"\r\n") + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

}  // namespace test_client
