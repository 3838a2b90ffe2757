// IntermediaryInbound streamed (Basic): an end-user system streams one attachment (an MTOM/XOP
// part) into a form task it submitted; the metadata and credentials come as SOAP headers.
//
// How the bytes move: the endpoint asks gSOAP to leave MIME parts unread when the envelope has been
// parsed (SOAP_MIME_POSTCHECK), so the operation runs with the headers known and the attachment
// still on the socket. It authenticates and checks the form task first, and only then pulls the
// part through soap_recv_mime_attachment(), whose fmimewrite callback hands each piece (gSOAP's
// small buffer) to core::AttachmentUpload, which writes it to a temp file and hashes it. Nothing is
// kept unless the whole message arrived and the row committed (see streamed_attachment_service.h).
// A plain (non-MIME) request may carry the bytes inline as base64, within limits.max_message_bytes.
#include <cstring>
#include <ctime>

#include "common/xml_text.h"
#include "core/streamed_attachment_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/mtom_streaming.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryInboundExternalBasicStreamedService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIIntermediaryInboundExternalBasicStreamedService;

class IntermediaryInboundStreamed final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  std::uint64_t streamedBodyLimit() const override {
    return static_cast<std::uint64_t>(core_.streamedAttachments().maxAttachmentBytes());
  }

  int dispatch() override {
    // The server has peeked at the body element: only the upload reads its parts itself. Any other
    // MIME request (Test) is read whole by gSOAP, within limits.max_message_bytes.
    const char* tag = soap->tag;
    const char* colon = std::strrchr(tag, ':');
    request_is_mime_ = (soap->mode & SOAP_ENC_MIME) != 0 &&
                       std::strcmp(colon ? colon + 1 : tag, "StreamedAttachmentBasicBE") == 0;
    parts_read_ = false;
    request_was_mtom_ = (soap->mode & SOAP_ENC_MTOM) != 0;
    if (request_is_mime_) {
      installPartWriter(soap);
    }
    const int rc = Generated::dispatch();
    // MIME parts left unread (a fault before the upload was read) would be taken for the next
    // request on this connection: close it after the answer instead.
    if (request_is_mime_ && !parts_read_) soap->keep_alive = 0;
    // The worker context serves every endpoint: leave nothing of this one behind.
    removeMimeCallbacks(soap);
    if (request_was_mtom_) {
      soap_clr_omode(soap, SOAP_ENC_MTOM);
      soap_clr_mime(soap);
    }
    return rc;
  }

  int Test(_altinn__Test*, _altinn__TestResponse&) override {
    answerInKind();
    return SOAP_OK;
  }

  int SubmitAttachmentStreamedBasic(_iibs__StreamedAttachmentBasicBE* req,
                                    _iibs__ReceiptExternalStreamedBE& resp) override {
    // The request's headers carry the password: take them and never echo them in the response.
    SOAP_ENV__Header* header = soap->header;
    soap->header = nullptr;
    const std::string* user = header ? header->iibs__userName : nullptr;
    const std::string* password = header ? header->iibs__password : nullptr;
    auto system = authenticate(user, password, core::RequiredRole::kEndUser);
    if (!system.ok()) return failWith(system.status());

    core::StreamedAttachmentHeaders meta;
    if (header) {
      meta.reportee_element_id = optionalOf(header->iibs__ReporteeElementId);
      meta.name = textOf(header->iibs__Name);
      meta.file_name = textOf(header->iibs__FileName);
      meta.attachment_type_name = textOf(header->iibs__AttachmentTypeName);
      meta.end_user_system_reference = textOf(header->iibs__EndUserSystemreference);
      meta.checksum = optionalOf(header->iibs__CheckSum);
    }
    auto& service = core_.streamedAttachments();
    auto upload = service.beginUpload(system.value(), meta);
    if (!upload.ok()) return failWith(upload.status());

    if (request_is_mime_) {
      PartUpload sink;
      sink.write = [&u = *upload.value()](const char* bytes, std::size_t n) { return u.write(bytes, n); };
      requestContext(soap).streaming_attachment = true;
      const int error = receiveParts(soap, sink);
      if (!sink.failure.ok()) return failWith(sink.failure);
      if (error) return error;  // the connection broke or the MIME framing was wrong
      parts_read_ = true;
      if (sink.parts == 0) return failWith(Status::InvalidArgument("the message carries no attachment part"));
    } else if (req && req->dataStream.__ptr && req->dataStream.__size > 0) {
      Status s = upload.value()->write(reinterpret_cast<const char*>(req->dataStream.__ptr),
                                       static_cast<std::size_t>(req->dataStream.__size));
      if (!s.ok()) return failWith(s);
    }

    auto stored = service.finishUpload(*upload.value());
    if (!stored.ok()) return failWith(stored.status());
    answerInKind();  // only now: setting up MIME output resets the MIME input state
    resp.LastChanged = soapString(soap, xml::utcDateTime(std::time(nullptr)));
    resp.ReceiptStatusCode = soapString(soap, "OK");
    resp.ReceiptTypeName = soapString(soap, "FormTask");
    resp.ReceiptText = soapString(
        soap, "Attachment " + std::to_string(stored->attachment_id) + " (" + meta.file_name + ", " +
                  std::to_string(stored->size) + " bytes, SHA-256 " + stored->sha256_hex + ") added to " +
                  stored->archive_reference);
    return SOAP_OK;
  }

 private:
  int failWith(const Status& status) {
    answerInKind();
    return fault(status, "SubmitAttachmentStreamedBasic");
  }

  // The binding declares MTOM: answer an MTOM request in MTOM (WCF's encoder rejects a text/xml
  // reply), a plain one in plain XML. Call it only when no more of the request will be read.
  void answerInKind() {
    if (!request_was_mtom_) return;
    soap_set_omode(soap, SOAP_ENC_MTOM);
    soap_set_mime(soap, nullptr, nullptr);
  }

  bool request_is_mime_ = false;   // an MTOM upload whose parts the operation reads itself
  bool request_was_mtom_ = false;
  bool parts_read_ = false;  // the MIME body was read to its closing boundary
};

}  // namespace

std::unique_ptr<Endpoint> makeIntermediaryInboundStreamedEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<IntermediaryInboundStreamed>>(
      "/IntermediaryExternal/IntermediaryInboundBasicStreamed.svc", "IntermediaryInboundExternalBasicStreamed.wsdl",
      core);
}

}  // namespace gateway::services
