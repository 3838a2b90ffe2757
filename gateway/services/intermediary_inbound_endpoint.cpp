// IntermediaryInbound (Basic): end-user systems submit form tasks.
#include "services/endpoint_factories.h"

#include "core/submission_service.h"
#include "services/bound_service.h"
#include "services/receipt_mapping.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryInboundExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIIntermediaryInboundExternalBasicService;

core::SubmissionInput toInput(const iib__FormTaskShipmentBE& shipment) {
  core::SubmissionInput in;
  if (shipment.Reportee) in.reportee = *shipment.Reportee;
  in.external_shipment_reference = textOf(shipment.ExternalShipmentReference);
  in.case_id = optionalOf(shipment.CaseID);
  if (shipment.FormTasks) {
    if (shipment.FormTasks->ServiceCode) in.service_code = *shipment.FormTasks->ServiceCode;
    in.service_edition = optionalOf(shipment.FormTasks->ServiceEdition);
    if (shipment.FormTasks->Forms) {
      for (const iib__Form* f : shipment.FormTasks->Forms->Form) {
        if (!f) continue;
        core::FormInput form;
        if (f->DataFormatId) form.data_format_id = *f->DataFormatId;
        form.data_format_version = optionalOf(f->DataFormatVersion);
        form.end_user_system_reference = textOf(f->EndUserSystemReference);
        form.parent_reference = optionalOf(f->ParentReference);
        if (f->FormData) form.form_data = *f->FormData;
        form.completed = f->Completed ? *f->Completed : true;
        in.forms.push_back(std::move(form));
      }
    }
  }
  if (shipment.Attachments) {
    for (const iib__Attachment* a : shipment.Attachments->Attachment) {
      if (!a) continue;
      core::AttachmentInput att;
      att.name = textOf(a->Name);
      att.file_name = textOf(a->FileName);
      att.attachment_type_name = textOf(a->AttachmentTypeName);
      att.end_user_system_reference = textOf(a->EndUserSystemReference);
      att.parent_reference = textOf(a->ParentReference);
      att.encrypted = a->Encrypted && *a->Encrypted;
      if (a->AttachementData && a->AttachementData->__ptr) {
        att.data = std::string_view(reinterpret_cast<const char*>(a->AttachementData->__ptr),
                                    static_cast<std::size_t>(a->AttachementData->__size));
      }
      if (a->Checksum) att.checksum = *a->Checksum;
      in.attachments.push_back(std::move(att));
    }
  }
  return in;
}

class IntermediaryInbound final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int SubmitFormTaskBasic(_iib__SubmitFormTaskBasic* req, _iib__SubmitFormTaskBasicResponse& resp) override {
    static const char* kOp = "SubmitFormTaskBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), kOp);
    if (!req->formTaskShipment) return fault(Status::InvalidArgument("formTaskShipment is required"), kOp);
    auto outcome = core_.submissions().submit(system.value(), toInput(*req->formTaskShipment));
    if (!outcome.ok()) return fault(outcome.status(), kOp);
    resp.SubmitFormTaskBasicResult = toReceiptExternalBE(soap, outcome->receipt);
    return SOAP_OK;
  }

  int GetAltinnSubmissionStatusBasic(_iib__GetAltinnSubmissionStatusBasic* req,
                                     _iib__GetAltinnSubmissionStatusBasicResponse& resp) override {
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), "GetAltinnSubmissionStatusBasic");
    // 1: the gateway accepts submissions (it answers only while its database is reachable).
    Status db = core_.database().ping();
    if (!db.ok()) return fault(db, "GetAltinnSubmissionStatusBasic");
    resp.GetAltinnSubmissionStatusBasicResult = soapValue(soap, 1);
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeIntermediaryInboundEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<IntermediaryInbound>>("/IntermediaryExternal/IntermediaryInboundBasic.svc",
                                                                 "IntermediaryInboundExternalBasic.wsdl", core);
}

}  // namespace gateway::services
