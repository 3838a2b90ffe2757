#include "server/http_reply.h"

#include "stdsoap2.h"

namespace gateway::server {

int sendHttpReply(struct soap* soap, const HttpReply& reply) {
  soap->http_content = reply.content_type.c_str();
  soap->http_extra_header = "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff";
  // SOAP_FILE + code: a custom response with soap->http_content as Content-Type and that status.
  int status = SOAP_FILE + reply.status;
  if (soap_response(soap, status) || soap_send_raw(soap, reply.body.data(), reply.body.size()) || soap_end_send(soap)) {
    return soap->error;
  }
  return SOAP_OK;
}

HttpReply notFoundReply() { return {404, "text/plain; charset=utf-8", "Not found\n"}; }

}  // namespace gateway::server
