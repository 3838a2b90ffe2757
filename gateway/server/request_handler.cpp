#include "server/request_handler.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "common/log.h"
#include "server/connection.h"
#include "server/http_reply.h"
#include "services/request_context.h"
#include "services/soap_fault.h"
#include "stdsoap2.h"

namespace gateway::server {
namespace {

// The handler serving the current request on this thread, for the gSOAP hooks (which only get the
// context). Set for the duration of serveOne().
thread_local RequestHandler* t_handler = nullptr;
// gSOAP's own callbacks, wrapped by ours; every worker context starts with the same ones.
int (*g_default_parse_header)(struct soap*, const char*, const char*) = nullptr;
int (*g_default_parse)(struct soap*) = nullptr;
std::size_t (*g_default_receive)(struct soap*, char*, std::size_t) = nullptr;
int (*g_default_response)(struct soap*, int, ULONG64) = nullptr;
int (*g_default_body_read)(struct soap*) = nullptr;

std::string newRequestId() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    static std::atomic<unsigned long long> fallback{0};
    unsigned long long n = ++fallback;
    for (auto& b : bytes) {
      b = static_cast<unsigned char>(n);
      n >>= 8;
    }
  }
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0x0f];
  }
  return id;
}

std::string_view localName(const char* tag) {
  std::string_view name(tag ? tag : "");
  auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool transportError(int error) { return error == SOAP_EOF || error == SOAP_TCP_ERROR || error == SOAP_SSL_ERROR; }

int refuseMethod(struct soap*) { return SOAP_HTTP_METHOD; }

const char* methodName(int status) {
  switch (status) {
    case SOAP_POST: return "POST";
    case SOAP_GET: return "GET";
    case SOAP_PUT: return "PUT";
    case SOAP_PATCH: return "PATCH";
    case SOAP_DEL: return "DELETE";
    case SOAP_HEAD: return "HEAD";
    case SOAP_OPTIONS: return "OPTIONS";
    default: return "-";
  }
}

}  // namespace

struct RequestHandler::Outcome {
  const char* result;  // ok | fault | get | closed
  bool keep_open;
  int soap_error = 0;
};

RequestHandler::RequestHandler(struct soap* worker_context, const Router& router,
                               std::vector<std::unique_ptr<services::BoundEndpoint>> bound,
                               const WsdlPublisher& wsdl, const HealthCheck& health,
                               const std::atomic<bool>* stopping, std::chrono::milliseconds request_timeout)
    : soap_(worker_context),
      router_(router),
      bound_(std::move(bound)),
      wsdl_(wsdl),
      health_(health),
      stopping_(stopping),
      request_timeout_(request_timeout),
      base_recv_timeout_(worker_context->recv_timeout),
      max_message_bytes_(worker_context->recv_maxlength) {}

RequestHandler::~RequestHandler() = default;

struct RequestHandler::Hooks {
  static int onGet(struct soap* soap);
  static int onHeader(struct soap* soap, const char* key, const char* value);
  static int onParsed(struct soap* soap);
  static std::size_t onReceive(struct soap* soap, char* buffer, std::size_t size);
  static int onResponse(struct soap* soap, int status, ULONG64 count);
  static int onBodyRead(struct soap* soap);
};

void RequestHandler::installHooks(struct soap* master) {
  if (!g_default_parse_header) {
    g_default_parse_header = master->fparsehdr;
    g_default_parse = master->fparse;
    g_default_receive = master->frecv;
    g_default_response = master->fresponse;
    g_default_body_read = master->fpreparefinalrecv;
  }
  master->fparsehdr = Hooks::onHeader;
  master->fparse = Hooks::onParsed;
  master->frecv = Hooks::onReceive;
  master->fresponse = Hooks::onResponse;
  master->fpreparefinalrecv = Hooks::onBodyRead;
  master->fget = Hooks::onGet;
  master->fput = refuseMethod;
  master->fpatch = refuseMethod;
  master->fdel = refuseMethod;
}

int RequestHandler::Hooks::onHeader(struct soap* soap, const char* key, const char* value) {
  if (!soap_tag_cmp(key, "Content-Encoding") && soap_tag_cmp(value, "identity")) {
    if (t_handler) t_handler->bad_encoding_ = true;
    return SOAP_HTTP_ERROR;
  }
  if (t_handler && t_handler->soap_ == soap && !soap_tag_cmp(key, "Content-Type") && value) {
    std::string type(value);
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    t_handler->multipart_body_ = type.find("multipart/related") != std::string::npos;
  }
  return g_default_parse_header(soap, key, value);
}

int RequestHandler::Hooks::onParsed(struct soap* soap) {
  const int result = g_default_parse(soap);
  RequestHandler* self = t_handler;
  if (!self || self->soap_ != soap) return result;
  self->method_ = methodName(soap->status);
  if (result != SOAP_OK) return result;
  // A MIME request to a streamed route may carry a large attachment after its envelope.
  self->streamed_limit_ = self->streamedLimitFor(soap->path);
  if (self->streamed_limit_ && self->multipart_body_) {
    soap->recv_maxlength = self->max_message_bytes_ + self->streamed_limit_;
  } else {
    self->streamed_limit_ = 0;
  }
  // Refuse an announced oversize body before reading any of it.
  if (soap->recv_maxlength && soap->length > soap->recv_maxlength) return soap->error = SOAP_HTTP_ERROR;
  if (soap->length > 0 && (soap->imode & SOAP_IO) != SOAP_IO_CHUNK) {
    // Part of the body may already sit in gSOAP's buffer behind the headers.
    const std::uint64_t buffered = soap->buflen - soap->bufidx;
    self->body_bounded_ = true;
    self->body_left_ = soap->length > buffered ? soap->length - buffered : 0;
  }
  return result;
}

std::size_t RequestHandler::Hooks::onReceive(struct soap* soap, char* buffer, std::size_t size) {
  RequestHandler* self = t_handler;
  if (!self || self->soap_ != soap) return g_default_receive(soap, buffer, size);
  // On a streamed route the envelope itself keeps the normal limit; only the attachment may exceed it.
  const bool attachment_flowing = self->context_ && self->context_->streaming_attachment;
  if (self->streamed_limit_ && !attachment_flowing && soap->count >= self->max_message_bytes_) {
    self->envelope_too_large_ = true;
    return 0;
  }
  if (self->body_bounded_ && self->body_left_ == 0) {
    self->body_exhausted_ = true;
    return 0;  // end of this request's body: EOF for the parser, not for the connection
  }
  if (attachment_flowing) {
    // A streamed attachment (credentials already checked) may take longer than request_timeout;
    // each read still has the per-read timeout.
    soap->recv_timeout = self->base_recv_timeout_;
  } else if (self->request_timeout_.count() > 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= self->request_deadline_) {
      self->timed_out_ = true;
      return 0;  // EOF for the parser; serveOne() then closes the connection
    }
    // No single read may wait past the deadline either (gSOAP takes whole seconds here).
    const int left = static_cast<int>(std::chrono::ceil<std::chrono::seconds>(self->request_deadline_ - now).count());
    soap->recv_timeout = self->base_recv_timeout_ > 0 ? std::min(self->base_recv_timeout_, left) : left;
  }
  if (!self->body_bounded_) return g_default_receive(soap, buffer, size);
  const std::size_t n = g_default_receive(soap, buffer, std::min<std::uint64_t>(size, self->body_left_));
  self->body_left_ -= n;
  return n;
}

int RequestHandler::Hooks::onResponse(struct soap* soap, int status, ULONG64 count) {
  RequestHandler* self = t_handler;
  if (self && self->soap_ == soap && self->stopping_ && self->stopping_->load()) soap->keep_alive = 0;
  return g_default_response(soap, status, count);
}

int RequestHandler::Hooks::onBodyRead(struct soap* soap) {
  RequestHandler* self = t_handler;
  if (self && self->soap_ == soap && self->request_version_) soap->version = self->request_version_;
  return g_default_body_read ? g_default_body_read(soap) : SOAP_OK;
}

int RequestHandler::Hooks::onGet(struct soap* soap) {
  if (!t_handler || t_handler->soap_ != soap) return SOAP_GET_METHOD;
  return t_handler->answerGet();
}

int RequestHandler::answerGet() {
  std::string_view target(soap_->path);
  std::string_view path = Router::pathOf(target);
  std::string_view query = Router::queryOf(target);
  HttpReply reply;
  if (iequals(path, "/health")) {
    reply = healthReply(health_);
  } else if (WsdlPublisher::isWsdlQuery(query)) {
    auto index = router_.find(path);
    const std::string* wsdl = index ? wsdl_.wsdlFor(*index) : nullptr;
    reply = wsdl ? HttpReply{200, "text/xml; charset=utf-8", *wsdl} : notFoundReply();
  } else {
    reply = notFoundReply();
  }
  http_status_ = reply.status;
  return sendHttpReply(soap_, reply);
}

bool RequestHandler::serveOne(const ClientConnection& connection, bool last) {
  const auto start = std::chrono::steady_clock::now();
  services::RequestContext context{connection.identity, {}, newRequestId()};
  request_id_header_ = "X-Request-Id: " + context.request_id;
  operation_.clear();
  http_status_ = 0;
  method_ = "-";
  bad_encoding_ = false;
  body_bounded_ = false;
  body_left_ = 0;
  body_exhausted_ = false;
  request_version_ = 0;
  timed_out_ = false;
  request_deadline_ = start + request_timeout_;
  soap_->recv_timeout = base_recv_timeout_;
  context_ = &context;
  streamed_limit_ = 0;
  multipart_body_ = false;
  envelope_too_large_ = false;
  soap_->recv_maxlength = max_message_bytes_;  // a streamed request may have raised it

  // Per-request state ends with the request whatever path it took.
  struct Scope {
    struct soap* soap;
    ~Scope() {
      t_handler = nullptr;
      soap->http_extra_header = nullptr;  // points into this request's strings
      soap_destroy(soap);
      soap_end(soap);
      services::attachRequestContext(soap, nullptr);
    }
  } scope{soap_};
  soap_->http_extra_header = nullptr;
  services::attachRequestContext(soap_, &context);
  t_handler = this;
  soap_->keep_alive = last ? 0 : -1;  // -1: keep alive unless the client says otherwise

  Outcome outcome = process(connection);
  context.path = std::string(Router::pathOf(soap_->path));
  if (timed_out_) {
    outcome = {"timeout", false, outcome.soap_error};
    http_status_ = 408;
  } else if (std::string_view(outcome.result) == "closed" && outcome.soap_error == SOAP_EOF && soap_->count == 0) {
    return false;  // the client closed an idle connection: nothing to log
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  char ms_text[32];
  std::snprintf(ms_text, sizeof ms_text, "%.3f", ms);
  const int status = http_status_ ? http_status_ : std::string_view(outcome.result) == "ok" ? 200 : 500;
  log::info("request", {{"request_id", context.request_id},
                        {"conn", std::to_string(connection.id)},
                        {"method", method_},
                        {"path", context.path},
                        {"operation", operation_},
                        {"result", outcome.result},
                        {"status", std::to_string(status)},
                        {"soap_error", std::to_string(outcome.soap_error)},
                        {"ms", ms_text},
                        {"org", connection.identity.org_number.value_or("")}});
  return outcome.keep_open && soap_valid_socket(soap_->socket);
}

RequestHandler::Outcome RequestHandler::process(const ClientConnection& connection) {
  soap_begin(soap_);
  if (soap_begin_recv(soap_) != SOAP_OK) return afterReceiveError();
  soap_->http_extra_header = request_id_header_.c_str();
  if (soap_envelope_begin_in(soap_)) {
    // On a read error here gSOAP replaces the cause with the HTTP method (e.g. SOAP_POST): it was
    // EOF, a broken chunk or a chunk over the size limit, none of which leaves a SOAP envelope.
    // If the connection itself broke, sending the fault fails quietly.
    if (soap_->error >= SOAP_POST && soap_->error <= SOAP_OPTIONS) {
      return sendFault(Status::InvalidArgument(
          "the body could not be read as a SOAP envelope (malformed, truncated or larger than the gateway accepts)"));
    }
    return sendEngineFault();
  }
  request_version_ = soap_->version;
  if (soap_recv_header(soap_) || soap_body_begin_in(soap_) || soap_peek_element(soap_)) return sendEngineFault();
  operation_ = std::string(localName(soap_->tag));
  auto index = router_.find(soap_->path);
  if (!index) return sendFault(Status::NotFound("no service at this path"));
  if (!connection.identity.org_number) {
    return sendFault(Status::PermissionDenied("the client certificate carries no organisation number"));
  }
  return afterDispatch(bound_[*index]->dispatch());
}

RequestHandler::Outcome RequestHandler::afterReceiveError() {
  const int error = soap_->error;
  if (error >= SOAP_STOP) {  // answered by a hook (GET) or by gSOAP itself (HEAD, OPTIONS)
    soap_closesock(soap_);
    if (!http_status_) http_status_ = 200;
    return {"get", soap_->keep_alive != 0, 0};
  }
  if (bad_encoding_) {
    return sendFault(Status::InvalidArgument("compressed requests are not accepted (Content-Encoding)"));
  }
  if (tooLarge()) return sendFault(Status::ResourceExhausted("the message is larger than the gateway accepts"));
  if (connectionBroken(error)) return {"closed", false, error};  // gone or timed out: no one to answer
  return sendEngineFault();
}

RequestHandler::Outcome RequestHandler::afterDispatch(int error) {
  if (error == SOAP_OK || error >= SOAP_STOP) return {"ok", soap_->keep_alive != 0, 0};
  // A fault the endpoint already sent closed the connection (gSOAP sends faults with
  // "Connection: close"). Otherwise it is ours to send.
  if (!soap_valid_socket(soap_->socket)) return {"fault", false, error};
  if (error == SOAP_FAULT) {
    if (request_version_) soap_->version = request_version_;
    soap_send_fault(soap_);
    return {"fault", false, error};
  }
  if (connectionBroken(error)) return {"closed", false, error};
  return sendEngineFault();
}

RequestHandler::Outcome RequestHandler::sendFault(const Status& status) {
  if (request_version_) soap_->version = request_version_;
  services::toSoapFault(soap_, status, operation_.empty() ? nullptr : operation_.c_str());
  const int error = soap_->error;
  soap_send_fault(soap_);
  return {"fault", false, error};
}

RequestHandler::Outcome RequestHandler::sendEngineFault() {
  if (tooLarge()) return sendFault(Status::ResourceExhausted("the message is larger than the gateway accepts"));
  if (connectionBroken(soap_->error)) return {"closed", false, soap_->error};
  const int error = soap_->error;
  if (request_version_) soap_->version = request_version_;
  services::engineErrorToSoapFault(soap_);
  soap_send_fault(soap_);
  return {"fault", false, error};
}

// The connection itself failed (peer gone, timeout, TLS error), so no answer can reach the client,
// as opposed to a body that ended early or grew too large, which deserves a fault.
bool RequestHandler::connectionBroken(int error) const {
  return transportError(error) && !body_exhausted_ && !tooLarge();
}

std::uint64_t RequestHandler::streamedLimitFor(const char* path) const {
  auto index = router_.find(path ? path : "");
  return index ? bound_[*index]->streamedBodyLimit() : 0;
}

bool RequestHandler::tooLarge() const {
  if (envelope_too_large_) return true;
  const ULONG64 limit = soap_->recv_maxlength;
  return limit && (soap_->count > limit || soap_->length > limit);
}

}  // namespace gateway::server
