#pragma once
// A small non-SOAP HTTP response (health, WSDL, 404) and how it goes out on a gSOAP context.

#include <string>

struct soap;

namespace gateway::server {

struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

// Sends `reply` as the response to the request `soap` has just read (inside the HTTP GET hook).
// Adds "Cache-Control: no-store" and "X-Content-Type-Options: nosniff". Returns SOAP_OK or the
// gSOAP error from writing.
int sendHttpReply(struct soap* soap, const HttpReply& reply);

HttpReply notFoundReply();

}  // namespace gateway::server
