// BrokerServiceExternalBasicStreamed: the sender uploads the file of a shipment it initiated
// (UploadFileStreamedBasic: MTOM/XOP body, metadata and credentials in SOAP headers), a recipient's
// system downloads it (DownloadFileStreamedBasic, answered as one XOP part).
//
// Upload, as intermediary_inbound_streamed_endpoint.cpp: gSOAP leaves the MIME parts unread once the
// envelope is parsed (SOAP_MIME_POSTCHECK); the operation authenticates and checks the shipment and
// the sender's right first, then pulls the part through soap_recv_mime_attachment(), whose
// fmimewrite callback hands each piece (gSOAP's small buffer) to core::BrokerUpload (temp file +
// SHA-256). Nothing is kept unless the whole message arrived (core/broker_service.h). A plain
// (non-MIME) request may carry the bytes inline as base64, within limits.max_message_bytes.
//
// Download, as service_owner_archive_streamed_endpoint.cpp: the envelope refers to one XOP part that
// gSOAP fills through fmimeread from the file store, a small buffer at a time, with Content-Length.
// The recipient moves to Downloaded only when the whole answer went out.
#include <climits>
#include <cstring>
#include <ctime>

#include "common/log.h"
#include "core/broker_service.h"
#include "services/bound_service.h"
#include "services/broker_endpoint_common.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"

namespace gateway::services {
namespace {

struct UploadSink {
  core::BrokerUpload* upload = nullptr;
  int parts = 0;
  Status failure;  // why a write was refused (limit, storage), as opposed to a broken connection
};

void* openPart(struct soap* soap, void* handle, const char*, const char*, const char*, enum soap_mime_encoding) {
  auto* sink = static_cast<UploadSink*>(handle);
  if (!sink) {  // a part gSOAP would read on its own: never expected, the operation drives the reading
    soap->error = SOAP_MIME_ERROR;
    return nullptr;
  }
  if (++sink->parts > 1) {
    sink->failure = Status::InvalidArgument("the message must carry exactly one file part");
    soap->error = SOAP_MIME_ERROR;
    return nullptr;
  }
  return sink;
}

int writePart(struct soap*, void* handle, const char* buffer, size_t length) {
  auto* sink = static_cast<UploadSink*>(handle);
  Status s = sink->upload->write(buffer, length);
  if (s.ok()) return SOAP_OK;
  sink->failure = s;
  return SOAP_MIME_ERROR;
}

void closePart(struct soap*, void*) {}

// gSOAP passes the XOP part's __ptr back as the handle: it is the open BlobReader.
void* openRead(struct soap*, void* handle, const char*, const char*, const char*) { return handle; }

size_t readPart(struct soap* soap, void* handle, char* buffer, size_t length) {
  auto read = static_cast<persistence::BlobReader*>(handle)->read(buffer, length);
  if (!read.ok()) {
    soap->error = SOAP_EOF;  // the response is half sent: all that is left is to break it off
    return 0;
  }
  return read.value();
}

void closeRead(struct soap*, void*) {}

std::string isoUtc(std::time_t at) {
  std::tm tm{};
  gmtime_r(&at, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

class BrokerServiceStreamed final : public BoundService<BrokerGenerated> {
 public:
  using BoundService::BoundService;

  std::uint64_t streamedBodyLimit() const override {
    return static_cast<std::uint64_t>(core_.brokers().maxFileBytes());
  }

  int dispatch() override {
    const char* tag = soap->tag;
    const char* colon = std::strrchr(tag, ':');
    request_is_mime_ = (soap->mode & SOAP_ENC_MIME) != 0 &&
                       std::strcmp(colon ? colon + 1 : tag, "StreamedPayloadBasicBE") == 0;
    parts_read_ = false;
    request_was_mtom_ = (soap->mode & SOAP_ENC_MTOM) != 0;
    if (request_is_mime_) {
      soap->mode |= SOAP_MIME_POSTCHECK;
      soap->fmimewriteopen = openPart;
      soap->fmimewrite = writePart;
      soap->fmimewriteclose = closePart;
    }
    soap->fmimereadopen = openRead;
    soap->fmimeread = readPart;
    soap->fmimereadclose = closeRead;
    const int rc = BrokerGenerated::dispatch();
    if (request_is_mime_ && !parts_read_) soap->keep_alive = 0;  // unread parts must not become a request
    if (rc == SOAP_OK && download_) {
      // The whole file went out: the recipient has it now.
      Status s = core_.brokers().recordDownloaded(download_shipment_, download_reportee_);
      if (!s.ok()) log::warn("broker.download.record_failed", {{"error", s.message()}});
    }
    // The worker context serves every endpoint: leave nothing of this one behind.
    soap->fmimewriteopen = nullptr;
    soap->fmimewrite = nullptr;
    soap->fmimewriteclose = nullptr;
    soap->fmimereadopen = nullptr;
    soap->fmimeread = nullptr;
    soap->fmimereadclose = nullptr;
    soap->mode &= ~SOAP_MIME_POSTCHECK;
    soap->imode &= ~SOAP_MIME_POSTCHECK;
    soap_clr_omode(soap, SOAP_ENC_MTOM);
    soap_clr_mime(soap);
    download_.reset();
    return rc;
  }

  int Test(_altinn__Test*, _altinn__TestResponse&) override {
    answerInKind();
    return SOAP_OK;
  }
  int Test_(_altinn__Test* in, _altinn__TestResponse& out) override { return Test(in, out); }

  int UploadFileStreamedBasic(_brk__StreamedPayloadBasicBE* req, _brk__ReceiptExternalStreamedBE& resp) override {
    // The request's headers carry the password: take them and never echo them in the response.
    SOAP_ENV__Header* header = soap->header;
    soap->header = nullptr;
    auto sender = authenticate(header ? header->brk__SystemUserName : nullptr,
                               header ? header->brk__SystemPassword : nullptr, core::RequiredRole::kAny);
    if (!sender.ok()) return failUpload(sender.status());
    auto& service = core_.brokers();
    auto upload = service.beginUpload(sender.value(), header ? textOf(header->brk__Reference) : std::string(),
                                      header ? textOf(header->brk__Reportee) : std::string(),
                                      header ? textOf(header->brk__FileName) : std::string());
    if (!upload.ok()) return failUpload(upload.status());

    if (request_is_mime_) {
      UploadSink sink;
      sink.upload = upload.value().get();
      requestContext(soap).streaming_attachment = true;
      // gSOAP ends the receive at the closing boundary and, on "Connection: close", also closes the
      // socket before our answer could go out: keep it open here, answer with "Connection: close".
      const int keep_alive = soap->keep_alive;
      soap->keep_alive = 1;
      while (soap_recv_mime_attachment(soap, &sink)) {
      }
      if (soap_valid_socket(soap->socket)) soap->keep_alive = keep_alive;
      if (!sink.failure.ok()) return failUpload(sink.failure);
      if (soap->error) return soap->error;  // the connection broke or the MIME framing was wrong
      parts_read_ = true;
      if (sink.parts == 0) return failUpload(Status::InvalidArgument("the message carries no file part"));
    } else if (req && req->DataStream.__ptr && req->DataStream.__size > 0) {
      Status s = upload.value()->write(reinterpret_cast<const char*>(req->DataStream.__ptr),
                                       static_cast<std::size_t>(req->DataStream.__size));
      if (!s.ok()) return failUpload(s);
    }

    auto stored = service.finishUpload(*upload.value());
    if (!stored.ok()) return failUpload(stored.status());
    answerInKind();  // only now: setting up MIME output resets the MIME input state
    resp.LastChanged = soapString(soap, isoUtc(stored->at));
    resp.ReceiptId = soapValue(soap, static_cast<int>(stored->receipt_id));
    resp.ReceiptStatusCode = soapString(soap, "OK");
    resp.ReceiptTypeName = soapString(soap, "BrokerService");
    resp.ReceiptText = soapString(soap, "Uploaded: " + std::to_string(stored->size) + " bytes, SHA-256 " +
                                            stored->sha256_hex + ", file reference " + stored->file_reference);
    return SOAP_OK;
  }

  int DownloadFileStreamedBasic(_brk__DownloadFileStreamedBasic* req,
                                _brk__DownloadFileStreamedBasicResponse& resp) override {
    static const char* kOp = "DownloadFileStreamedBasic";
    answerInMtom();
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, core::RequiredRole::kAny);
    if (!caller.ok()) return fault(caller.status(), kOp);
    auto download = core_.brokers().openFile(caller.value(), req->fileReference, req->reportee);
    if (!download.ok()) return fault(download.status(), kOp);
    const std::int64_t size = download->bytes->size();
    if (size <= 0 || size > INT_MAX) return fault(Status::Internal("broker file size out of range"), kOp);
    download_ = std::move(download->bytes);
    download_shipment_ = download->shipment.id;
    download_reportee_ = req->reportee;
    auto& part = resp.DownloadFileStreamedBasicResult;
    part.__ptr = reinterpret_cast<unsigned char*>(download_.get());  // the handle openRead gets back
    part.__size = static_cast<int>(size);
    // "cid:" makes gSOAP write href="cid:..." and the part's Content-ID as <...> (RFC 2392), as WCF expects.
    part.id = soap_strdup(soap, ("cid:broker-" + download->shipment.file_reference + "@gateway").c_str());
    part.type = soap_strdup(soap, "application/octet-stream");
    part.options = nullptr;
    return SOAP_OK;
  }

  int InitiateBrokerServiceBasic(_brk__InitiateBrokerServiceBasic*, _brk__InitiateBrokerServiceBasicResponse&) override {
    return fault(notOnThisEndpoint(kBrokerBasicPath), "InitiateBrokerServiceBasic");
  }
  int GetAvailableFilesBasic(_brk__GetAvailableFilesBasic*, _brk__GetAvailableFilesBasicResponse&) override {
    return fault(notOnThisEndpoint(kBrokerBasicPath), "GetAvailableFilesBasic");
  }
  int CheckIfAvailableFilesBasic(_brk__CheckIfAvailableFilesBasic*, _brk__CheckIfAvailableFilesBasicResponse&) override {
    return fault(notOnThisEndpoint(kBrokerBasicPath), "CheckIfAvailableFilesBasic");
  }
  int ConfirmDownloadedBasic(_brk__ConfirmDownloadedBasic*, _brk__ConfirmDownloadedBasicResponse&) override {
    return fault(notOnThisEndpoint(kBrokerBasicPath), "ConfirmDownloadedBasic");
  }

 private:
  int failUpload(const Status& status) {
    answerInKind();
    return fault(status, "UploadFileStreamedBasic");
  }

  // The binding declares MTOM: answer an MTOM request in MTOM (WCF's encoder rejects a text/xml
  // reply), a plain one in plain XML. Call it only when no more of the request will be read.
  void answerInKind() {
    if (!request_was_mtom_) return;
    soap_set_omode(soap, SOAP_ENC_MTOM);
    soap_set_mime(soap, nullptr, nullptr);
  }
  void answerInMtom() {
    soap_set_omode(soap, SOAP_ENC_MTOM);
    soap_set_mime(soap, nullptr, nullptr);  // the envelope becomes the root XOP part
  }

  bool request_is_mime_ = false;
  bool request_was_mtom_ = false;
  bool parts_read_ = false;
  std::unique_ptr<persistence::BlobReader> download_;  // read while the response goes out
  persistence::Id download_shipment_ = 0;
  std::string download_reportee_;
};

}  // namespace

std::unique_ptr<Endpoint> makeBrokerServiceStreamedEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<BrokerServiceStreamed>>(
      kBrokerStreamedPath, "BrokerServiceExternalBasicStreamed.wsdl", core);
}

}  // namespace gateway::services
