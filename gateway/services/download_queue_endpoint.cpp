// DownloadQueue (Basic): service owners list, fetch and purge completed submissions, and print
// archived form sets as PDF.
#include <cstring>

#include "core/archive_service.h"
#include "services/archive_mapping.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIDownloadQueueExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIDownloadQueueExternalBasicService;

class DownloadQueue final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  // The reference binding declares MTOM: answer an MTOM request in MTOM (WCF's encoder rejects a
  // text/xml reply), a plain request (zeep, curl) in plain XML.
  // The engine marks an MTOM request in soap->mode when it reads the headers; MIME output can only be
  // switched on once the request body has been consumed, i.e. inside the operation.
  int dispatch() override {
    request_was_mtom_ = (soap->mode & SOAP_ENC_MTOM) != 0;
    const int rc = Generated::dispatch();
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

  int GetDownloadQueueItems(_dq__GetDownloadQueueItems* req, _dq__GetDownloadQueueItemsResponse& resp) override {
    answerInKind();
    static const char* kOp = "GetDownloadQueueItems";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    auto items = core_.archive().queue(owner.value(), optionalOf(req->serviceCode));
    if (!items.ok()) return fault(items.status(), kOp);
    resp.GetDownloadQueueItemsResult = soap_new_dqs__DownloadQueueItemBEList(soap);
    for (const auto& item : items.value()) {
      resp.GetDownloadQueueItemsResult->DownloadQueueItemBE.push_back(toQueueItem(soap, item));
    }
    return SOAP_OK;
  }

  int GetArchivedFormTaskBasicDQ(_dq__GetArchivedFormTaskBasicDQ* req,
                                 _dq__GetArchivedFormTaskBasicDQResponse& resp) override {
    answerInKind();
    static const char* kOp = "GetArchivedFormTaskBasicDQ";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    auto task = core_.archive().fetchByArchiveReference(owner.value(), textOf(req->archiveReference));
    if (!task.ok()) return fault(task.status(), kOp);
    resp.GetArchivedFormTaskBasicDQResult = toArchivedFormTaskDQ(soap, task.value());
    if (request_was_mtom_ && resp.GetArchivedFormTaskBasicDQResult->Attachments) {
      // Under MTOM each attachment's bytes travel as their own XOP part instead of inline base64.
      for (auto* a : resp.GetArchivedFormTaskBasicDQResult->Attachments->ArchivedAttachmentDQBE) {
        if (!a || !a->AttachmentData || !a->AttachmentData->__ptr || a->AttachmentData->__size == 0) continue;
        // "cid:" makes gSOAP write href="cid:..." and the part's Content-ID as <...> (RFC 2392).
        const std::string cid = "cid:attachment-" + std::to_string(a->AttachmentId ? *a->AttachmentId : 0) + "@gateway";
        a->AttachmentData->id = soap_strdup(soap, cid.c_str());
        a->AttachmentData->type = soap_strdup(soap, "application/octet-stream");
      }
    }
    return SOAP_OK;
  }

  int PurgeItem(_dq__PurgeItem* req, _dq__PurgeItemResponse& resp) override {
    answerInKind();
    static const char* kOp = "PurgeItem";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    Status purged = core_.archive().purge(owner.value(), textOf(req->archiveReference));
    if (!purged.ok()) return fault(purged, kOp);
    resp.PurgeItemResult = soapString(soap, "OK");
    return SOAP_OK;
  }

  // The PDF travels inline as base64, or as an XOP part when the request was MTOM.
  int GetFormSetPdfBasic(_dq__GetFormSetPdfBasic* req, _dq__GetFormSetPdfBasicResponse& resp) override {
    answerInKind();
    static const char* kOp = "GetFormSetPdfBasic";
    auto owner = authenticate(&req->systemName, &req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    auto pdf = core_.archive().formSetPdf(owner.value(), req->archiveReference, req->languageId,
                                          optionalOf(req->dataFormatId), optionalOf(req->dataFormatVersion));
    if (!pdf.ok()) return fault(pdf.status(), kOp);
    const std::string& bytes = pdf.value();
    auto* binary = soap_new_xsd__base64Binary(soap);
    binary->__size = static_cast<int>(bytes.size());
    binary->__ptr = static_cast<unsigned char*>(soap_malloc(soap, bytes.size() + 1));
    if (!binary->__ptr) return fault(Status::Internal("out of memory for the PDF"), kOp);
    std::memcpy(binary->__ptr, bytes.data(), bytes.size());
    if (request_was_mtom_) {
      binary->id = soap_strdup(soap, "cid:form-set-pdf@gateway");
      binary->type = soap_strdup(soap, "application/pdf");
    }
    resp.GetFormSetPdfBasicResult = binary;
    return SOAP_OK;
  }

 private:
  void answerInKind() {
    if (!request_was_mtom_) return;
    soap_set_omode(soap, SOAP_ENC_MTOM);
    soap_set_mime(soap, nullptr, nullptr);  // the envelope becomes the root XOP part
  }

  bool request_was_mtom_ = false;
};

}  // namespace

std::unique_ptr<Endpoint> makeDownloadQueueEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<DownloadQueue>>("/ArchiveExternal/DownloadQueueExternalBasic.svc",
                                                          "DownloadQueueExternalBasic.wsdl", core);
}

}  // namespace gateway::services
