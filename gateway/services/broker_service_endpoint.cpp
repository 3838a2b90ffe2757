// BrokerServiceExternalBasic: initiate a broker shipment, list and poll for files, confirm a
// download. Senders are an organisation's end-user system or a service owner system; receivers are
// systems acting for a recipient (core/broker_service.h says who may do what).
//
// The Basic and the Basic streamed WSDL share one service namespace, so gSOAP generates one class
// with every operation of both; this endpoint serves the Basic ones and answers the streamed ones
// with a fault pointing at the streamed endpoint (broker_service_streamed_endpoint.cpp does the
// reverse).
#include <string>

#include "core/broker_service.h"
#include "services/bound_service.h"
#include "services/broker_endpoint_common.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"

namespace gateway::services {
namespace {

core::BrokerManifest manifestOf(const brks__Manifest& m) {
  core::BrokerManifest out;
  out.service_code = textOf(m.ExternalServiceCode);
  out.service_edition = m.ExternalServiceEditionCode;
  out.senders_reference = textOf(m.SendersReference);
  out.reportee = textOf(m.Reportee);
  if (m.FileList) {
    for (const brks__File* f : m.FileList->File) {
      if (f) out.files.push_back({textOf(f->FileName), textOf(f->CheckSum)});
    }
  }
  if (m.PropertyList) {
    for (const brks__Property* p : m.PropertyList->Property) {
      if (p) out.properties.push_back({textOf(p->PropertyKey), textOf(p->PropertyValue)});
    }
  }
  return out;
}

class BrokerServiceBasic final : public BoundService<BrokerGenerated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }
  int Test_(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int InitiateBrokerServiceBasic(_brk__InitiateBrokerServiceBasic* req,
                                 _brk__InitiateBrokerServiceBasicResponse& resp) override {
    static const char* kOp = "InitiateBrokerServiceBasic";
    auto sender = authenticate(&req->systemUserName, &req->systemPassword, core::RequiredRole::kAny);
    if (!sender.ok()) return fault(sender.status(), kOp);
    const brks__BrokerServiceInitiation* in = req->brokerServiceInitiation;
    if (!in || !in->Manifest) return fault(Status::InvalidArgument("brokerServiceInitiation/Manifest is required"), kOp);
    core::BrokerInitiation initiation;
    initiation.manifest = manifestOf(*in->Manifest);
    if (in->RecipientList) {
      for (const brks__Recipient* r : in->RecipientList->Recipient) {
        initiation.recipients.push_back(r ? textOf(r->PartyNumber) : std::string());
      }
    }
    auto reference = core_.brokers().initiate(sender.value(), initiation);
    if (!reference.ok()) return fault(reference.status(), kOp);
    resp.InitiateBrokerServiceBasicResult = soapString(soap, reference.value());
    return SOAP_OK;
  }

  int GetAvailableFilesBasic(_brk__GetAvailableFilesBasic* req, _brk__GetAvailableFilesBasicResponse& resp) override {
    static const char* kOp = "GetAvailableFilesBasic";
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, core::RequiredRole::kAny);
    if (!caller.ok()) return fault(caller.status(), kOp);
    const brks__BrokerServiceSearch* in = req->searchParameters;
    if (!in) return fault(Status::InvalidArgument("searchParameters is required"), kOp);
    core::BrokerSearch search;
    search.reportee = textOf(in->Reportee);
    search.status = in->FileStatus == sent15__BrokerServiceAvailableFileStatus__Downloaded
                        ? core::BrokerFileStatus::kDownloaded
                        : core::BrokerFileStatus::kUploaded;
    if (in->ExternalServiceCode && !in->ExternalServiceCode->empty()) search.service_code = *in->ExternalServiceCode;
    search.service_edition = optionalOf(in->ExternalServiceEditionCode);
    search.sent_from = optionalOf(in->MinSentDateTime);
    search.sent_to = optionalOf(in->MaxSentDateTime);
    auto files = core_.brokers().availableFiles(caller.value(), search);
    if (!files.ok()) return fault(files.status(), kOp);
    auto* list = soap_new_brks__BrokerServiceAvailableFileList(soap);
    for (const auto& f : files.value()) {
      auto* out = soap_new_brks__BrokerServiceAvailableFile(soap);
      out->ExternalServiceCode = soapString(soap, f.service_code);
      out->ExternalServiceEditionCode = soapValue(soap, f.service_edition);
      out->FileName = soapString(soap, f.file_name);
      out->FileReference = soapString(soap, f.file_reference);
      out->FileSize = soapValue<LONG64>(soap, f.file_size);
      out->FileStatus = soapValue(soap, f.recipient_state == persistence::BrokerRecipientState::kConfirmed
                                            ? sent15__BrokerServiceAvailableFileStatus__Downloaded
                                            : sent15__BrokerServiceAvailableFileStatus__Uploaded);
      out->IsSftpDownloadOnly = soapValue(soap, false);
      out->ReceiptID = soapValue(soap, static_cast<int>(f.receipt_id));
      out->Reportee = soapString(soap, f.sender_reportee);
      out->SendersReference = soapString(soap, f.senders_reference);
      out->SentDate = soapValue(soap, f.sent_at);
      list->BrokerServiceAvailableFile.push_back(out);
    }
    resp.GetAvailableFilesBasicResult = list;
    return SOAP_OK;
  }

  int CheckIfAvailableFilesBasic(_brk__CheckIfAvailableFilesBasic* req,
                                 _brk__CheckIfAvailableFilesBasicResponse& resp) override {
    static const char* kOp = "CheckIfAvailableFilesBasic";
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, core::RequiredRole::kAny);
    if (!caller.ok()) return fault(caller.status(), kOp);
    const brk20__BrokerServicePoll* in = req->pollParameters;
    if (!in || !in->Recipients) return fault(Status::InvalidArgument("pollParameters/Recipients is required"), kOp);
    std::optional<std::string> code;
    if (in->ExternalServiceCode && !in->ExternalServiceCode->empty()) code = *in->ExternalServiceCode;
    auto any = core_.brokers().anyAvailable(caller.value(), in->Recipients->string, code,
                                            optionalOf(in->ExternalServiceEditionCode));
    if (!any.ok()) return fault(any.status(), kOp);
    resp.CheckIfAvailableFilesBasicResult = soapValue(soap, any.value());
    return SOAP_OK;
  }

  int ConfirmDownloadedBasic(_brk__ConfirmDownloadedBasic* req, _brk__ConfirmDownloadedBasicResponse&) override {
    static const char* kOp = "ConfirmDownloadedBasic";
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, core::RequiredRole::kAny);
    if (!caller.ok()) return fault(caller.status(), kOp);
    Status s = core_.brokers().confirmDownloaded(caller.value(), req->fileReference, req->reportee);
    if (!s.ok()) return fault(s, kOp);
    return SOAP_OK;
  }

  int UploadFileStreamedBasic(_brk__StreamedPayloadBasicBE*, _brk__ReceiptExternalStreamedBE&) override {
    soap->header = nullptr;  // carries the password: never echoed
    return fault(notOnThisEndpoint(kBrokerStreamedPath), "UploadFileStreamedBasic");
  }
  int DownloadFileStreamedBasic(_brk__DownloadFileStreamedBasic*, _brk__DownloadFileStreamedBasicResponse&) override {
    return fault(notOnThisEndpoint(kBrokerStreamedPath), "DownloadFileStreamedBasic");
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeBrokerServiceEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<BrokerServiceBasic>>(kBrokerBasicPath, "BrokerServiceExternalBasic.wsdl",
                                                               core);
}

}  // namespace gateway::services
