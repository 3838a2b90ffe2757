#pragma once
// A minimal HTTPS/1.1 client over OpenSSL for sending bytes no SOAP library would produce
// (malformed XML, wrong namespaces, huge or deep bodies). One request per connection.

#include <chrono>
#include <cstddef>
#include <string>

namespace gateway::testing {

struct RawResponse {
  bool connected = false;   // TCP + TLS handshake succeeded
  int status = 0;           // HTTP status, 0 when none was read
  std::string headers;      // the response's header block, as received
  std::string body;
};

// `identity` names a client certificate of the development PKI ("" = none).
RawResponse rawRequest(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& identity, const std::string& content_type = "text/xml; charset=utf-8",
                       const std::string& soap_action = "");

struct TrickleResult {
  bool connected = false;      // TCP + TLS handshake succeeded
  bool server_closed = false;  // the server answered or closed before we gave up
  double seconds = 0;          // from the first byte sent until then
};

// A slow client: announces `content_length` bytes of body, then sends one byte every `interval`
// until the server closes the connection or `give_up` has passed.
TrickleResult trickleRequest(const std::string& path, std::size_t content_length, std::chrono::milliseconds interval,
                             std::chrono::seconds give_up, const std::string& identity);

// Sends a POST whose head announces `announced_length` body bytes but only `body_prefix` of them,
// waits `wait_ms`, then closes the connection abruptly (no TLS close_notify): an upload cut off
// half way. False when the connection could not be made or the write failed.
bool rawPostAndDrop(const std::string& path, const std::string& content_type, std::size_t announced_length,
                    const std::string& body_prefix, const std::string& identity, int wait_ms);

}  // namespace gateway::testing
