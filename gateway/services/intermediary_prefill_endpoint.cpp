// IntermediaryPrefill (Basic, gateway extension): end-user systems fetch the prefilled form tasks
// of reportees they may act for.

#include "core/prefill_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryPrefillExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIIntermediaryPrefillExternalBasicService;

xsd__base64Binary* bytesOf(struct soap* soap, const std::string& data) {
  auto* out = soap_new_xsd__base64Binary(soap);
  out->__ptr = static_cast<unsigned char*>(soap_malloc(soap, data.size() + 1));
  std::copy(data.begin(), data.end(), out->__ptr);
  out->__size = static_cast<int>(data.size());
  return out;
}

iipf__PrefilledFormTask* toWire(struct soap* soap, const core::OpenPrefillTask& open) {
  const persistence::PrefillInstanceRecord& t = open.task;
  auto* out = soap_new_iipf__PrefilledFormTask(soap);
  out->PrefillId = static_cast<int>(t.id);
  out->ServiceOwnerCode = soapString(soap, t.owner_code);
  out->ServiceCode = soapString(soap, t.service_code);
  out->ServiceEdition = t.service_edition;
  out->Reportee = soapString(soap, t.reportee);
  out->ExternalShipmentReference = soapString(soap, t.external_shipment_reference);
  if (!t.senders_reference.empty()) out->SendersReference = soapString(soap, t.senders_reference);
  out->ValidFromDate = t.valid_from;
  out->ValidToDate = t.valid_to;
  if (t.due_date) out->DueDate = soapValue(soap, *t.due_date);
  if (t.case_id) out->CaseID = soapValue(soap, *t.case_id);
  out->Forms = soap_new_iipf__ArrayOfPrefilledForm(soap);
  for (const auto& f : t.forms) {
    auto* form = soap_new_iipf__PrefilledForm(soap);
    form->DataFormatId = soapString(soap, f.data_format_id);
    form->DataFormatVersion = f.data_format_version;
    if (!f.senders_reference.empty()) form->SendersReference = soapString(soap, f.senders_reference);
    form->FormData = soapString(soap, f.form_data);
    out->Forms->PrefilledForm.push_back(form);
  }
  if (!t.attachments.empty()) out->Attachments = soap_new_iipf__ArrayOfPrefilledAttachment(soap);
  for (std::size_t i = 0; i < t.attachments.size() && i < open.attachment_data.size(); ++i) {
    const auto& a = t.attachments[i];
    auto* att = soap_new_iipf__PrefilledAttachment(soap);
    att->AttachmentName = soapString(soap, a.name);
    att->FileName = soapString(soap, a.file_name);
    att->AttachmentType = soapString(soap, a.attachment_type);
    if (!a.senders_reference.empty()) att->SendersReference = soapString(soap, a.senders_reference);
    att->Checksum = soapString(soap, a.sha256_hex);
    att->AttachmentData = bytesOf(soap, open.attachment_data[i]);
    out->Attachments->PrefilledAttachment.push_back(att);
  }
  return out;
}

class IntermediaryPrefill final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetPrefilledFormTasksBasic(_iipf__GetPrefilledFormTasksBasic* req,
                                 _iipf__GetPrefilledFormTasksBasicResponse& resp) override {
    static const char* kOp = "GetPrefilledFormTasksBasic";
    auto system = authenticate(req ? req->systemUserName : nullptr, req ? req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), kOp);
    core::OpenTaskQuery query;
    if (req->reportee) query.reportee = *req->reportee;
    if (req->serviceCode && !req->serviceCode->empty()) query.service_code = *req->serviceCode;
    query.service_edition = optionalOf(req->serviceEdition);
    if (req->prefillId) query.prefill_id = *req->prefillId;
    auto tasks = core_.prefills().openTasks(system.value(), query);
    if (!tasks.ok()) return fault(tasks.status(), kOp);
    resp.GetPrefilledFormTasksBasicResult = soap_new_iipf__ArrayOfPrefilledFormTask(soap);
    for (const auto& t : tasks.value()) {
      resp.GetPrefilledFormTasksBasicResult->PrefilledFormTask.push_back(toWire(soap, t));
    }
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeIntermediaryPrefillEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<IntermediaryPrefill>>("/IntermediaryExternal/IntermediaryPrefillBasic.svc",
                                                                "IntermediaryPrefillExternalBasic.wsdl", core);
}

}  // namespace gateway::services
