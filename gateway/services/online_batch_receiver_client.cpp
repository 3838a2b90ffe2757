#include "services/online_batch_receiver_client.h"

#include <openssl/ssl.h>

#include <mutex>

#include "soapOnlineBatchReceiverSoapProxy.h"

namespace gateway::services {
namespace {

constexpr const char* kSoapAction = "http://AltInn.no/webservices/ReceiveOnlineBatchExternalAttachment";

class GsoapReceiverClient final : public push::ReceiverClient {
 public:
  explicit GsoapReceiverClient(const ReceiverClientConfig& config) : config_(config) {}

  Status init() {
    static std::once_flag init_once;
    std::call_once(init_once, [] { soap_ssl_init(); });
    soap* s = proxy_.soap;
    soap_set_mode(s, SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
    s->connect_timeout = config_.connect_timeout_seconds;
    s->send_timeout = config_.io_timeout_seconds;
    s->recv_timeout = config_.io_timeout_seconds;
    s->recv_maxlength = 1 << 20;  // a receipt is small
    s->socket_flags = MSG_NOSIGNAL;
    if (soap_ssl_client_context(s, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3, nullptr, nullptr,
                                config_.ca_bundle.c_str(), nullptr, nullptr) != SOAP_OK ||
        s->ctx == nullptr) {
      return Status::InvalidArgument("push.ca_bundle: cannot load " + config_.ca_bundle);
    }
    if (SSL_CTX_use_certificate_chain_file(s->ctx, config_.client_certificate.c_str()) != 1) {
      return Status::InvalidArgument("push.client_certificate: cannot load " + config_.client_certificate);
    }
    if (SSL_CTX_use_PrivateKey_file(s->ctx, config_.client_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(s->ctx) != 1) {
      return Status::InvalidArgument("push.client_key: cannot load " + config_.client_key +
                                     " or it does not match the certificate");
    }
    return Status::Ok();
  }

  push::ReceiverOutcome deliver(const push::DeliveryRequest& request) override {
    if (request.url.rfind("https://", 0) != 0) {
      return {push::OutcomeKind::kUnavailable, "the receiver URL is not https"};
    }
    _obr__ReceiveOnlineBatchExternalAttachment in;
    _obr__ReceiveOnlineBatchExternalAttachmentResponse out;
    std::string username = request.username, password = request.password, reference = request.receivers_reference,
                batch = request.batch;
    in.username = &username;
    in.passwd = &password;
    in.receiversReference = &reference;
    in.sequenceNumber = request.sequence_number;
    in.batch = &batch;
    // The ZIP of the attachments (push/attachment_zip.h), base64 in the body: MTOM is not used for
    // this call, so the bytes are sent from memory (bounded by push.max_attachment_bytes). gSOAP only
    // reads them while serialising, hence the const_cast instead of a copy. None: a length-0 array.
    xsd__base64Binary attachments;
    attachments.__ptr = request.attachments.empty()
                            ? nullptr
                            : reinterpret_cast<unsigned char*>(const_cast<char*>(request.attachments.data()));
    attachments.__size = static_cast<int>(request.attachments.size());
    in.attachments = &attachments;
    const int rc = proxy_.ReceiveOnlineBatchExternalAttachment(request.url.c_str(), kSoapAction, &in, out);
    push::ReceiverOutcome outcome;
    if (rc != SOAP_OK) {
      outcome = {push::OutcomeKind::kUnavailable, errorText(rc)};
      soap_closesock(proxy_.soap);
    } else if (out.ReceiveOnlineBatchExternalAttachmentResult == nullptr) {
      outcome = {push::OutcomeKind::kFailed, "unrecognised receipt (empty result)"};
    } else {
      outcome = push::parseReceipt(*out.ReceiveOnlineBatchExternalAttachmentResult);
    }
    proxy_.destroy();  // per-call gSOAP memory; the connection stays open for the next call
    return outcome;
  }

 private:
  std::string errorText(int rc) {
    soap* s = proxy_.soap;
    if (rc == SOAP_FAULT || s->fault != nullptr) {
      const char* fault = soap_fault_string(s);
      return std::string("SOAP fault: ") + (fault ? std::string(fault).substr(0, 512) : "(no text)");
    }
    if (rc >= 100 && rc < 600) return "HTTP status " + std::to_string(rc);
    const char* detail = soap_fault_string(s);
    return "transport error " + std::to_string(rc) + (detail ? std::string(": ") + std::string(detail).substr(0, 256) : "");
  }

  ReceiverClientConfig config_;
  OnlineBatchReceiverSoapProxy proxy_;
};

}  // namespace

Result<std::unique_ptr<push::ReceiverClient>> makeOnlineBatchReceiverClient(const ReceiverClientConfig& config) {
  auto client = std::make_unique<GsoapReceiverClient>(config);
  if (Status s = client->init(); !s.ok()) return s;
  return std::unique_ptr<push::ReceiverClient>(std::move(client));
}

}  // namespace gateway::services
