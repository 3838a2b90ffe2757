#pragma once
// Building PreFill, Subscription and IntermediaryPrefill requests for the end-to-end tests. Values
// are allocated in the proxy's gSOAP arena (freed with the proxy).

#include <ctime>
#include <string>
#include <vector>

#include "soap_clients.h"

namespace gateway::testing {

inline std::string* text(struct soap* soap, const std::string& value) {
  auto* p = soap_new_std__string(soap);
  *p = value;
  return p;
}

template <typename T>
T* valueOf(struct soap* soap, T value) {
  T* p = static_cast<T*>(soap_malloc(soap, sizeof(T)));
  *p = value;
  return p;
}

struct PrefillSpec {
  std::string service_owner_code = "ETAT";
  std::string service_code = "4711";
  int service_edition = 1;
  std::string reportee = "910000306";
  std::string external_shipment_reference;
  std::string senders_reference = "sak-1";
  std::string data_format_id = "5703";
  int data_format_version = 34;
  std::string form_data = "<Skjema><Navn>Åse Ødegård</Navn><Beløp>2500</Beløp></Skjema>";
  std::time_t valid_from = std::time(nullptr) - 3600;
  std::time_t valid_to = std::time(nullptr) + 30 * 24 * 3600;
  std::string attachment;  // empty: none
};

inline pf__PrefillFormTask* prefillTask(struct soap* soap, const PrefillSpec& spec) {
  auto* t = soap_new_pf__PrefillFormTask(soap);
  t->ExternalServiceCode = text(soap, spec.service_code);
  t->ExternalServiceEditionCode = spec.service_edition;
  t->ExternalShipmentReference = text(soap, spec.external_shipment_reference);
  t->Reportee = text(soap, spec.reportee);
  t->SendersReference = text(soap, spec.senders_reference);
  t->ServiceOwnerCode = text(soap, spec.service_owner_code);
  t->ValidFromDate = spec.valid_from;
  t->ValidToDate = spec.valid_to;
  t->PreFillForms = soap_new_pf__PrefillFormBEList(soap);
  auto* f = soap_new_pf__PrefillForm(soap);
  f->DataFormatID = text(soap, spec.data_format_id);
  f->DataFormatVersion = spec.data_format_version;
  f->FormDataXML = text(soap, spec.form_data);
  f->SendersReference = text(soap, "skjema-1");
  t->PreFillForms->PrefillForm.push_back(f);
  if (!spec.attachment.empty()) {
    t->PreFillAttachments = soap_new_pf__PrefillAttachmentBEList(soap);
    auto* a = soap_new_pf__PrefillFormTaskAttachment(soap);
    a->AttachmentName = text(soap, "Grunnlag");
    a->FileName = text(soap, "grunnlag.txt");
    a->AttachmentType = sent__AttachmentType__text_USCOREplain;
    a->SendersReference = text(soap, "vedlegg-1");
    a->AttachmentData = soap_new_xsd__base64Binary(soap);
    a->AttachmentData->__ptr = reinterpret_cast<unsigned char*>(soap_strdup(soap, spec.attachment.c_str()));
    a->AttachmentData->__size = static_cast<int>(spec.attachment.size());
    t->PreFillAttachments->PrefillFormTaskAttachment.push_back(a);
  }
  return t;
}

// SubmitAndInstantiatePrefilledFormTaskBasic with doinstantiateFormTask = true.
inline int prefill(Client<PreFillProxy>& c, const Identity& owner, const std::string& batch_id,
                   const PrefillSpec& spec, r09__ReceiptExternal** receipt, bool instantiate = true) {
  struct soap* soap = c->soap;
  _pfl__SubmitAndInstantiatePrefilledFormTaskBasic req;
  _pfl__SubmitAndInstantiatePrefilledFormTaskBasicResponse resp;
  req.systemUserName = text(soap, owner.system_user);
  req.systemPassword = text(soap, owner.system_password);
  req.externalBatchId = text(soap, batch_id);
  req.preFillFormTask = prefillTask(soap, spec);
  req.doSaveFormTask = valueOf(soap, true);
  req.doinstantiateFormTask = valueOf(soap, instantiate);
  req.dueDate = valueOf(soap, spec.valid_to);
  int rc = c->SubmitAndInstantiatePrefilledFormTaskBasic(&req, resp);
  if (rc == SOAP_OK && receipt) *receipt = resp.SubmitAndInstantiatePrefilledFormTaskBasicResult;
  return rc;
}

inline std::string referenceOf(const r09__ReceiptExternal* receipt, shp__ReferenceType type) {
  if (!receipt || !receipt->References) return "";
  for (const auto* ref : receipt->References->Reference) {
    if (ref && ref->ReferenceTypeName && *ref->ReferenceTypeName == type && ref->ReferenceValue) return *ref->ReferenceValue;
  }
  return "";
}

// GetPrefilledFormTasksBasic for `reportee`; the tasks in `out` on success.
inline int openTasks(Client<IntermediaryPrefillProxy>& c, const Identity& enduser, const std::string& reportee,
                     std::vector<iipf__PrefilledFormTask*>* out, int prefill_id = 0) {
  struct soap* soap = c->soap;
  _iipf__GetPrefilledFormTasksBasic req;
  _iipf__GetPrefilledFormTasksBasicResponse resp;
  req.systemUserName = text(soap, enduser.system_user);
  req.systemPassword = text(soap, enduser.system_password);
  req.reportee = text(soap, reportee);
  if (prefill_id > 0) req.prefillId = valueOf(soap, prefill_id);
  int rc = c->GetPrefilledFormTasksBasic(&req, resp);
  if (rc == SOAP_OK && out) {
    out->clear();
    if (resp.GetPrefilledFormTasksBasicResult) *out = resp.GetPrefilledFormTasksBasicResult->PrefilledFormTask;
  }
  return rc;
}

struct SubscriptionSpec {
  std::string service_code = "4711";
  int service_edition = 1;
  std::string reportee = "910000306";
  sent__PeriodType period = sent__PeriodType__Monthly;
  int subscription_id = 0;  // > 0: update
};

inline int subscribe(Client<SubscriptionProxy>& c, const Identity& owner, const std::string& batch_id,
                     const std::string& system_user_code, const std::vector<SubscriptionSpec>& specs,
                     r09__ReceiptExternal** receipt) {
  struct soap* soap = c->soap;
  _subs__SubmitSubscriptionBasic req;
  _subs__SubmitSubscriptionBasicResponse resp;
  req.systemUserName = text(soap, owner.system_user);
  req.systemPassword = text(soap, owner.system_password);
  req.externalBatchId = text(soap, batch_id);
  req.subscriptionDetails = soap_new_sub09__SubscriptionDetails(soap);
  req.subscriptionDetails->SystemUserCode = text(soap, system_user_code);
  req.subscriptionDetails->Subscriptionlist = soap_new_sub09__ArrayOfSubscription(soap);
  const std::time_t start = 1767225600;  // 2026-01-01
  for (const auto& spec : specs) {
    auto* s = soap_new_sub09__Subscription(soap);
    s->ExternalServiceCode = text(soap, spec.service_code);
    s->ExternalServiceEditionCode = valueOf(soap, spec.service_edition);
    s->ReporteeId = text(soap, spec.reportee);
    s->StartDate = start;
    s->NextScheduleDate = start + 24 * 3600;
    s->NextDueDate = start + 14 * 24 * 3600;
    s->SubscriptionPeriodType = spec.period;
    if (spec.subscription_id > 0) s->SubscriptionID = valueOf(soap, spec.subscription_id);
    req.subscriptionDetails->Subscriptionlist->Subscription.push_back(s);
  }
  int rc = c->SubmitSubscriptionBasic(&req, resp);
  if (rc == SOAP_OK && receipt) *receipt = resp.SubmitSubscriptionBasicResult;
  return rc;
}

}  // namespace gateway::testing
