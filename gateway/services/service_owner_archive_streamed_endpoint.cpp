// ServiceOwnerArchive streamed (Basic): a service owner downloads one attachment of its own archived
// submissions. The answer is always MTOM (the binding declares it; a plain text/xml answer would
// need the whole attachment as base64 in memory): the envelope refers to one XOP part, which gSOAP
// fills through the fmimeread callbacks from the file store, a small buffer at a time, with the
// length known in advance (Content-Length, no chunking).
#include <climits>
#include <string>

#include "core/streamed_attachment_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/mtom_streaming.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIServiceOwnerArchiveExternalStreamedBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIServiceOwnerArchiveExternalStreamedBasicService;

class ServiceOwnerArchiveStreamed final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int dispatch() override {
    installBlobReader(soap);
    const int rc = Generated::dispatch();
    // The worker context serves every endpoint: leave nothing of this one behind.
    removeMimeCallbacks(soap);
    soap_clr_omode(soap, SOAP_ENC_MTOM);
    soap_clr_mime(soap);
    download_.reset();  // the response has been sent (or abandoned)
    return rc;
  }

  int Test(_altinn__Test*, _altinn__TestResponse&) override {
    answerInMtom();
    return SOAP_OK;
  }

  int GetAttachmentDataStreamedBasic(_soas__GetAttachmentDataStreamedBasic* req,
                                     _soas__GetAttachmentDataStreamedBasicResponse& resp) override {
    static const char* kOp = "GetAttachmentDataStreamedBasic";
    answerInMtom();
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    if (!req->attachmentId) return fault(Status::InvalidArgument("attachmentId is required"), kOp);
    auto download = core_.streamedAttachments().openDownload(owner.value(), *req->attachmentId);
    if (!download.ok()) return fault(download.status(), kOp);
    const std::int64_t size = download->bytes->size();
    if (size <= 0 || size > INT_MAX) return fault(Status::Internal("attachment size out of range"), kOp);
    download_ = std::move(download->bytes);
    auto& part = resp.GetAttachmentDataStreamedBasicResult;
    part.__ptr = reinterpret_cast<unsigned char*>(download_.get());  // the handle openRead gets back
    part.__size = static_cast<int>(size);
    // "cid:" makes gSOAP write href="cid:..." and the part's Content-ID as <...> (RFC 2392), as WCF expects.
    part.id = soap_strdup(soap, ("cid:attachment-" + std::to_string(download->meta.id) + "@gateway").c_str());
    part.type = soap_strdup(soap, "application/octet-stream");
    part.options = nullptr;
    return SOAP_OK;
  }

 private:
  void answerInMtom() {
    soap_set_omode(soap, SOAP_ENC_MTOM);
    soap_set_mime(soap, nullptr, nullptr);  // the envelope becomes the root XOP part
  }

  std::unique_ptr<persistence::BlobReader> download_;  // read while the response goes out
};

}  // namespace

std::unique_ptr<Endpoint> makeServiceOwnerArchiveStreamedEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<ServiceOwnerArchiveStreamed>>(
      "/ArchiveExternal/ServiceOwnerArchiveExternalStreamedBasic.svc", "ServiceOwnerArchiveExternalStreamedBasic.wsdl",
      core);
}

}  // namespace gateway::services
