// CorrespondenceExternal (Basic; gateway extension): an end-user system lists the correspondences of
// a reportee it may act for, fetches one with its attachments (the first fetch records Read),
// confirms it (records Confirmed) and deletes it once AllowSystemDeleteDateTime has passed.
// Summaries and details carry OnBehalfOfOrgNr; details carry the ReplyOptions.
// Conversion only: rules live in core/correspondence_service.h.
#include <cstring>
#include <ctime>

#include "core/correspondence_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREICorrespondenceExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREICorrespondenceExternalBasicService;
using persistence::CorrespondenceStatus;

se1410__CorrespondenceStatusTypeV2 wireStatus(CorrespondenceStatus s) {
  switch (s) {
    case CorrespondenceStatus::kRead: return se1410__CorrespondenceStatusTypeV2__Read;
    case CorrespondenceStatus::kConfirmed: return se1410__CorrespondenceStatusTypeV2__Confirmed;
    default: return se1410__CorrespondenceStatusTypeV2__Created;
  }
}

xsd__base64Binary* toBase64(struct soap* soap, const std::string& bytes) {
  auto* b = soap_new_xsd__base64Binary(soap);
  b->__ptr = static_cast<unsigned char*>(soap_malloc(soap, bytes.size() + 1));
  std::memcpy(b->__ptr, bytes.data(), bytes.size());
  b->__size = static_cast<int>(bytes.size());
  return b;
}

template <typename T>
T* optionalTime(struct soap* soap, const std::optional<std::time_t>& t) {
  return t ? soapValue(soap, *t) : nullptr;
}

// The fields a summary and the details share (same names in both generated types).
template <class Wire>
void fillCommon(struct soap* soap, const persistence::CorrespondenceRecord& c, Wire* w) {
  w->AllowSystemDeleteDateTime = optionalTime<std::time_t>(soap, c.allow_system_delete_at);
  w->ConfirmedDate = optionalTime<std::time_t>(soap, c.confirmed_at);
  w->CorrespondenceID = soapValue(soap, static_cast<int>(c.id));
  w->CreatedDate = soapValue(soap, c.created_at);
  w->DueDateTime = optionalTime<std::time_t>(soap, c.due_at);
  w->MessageSender = soapString(soap, c.message_sender);
  w->MessageSummary = soapString(soap, c.summary);
  w->MessageTitle = soapString(soap, c.title);
  if (!c.on_behalf_of_org_nr.empty()) w->OnBehalfOfOrgNr = soapString(soap, c.on_behalf_of_org_nr);
  w->ReadDate = optionalTime<std::time_t>(soap, c.read_at);
  w->Reportee = soapString(soap, c.reportee);
  w->ServiceCode = soapString(soap, c.service_code);
  w->ServiceEditionCode = soapValue(soap, c.service_edition);
  w->Status = soapValue(soap, wireStatus(c.status()));
  w->VisibleDateTime = soapValue(soap, c.visible_at);
}

cex__CorrespondenceSummary* summaryOf(struct soap* soap, const persistence::CorrespondenceRecord& c) {
  auto* s = soap_new_cex__CorrespondenceSummary(soap);
  fillCommon(soap, c, s);
  return s;
}

cex__ArrayOfCorrespondenceReplyOption* replyOptionsOf(struct soap* soap, const persistence::CorrespondenceRecord& c) {
  using Kind = persistence::CorrespondenceReplyOptionRecord::Kind;
  auto* list = soap_new_cex__ArrayOfCorrespondenceReplyOption(soap);
  for (const auto& r : c.reply_options) {
    auto* wire = soap_new_cex__CorrespondenceReplyOption(soap);
    switch (r.kind) {
      case Kind::kService:
        wire->Type = soapValue(soap, cex__ReplyOptionType__Service);
        wire->ServiceCode = soapString(soap, r.service_code);
        if (r.service_edition) wire->ServiceEditionCode = soapValue(soap, *r.service_edition);
        break;
      case Kind::kArchiveReference:
        wire->Type = soapValue(soap, cex__ReplyOptionType__ArchiveReference);
        wire->ArchiveReference = soapString(soap, r.archive_reference);
        break;
      case Kind::kUrl:
        wire->Type = soapValue(soap, cex__ReplyOptionType__URL);
        wire->LinkURL = soapString(soap, r.link_url);
        wire->LinkText = soapString(soap, r.link_text);
        break;
    }
    list->CorrespondenceReplyOption.push_back(wire);
  }
  return list;
}

cex__CorrespondenceDetails* detailsOf(struct soap* soap, const persistence::CorrespondenceRecord& c,
                                      const std::vector<std::string>* attachment_data) {
  auto* d = soap_new_cex__CorrespondenceDetails(soap);
  fillCommon(soap, c, d);
  d->AllowForwarding = soapValue(soap, c.allow_forwarding);
  d->ArchiveReference = soapString(soap, c.archive_reference);
  if (attachment_data) {
    d->BinaryAttachments = soap_new_cex__ArrayOfCorrespondenceAttachment(soap);
    for (std::size_t i = 0; i < c.attachments.size() && i < attachment_data->size(); ++i) {
      const auto& a = c.attachments[i];
      auto* wire = soap_new_cex__CorrespondenceAttachment(soap);
      wire->Data = toBase64(soap, (*attachment_data)[i]);
      wire->FileName = soapString(soap, a.file_name);
      wire->FunctionType = soapValue(soap, a.function_type == "Invoice" ? sub09__AttachmentFunctionType__Invoice
                                                                        : sub09__AttachmentFunctionType__Unspecified);
      wire->Name = soapString(soap, a.name);
      wire->SendersReference = soapString(soap, a.senders_reference);
      d->BinaryAttachments->CorrespondenceAttachment.push_back(wire);
    }
    d->XmlAttachments = soap_new_cex__ArrayOfCorrespondenceXmlAttachment(soap);
    for (const auto& x : c.xml_attachments) {
      auto* wire = soap_new_cex__CorrespondenceXmlAttachment(soap);
      wire->DataFormatId = soapString(soap, x.data_format_id);
      if (x.data_format_version) wire->DataFormatVersion = soapValue(soap, *x.data_format_version);
      wire->FormDataXml = soapString(soap, x.form_data);
      wire->SendersReference = soapString(soap, x.senders_reference);
      d->XmlAttachments->CorrespondenceXmlAttachment.push_back(wire);
    }
  }
  if (c.case_id) d->CaseID = soapValue(soap, *c.case_id);
  d->CustomMessageData = soapString(soap, c.custom_message_data);
  d->LanguageCode = soapString(soap, c.language_code);
  d->MessageBody = soapString(soap, c.body);
  d->ReplyOptions = replyOptionsOf(soap, c);
  return d;
}

class CorrespondenceExternal final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetCorrespondenceListBasic(_cexa__GetCorrespondenceListBasic* req,
                                 _cexa__GetCorrespondenceListBasicResponse& resp) override {
    constexpr const char* kOp = "GetCorrespondenceListBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), kOp);
    core::InboxFilter filter;
    if (const cex__CorrespondenceListFilter* f = req->filter) {
      filter.created_after = optionalOf(f->CreatedAfterDate);
      filter.created_before = optionalOf(f->CreatedBeforeDate);
      filter.service_code = optionalOf(f->ServiceCode);
      filter.service_edition = optionalOf(f->ServiceEditionCode);
      if (f->Status) {
        switch (*f->Status) {
          case se1410__CorrespondenceStatusTypeV2__Created: filter.status = CorrespondenceStatus::kCreated; break;
          case se1410__CorrespondenceStatusTypeV2__Read: filter.status = CorrespondenceStatus::kRead; break;
          case se1410__CorrespondenceStatusTypeV2__Confirmed: filter.status = CorrespondenceStatus::kConfirmed; break;
          case se1410__CorrespondenceStatusTypeV2__Reserved: filter.only_reserved = true; break;
          default: break;
        }
      }
    }
    auto page = core_.correspondences().inbox(system.value(), req->reportee, filter, std::time(nullptr));
    if (!page.ok()) return fault(page.status(), kOp);
    auto* result = soap_new_cex__CorrespondenceListResult(soap);
    result->Correspondences = soap_new_cex__ArrayOfCorrespondenceSummary(soap);
    for (const auto& c : page->items) result->Correspondences->CorrespondenceSummary.push_back(summaryOf(soap, c));
    result->LimitReached = soapValue(soap, page->limit_reached);
    resp.GetCorrespondenceListBasicResult = result;
    return SOAP_OK;
  }

  int GetCorrespondenceBasic(_cexa__GetCorrespondenceBasic* req, _cexa__GetCorrespondenceBasicResponse& resp) override {
    constexpr const char* kOp = "GetCorrespondenceBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), kOp);
    auto fetched =
        core_.correspondences().fetch(system.value(), req->reportee, req->correspondenceID, std::time(nullptr));
    if (!fetched.ok()) return fault(fetched.status(), kOp);
    resp.GetCorrespondenceBasicResult = detailsOf(soap, fetched->record, &fetched->attachment_data);
    return SOAP_OK;
  }

  int ConfirmCorrespondenceBasic(_cexa__ConfirmCorrespondenceBasic* req,
                                 _cexa__ConfirmCorrespondenceBasicResponse& resp) override {
    constexpr const char* kOp = "ConfirmCorrespondenceBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), kOp);
    auto confirmed =
        core_.correspondences().confirm(system.value(), req->reportee, req->correspondenceID, std::time(nullptr));
    if (!confirmed.ok()) return fault(confirmed.status(), kOp);
    resp.ConfirmCorrespondenceBasicResult = detailsOf(soap, confirmed.value(), nullptr);
    return SOAP_OK;
  }

  int DeleteCorrespondenceBasic(_cexa__DeleteCorrespondenceBasic* req,
                                _cexa__DeleteCorrespondenceBasicResponse&) override {
    constexpr const char* kOp = "DeleteCorrespondenceBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kEndUser);
    if (!system.ok()) return fault(system.status(), kOp);
    Status removed =
        core_.correspondences().remove(system.value(), req->reportee, req->correspondenceID, std::time(nullptr));
    if (!removed.ok()) return fault(removed, kOp);
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeCorrespondenceExternalEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<CorrespondenceExternal>>(
      "/IntermediaryExternal/CorrespondenceExternalBasic.svc", "CorrespondenceExternalBasic.wsdl", core);
}

}  // namespace gateway::services
