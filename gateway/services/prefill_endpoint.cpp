// PreFill (Basic): service owner systems prefill form tasks for reportees.
#include "core/prefill_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/receipt_mapping.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIPreFillExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIPreFillExternalBasicService;

core::PrefillTaskInput toInput(struct soap* soap, const pf__PrefillFormTask& wire) {
  core::PrefillTaskInput in;
  in.service_code = optionalOf(wire.ExternalServiceCode);
  in.service_edition = wire.ExternalServiceEditionCode;
  in.external_shipment_reference = optionalOf(wire.ExternalShipmentReference);
  in.reportee = optionalOf(wire.Reportee);
  in.service_owner_code = optionalOf(wire.ServiceOwnerCode);
  in.senders_reference = textOf(wire.SendersReference);
  in.valid_from = wire.ValidFromDate;
  in.valid_to = wire.ValidToDate;
  if (wire.PreFillForms) {
    for (const pf__PrefillForm* f : wire.PreFillForms->PrefillForm) {
      if (!f) continue;
      in.forms.push_back({optionalOf(f->DataFormatID), f->DataFormatVersion, optionalOf(f->FormDataXML),
                          textOf(f->SendersReference)});
    }
  }
  if (wire.PreFillAttachments) {
    for (const pf__PrefillFormTaskAttachment* a : wire.PreFillAttachments->PrefillFormTaskAttachment) {
      if (!a) continue;
      core::PrefillAttachmentInput att;
      att.name = textOf(a->AttachmentName);
      att.file_name = textOf(a->FileName);
      att.attachment_type = soap_sent__AttachmentType2s(soap, a->AttachmentType);
      att.senders_reference = textOf(a->SendersReference);
      if (a->AttachmentData && a->AttachmentData->__ptr) {
        att.data = std::string_view(reinterpret_cast<const char*>(a->AttachmentData->__ptr),
                                    static_cast<std::size_t>(a->AttachmentData->__size));
      }
      in.attachments.push_back(std::move(att));
    }
  }
  return in;
}

class PreFill final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int SubmitAndInstantiatePrefilledFormTaskBasic(_pfl__SubmitAndInstantiatePrefilledFormTaskBasic* req,
                                                 _pfl__SubmitAndInstantiatePrefilledFormTaskBasicResponse& resp) override {
    static const char* kOp = "SubmitAndInstantiatePrefilledFormTaskBasic";
    auto system = authenticate(req ? req->systemUserName : nullptr, req ? req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    if (!req->preFillFormTask) return fault(Status::InvalidArgument("preFillFormTask is required"), kOp);
    core::InstantiateOptions options;
    options.save = req->doSaveFormTask && *req->doSaveFormTask;
    options.instantiate = req->doinstantiateFormTask && *req->doinstantiateFormTask;
    options.case_id = optionalOf(req->caseId);
    options.due_date = optionalOf(req->dueDate);
    options.on_behalf_of = textOf(req->instantitedOnBehalfOf);
    auto outcome = core_.prefills().submitAndInstantiate(system.value(), optionalOf(req->externalBatchId),
                                                         toInput(soap, *req->preFillFormTask), options);
    if (!outcome.ok()) return fault(outcome.status(), kOp);
    resp.SubmitAndInstantiatePrefilledFormTaskBasicResult = toReceiptExternal(soap, outcome->receipt);
    return SOAP_OK;
  }

  int SubmitPrefilledFormTasksBasic(_pfl__SubmitPrefilledFormTasksBasic* req,
                                    _pfl__SubmitPrefilledFormTasksBasicResponse& resp) override {
    static const char* kOp = "SubmitPrefilledFormTasksBasic";
    auto system = authenticate(req ? req->systemUserName : nullptr, req ? req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    if (!req->preFillFormTasksDetails) return fault(Status::InvalidArgument("preFillFormTasksDetails is required"), kOp);
    std::vector<core::PrefillTaskInput> tasks;
    if (req->preFillFormTasksDetails->PreFillFormTasklist) {
      for (const pf__PrefillFormTask* t : req->preFillFormTasksDetails->PreFillFormTasklist->PrefillFormTask) {
        if (t) tasks.push_back(toInput(soap, *t));
      }
    }
    auto outcome = core_.prefills().submitBatch(system.value(), optionalOf(req->externalBatchId),
                                                optionalOf(req->preFillFormTasksDetails->SystemUserCode), tasks);
    if (!outcome.ok()) return fault(outcome.status(), kOp);
    resp.SubmitPrefilledFormTasksBasicResult = toReceiptExternal(soap, outcome->receipt);
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makePreFillEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<PreFill>>("/ServiceEngineExternal/PreFillBasic.svc", "PreFillBasic.wsdl",
                                                    core);
}

}  // namespace gateway::services
