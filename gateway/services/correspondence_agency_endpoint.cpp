// CorrespondenceAgency (Basic): service owner systems send messages to a reportee's inbox
// (InsertCorrespondenceBasic, V2) and follow their status (GetCorrespondenceStatusDetailsBasic, V2,
// V3 with LimitReached; GetCorrespondenceStatusHistoryBasic, a message contract whose credentials
// are the SOAP headers SystemUserName/SystemPassword). CreateSimpleCorrespondenceServiceBasic
// registers the owner's correspondence service. Conversion only: rules live in
// core/correspondence_service.h. SdpOptions (Digital Post) are validated and stored; the gateway has
// no digital-post provider, so each digital letter's status is NoMailBox (core/sdp_forwarder.h). V3
// reports it in SdpStatusInformation when the filter has SdpSearchOptions; the status history
// reports it for the correspondences asked for.
#include <cstring>
#include <ctime>

#include "core/correspondence_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/receipt_mapping.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREICorrespondenceAgencyExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREICorrespondenceAgencyExternalBasicService;
namespace cr = core::correspondence;
namespace nr = core::notification;
using persistence::CorrespondenceStatus;

std::optional<nr::TransportType> transportOf(const fe__TransportType* wire) {
  if (!wire) return std::nullopt;
  switch (*wire) {
    case fe__TransportType__SMS: return nr::TransportType::kSms;
    case fe__TransportType__Email: return nr::TransportType::kEmail;
    case fe__TransportType__IM: return nr::TransportType::kIm;
    case fe__TransportType__Both: return nr::TransportType::kBoth;
    case fe__TransportType__SMSPreferred: return nr::TransportType::kSmsPreferred;
    case fe__TransportType__EmailPreferred: return nr::TransportType::kEmailPreferred;
  }
  return std::nullopt;
}

std::vector<cr::NotificationRequest> notificationsOf(const ntf__NotificationBEList* list) {
  std::vector<cr::NotificationRequest> out;
  if (!list) return out;
  for (const ntf__Notification* n : list->Notification) {
    if (!n) continue;
    cr::NotificationRequest r;
    r.from_address = optionalOf(n->FromAddress);
    r.shipment = optionalOf(n->ShipmentDateTime);
    r.language_code = optionalOf(n->LanguageCode);
    r.notification_type = optionalOf(n->NotificationType);
    if (n->ReceiverEndPoints) {
      for (const ntf__ReceiverEndPoint* e : n->ReceiverEndPoints->ReceiverEndPoint) {
        if (e) r.endpoints.push_back({transportOf(e->TransportType), textOf(e->ReceiverAddress)});
      }
    }
    if (n->TextTokens) {
      for (const ntf__TextToken* t : n->TextTokens->TextToken) {
        if (t) r.tokens.push_back({optionalOf(t->TokenNum), textOf(t->TokenValue)});
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string bytesOf(const xsd__base64Binary* data) {
  if (!data || !data->__ptr || data->__size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(data->__ptr), static_cast<std::size_t>(data->__size));
}

const char* functionTypeName(const sub09__AttachmentFunctionType* t) {
  return t && *t == sub09__AttachmentFunctionType__Invoice ? "Invoice" : "Unspecified";
}

const char* destinationName(const cs10__UserTypeRestriction* t) {
  if (!t) return "Default";
  switch (*t) {
    case cs10__UserTypeRestriction__PortalOnly: return "PortalOnly";
    case cs10__UserTypeRestriction__EndUserSystemOnly: return "EndUserSystemOnly";
    case cs10__UserTypeRestriction__ShowToAll: return "ShowToAll";
    default: return "Default";
  }
}

std::vector<cr::ReplyOptionInput> replyOptionsOf(const cs09__CorrespondenceInsertLinkBEList* list) {
  std::vector<cr::ReplyOptionInput> out;
  if (!list) return out;
  for (const cs09__ReplyOption* r : list->ReplyOption) {
    if (!r) continue;
    cr::ReplyOptionInput in;
    if (r->Service) in.service = cr::ReplyOptionInput::ServiceLink{optionalOf(r->Service->ServiceCode),
                                                                  optionalOf(r->Service->ServiceEdition)};
    if (r->ArchiveReference) in.archive = cr::ReplyOptionInput::ArchiveLink{optionalOf(r->ArchiveReference->ArchiveRef)};
    if (r->URL) in.url = cr::ReplyOptionInput::UrlLink{optionalOf(r->URL->LinkText), optionalOf(r->URL->LinkURL)};
    out.push_back(std::move(in));
  }
  return out;
}

template <class Wire>
std::optional<cr::SdpNotificationInput> sdpNotificationOf(const Wire* n, std::string* Wire::*address) {
  if (!n) return std::nullopt;
  cr::SdpNotificationInput in;
  in.address = optionalOf(n->*address);
  in.text = optionalOf(n->NotificationText);
  if (n->Repetitions) in.repetitions.assign(n->Repetitions->DaysDelayed.begin(), n->Repetitions->DaysDelayed.end());
  return in;
}

std::optional<cr::SdpOptionsInput> sdpOptionsOf(const cs1602__SdpOptions* o) {
  if (!o) return std::nullopt;
  cr::SdpOptionsInput in;
  in.backup_altinn = optionalOf(o->BackupAltinn);
  in.not_sensitive_title = optionalOf(o->NotSensitiveTitle);
  in.primary_document_file_name = optionalOf(o->PrimaryDocumentFileName);
  if (o->SdpNotifications) {
    in.email = sdpNotificationOf(o->SdpNotifications->EmailNotification, &cs1602__SdpEmailNotification::EmailAddress);
    in.sms = sdpNotificationOf(o->SdpNotifications->SmsNotification, &cs1602__SdpSmsNotification::MobileNumber);
  }
  in.setting = o->SdpSetting == cs1602__SdpSetting__CopyAltinn ? "CopyAltinn" : "ForwardOnly";
  in.title = optionalOf(o->Title);
  in.visible = optionalOf(o->VisibleDateTime);
  return in;
}

// The fields InsertCorrespondence and InsertCorrespondenceV2 share.
template <typename Wire>
void commonFields(const Wire& c, cr::CorrespondenceInput& in) {
  in.service_code = optionalOf(c.ServiceCode);
  in.service_edition = optionalOf(c.ServiceEdition);
  in.reportee = optionalOf(c.Reportee);
  in.visible = optionalOf(c.VisibleDateTime);
  in.allow_system_delete = optionalOf(c.AllowSystemDeleteDateTime);
  in.due = optionalOf(c.DueDateTime);
  in.archive_reference = optionalOf(c.ArchiveReference);
  in.notifications = notificationsOf(c.Notifications);
  in.reply_options = replyOptionsOf(c.ReplyOptions);
  if (c.Content) {
    in.language_code = optionalOf(c.Content->LanguageCode);
    in.title = optionalOf(c.Content->MessageTitle);
    in.summary = optionalOf(c.Content->MessageSummary);
    in.body = optionalOf(c.Content->MessageBody);
    in.custom_message_data = optionalOf(c.Content->CustomMessageData);
  }
}

cr::CorrespondenceInput inputOf(const cs09__InsertCorrespondence* c) {
  cr::CorrespondenceInput in;
  if (!c) return in;
  commonFields(*c, in);
  if (c->Content && c->Content->Attachments) {
    const cs09__Attachments& a = *c->Content->Attachments;
    if (a.BinaryAttachments) {
      for (const rel09__BinaryAttachment* b : a.BinaryAttachments->BinaryAttachment) {
        if (!b) continue;
        in.attachments.push_back({textOf(b->Name), textOf(b->FileName), textOf(b->SendersReference),
                                  functionTypeName(b->FunctionType), "Default", b->Encrypted && *b->Encrypted,
                                  bytesOf(b->Data)});
      }
    }
    if (a.XmlAttachment) {
      in.xml_attachments.push_back(
          {textOf(a.XmlAttachment->SendersReference), textOf(a.XmlAttachment->FormDataXml), "", {}, {}});
    }
  }
  return in;
}

cr::CorrespondenceInput inputOf(const cs10__InsertCorrespondenceV2* c) {
  cr::CorrespondenceInput in;
  if (!c) return in;
  commonFields(*c, in);
  in.allow_forwarding = optionalOf(c->AllowForwarding);
  in.case_id = optionalOf(c->CaseID);
  in.message_sender = optionalOf(c->MessageSender);
  in.is_reservable = optionalOf(c->IsReservable);
  in.on_behalf_of_org_nr = optionalOf(c->OnBehalfOfOrgNr);
  in.sdp = sdpOptionsOf(c->SdpOptions);
  if (c->Content && c->Content->Attachments) {
    const cs10__AttachmentsV2& a = *c->Content->Attachments;
    if (a.BinaryAttachments) {
      for (const rel10__BinaryAttachmentV2* b : a.BinaryAttachments->BinaryAttachmentV2) {
        if (!b) continue;
        in.attachments.push_back({textOf(b->Name), textOf(b->FileName), textOf(b->SendersReference),
                                  functionTypeName(b->FunctionType), destinationName(b->DestinationType),
                                  b->Encrypted && *b->Encrypted, bytesOf(b->Data)});
      }
    }
    if (a.XmlAttachmentList) {
      for (const cs10__XmlAttachmentV2* x : a.XmlAttachmentList->XmlAttachmentV2) {
        if (!x) continue;
        in.xml_attachments.push_back({textOf(x->SendersReference), textOf(x->FormDataXml), textOf(x->DataFormatId),
                                      optionalOf(x->DataFormatVersion), optionalOf(x->LogicalFormInFormSetID)});
      }
    }
  }
  return in;
}

// AltinnLocalizedErrorMessage follows the message's LanguageCode (0 = none or unsupported).
int faultLanguageOf(const cr::CorrespondenceInput& in) {
  if (!in.language_code) return 0;
  return cr::languageIdOf(*in.language_code).value_or(0);
}

fe__TransportType wireTransport(persistence::OutboxTransport t) {
  return t == persistence::OutboxTransport::kSms ? fe__TransportType__SMS : fe__TransportType__Email;
}

// Each notification message of a correspondence: recipient, transport and when it was handed to
// the relay (SentDate absent while pending or after it was given up).
cs1311__ArrayOfNotification* notificationsOf(struct soap* soap, const persistence::CorrespondenceStatusRecord& r) {
  auto* list = soap_new_cs1311__ArrayOfNotification(soap);
  for (const auto& n : r.notifications) {
    auto* wire = soap_new_cs1311__Notification(soap);
    wire->Recipient = soapString(soap, n.recipient);
    if (n.sent_at) wire->SentDate = soapValue(soap, *n.sent_at);
    wire->TransportType = soapValue(soap, wireTransport(n.transport));
    list->Notification.push_back(wire);
  }
  return list;
}

// (status, time) in order: Created, then Read, then Confirmed, as far as reached.
std::vector<std::pair<CorrespondenceStatus, std::time_t>> changesOf(const persistence::CorrespondenceRecord& c) {
  std::vector<std::pair<CorrespondenceStatus, std::time_t>> out{{CorrespondenceStatus::kCreated, c.created_at}};
  if (c.read_at) out.emplace_back(CorrespondenceStatus::kRead, *c.read_at);
  if (c.confirmed_at) out.emplace_back(CorrespondenceStatus::kConfirmed, *c.confirmed_at);
  return out;
}

se1311__CorrespondenceStatusType wireV1(CorrespondenceStatus s) {
  switch (s) {
    case CorrespondenceStatus::kRead: return se1311__CorrespondenceStatusType__Read;
    case CorrespondenceStatus::kConfirmed: return se1311__CorrespondenceStatusType__Confirmed;
    default: return se1311__CorrespondenceStatusType__Created;
  }
}

se1410__CorrespondenceStatusTypeV2 wireV2(CorrespondenceStatus s) {
  switch (s) {
    case CorrespondenceStatus::kRead: return se1410__CorrespondenceStatusTypeV2__Read;
    case CorrespondenceStatus::kConfirmed: return se1410__CorrespondenceStatusTypeV2__Confirmed;
    default: return se1410__CorrespondenceStatusTypeV2__Created;
  }
}

cs1410__ArrayOfStatusV2* statusListV2(struct soap* soap, const persistence::CorrespondenceRepository::StatusPage& page) {
  auto* list = soap_new_cs1410__ArrayOfStatusV2(soap);
  for (const auto& item : page.items) {
    const auto& c = item.correspondence;
    auto* s = soap_new_cs1410__StatusV2(soap);
    s->CorrespondenceID = soapValue(soap, static_cast<int>(c.id));
    s->CreatedDate = soapValue(soap, c.created_at);
    s->Notifications = notificationsOf(soap, item);
    s->Reportee = soapString(soap, c.reportee);
    s->SendersReference = soapString(soap, c.external_shipment_reference);
    s->StatusChanges = soap_new_cs1410__ArrayOfStatusChangeV2(soap);
    for (const auto& [status, at] : changesOf(c)) {
      auto* change = soap_new_cs1410__StatusChangeV2(soap);
      change->StatusDate = soapValue(soap, at);
      change->StatusType = soapValue(soap, wireV2(status));
      s->StatusChanges->StatusChangeV2.push_back(change);
    }
    list->StatusV2.push_back(s);
  }
  return list;
}

std::optional<CorrespondenceStatus> fromV1(const se1311__CorrespondenceStatusType* s) {
  if (!s) return std::nullopt;
  switch (*s) {
    case se1311__CorrespondenceStatusType__Read: return CorrespondenceStatus::kRead;
    case se1311__CorrespondenceStatusType__Confirmed: return CorrespondenceStatus::kConfirmed;
    default: return CorrespondenceStatus::kCreated;
  }
}

// V2/V3 CurrentStatus: NotSet filters nothing; Reserved matches nothing (the gateway never reserves).
void fromV2(const se1410__CorrespondenceStatusTypeV2* s, core::CorrespondenceStatusFilter& filter) {
  if (!s) return;
  switch (*s) {
    case se1410__CorrespondenceStatusTypeV2__Created: filter.current_status = CorrespondenceStatus::kCreated; break;
    case se1410__CorrespondenceStatusTypeV2__Read: filter.current_status = CorrespondenceStatus::kRead; break;
    case se1410__CorrespondenceStatusTypeV2__Confirmed: filter.current_status = CorrespondenceStatus::kConfirmed; break;
    case se1410__CorrespondenceStatusTypeV2__Reserved: filter.only_reserved = true; break;
    default: break;
  }
}

cs1602__SdpStatusType wireSdp(persistence::SdpStatus s) {
  switch (s) {
    case persistence::SdpStatus::kSentMeldingsformidler: return cs1602__SdpStatusType__Sent_USCOREMeldingsformidler;
    case persistence::SdpStatus::kDeliveredEndUser: return cs1602__SdpStatusType__Delivered_USCOREEndUser;
    case persistence::SdpStatus::kDeliveryEndUserFailed:
      return cs1602__SdpStatusType__Delivery_USCOREEndUser_USCOREFailed;
    case persistence::SdpStatus::kReserved: return cs1602__SdpStatusType__Reserved;
    case persistence::SdpStatus::kNoMailBox: return cs1602__SdpStatusType__NoMailBox;
    default: return cs1602__SdpStatusType__Unknown;
  }
}

// The digital letters among `page`'s correspondences (those sent with SdpOptions): SdpId is the
// correspondence id (one letter per correspondence), Reference its ExternalShipmentReference, the
// history the one status recorded.
cs1602__SdpStatusInformation* sdpInformation(struct soap* soap,
                                             const persistence::CorrespondenceRepository::StatusPage& page) {
  auto* info = soap_new_cs1602__SdpStatusInformation(soap);
  info->LimitReached = soapValue(soap, page.limit_reached);
  info->SdpStatusDetailsList = soap_new_cs1602__ArrayOfSdpStatusDetails(soap);
  for (const auto& item : page.items) {
    const auto& c = item.correspondence;
    if (!c.sdp) continue;
    auto* d = soap_new_cs1602__SdpStatusDetails(soap);
    d->CorrespondenceId = soapValue(soap, static_cast<int>(c.id));
    d->CreatedDateTime = soapValue(soap, c.created_at);
    d->LastChangedDateTime = soapValue(soap, c.sdp->status_at);
    d->Reference = soapString(soap, c.external_shipment_reference);
    d->Reportee = soapString(soap, c.reportee);
    d->SdpId = soapValue(soap, static_cast<int>(c.id));
    d->StatusHistory = soap_new_cs1602__ArrayOfSdpStatusChange(soap);
    auto* change = soap_new_cs1602__SdpStatusChange(soap);
    change->Status = soapValue(soap, wireSdp(c.sdp->status));
    change->StatusDateTime = soapValue(soap, c.sdp->status_at);
    d->StatusHistory->SdpStatusChange.push_back(change);
    info->SdpStatusDetailsList->SdpStatusDetails.push_back(d);
  }
  return info;
}

template <typename Filter>
core::CorrespondenceStatusFilter filterOf(const Filter& f) {
  core::CorrespondenceStatusFilter filter;
  filter.service_code = optionalOf(f.ServiceCode);
  filter.service_edition = f.ServiceEditionCode;
  filter.reportee = optionalOf(f.Reportee);
  filter.senders_reference = optionalOf(f.SendersReference);
  filter.created_after = optionalOf(f.CreatedAfterDate);
  filter.created_before = optionalOf(f.CreatedBeforeDate);
  filter.notification_sent = optionalOf(f.NotificationSent);
  return filter;
}

class CorrespondenceAgency final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int InsertCorrespondenceBasic(_corr__InsertCorrespondenceBasic* req,
                                _corr__InsertCorrespondenceBasicResponse& resp) override {
    constexpr const char* kOp = "InsertCorrespondenceBasic";
    auto system = authenticate(req ? req->systemUserName : nullptr, req ? req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    cr::CorrespondenceInput in = inputOf(req->Correspondence);
    in.system_user_code = optionalOf(req->SystemUserCode);
    in.system_user_code_required = false;
    in.external_shipment_reference = optionalOf(req->ExternalReference);
    auto receipt = core_.correspondences().insert(system.value(), in, std::time(nullptr));
    if (!receipt.ok()) return toSoapFault(soap, receipt.status(), kOp, faultLanguageOf(in));
    resp.InsertCorrespondenceBasicResult = toReceiptExternal(soap, receipt.value());
    return SOAP_OK;
  }

  int InsertCorrespondenceBasicV2(_corr__InsertCorrespondenceBasicV2* req,
                                  _corr__InsertCorrespondenceBasicV2Response& resp) override {
    constexpr const char* kOp = "InsertCorrespondenceBasicV2";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    cr::CorrespondenceInput in = inputOf(req->Correspondence);
    in.system_user_code = req->SystemUserCode;
    in.external_shipment_reference = req->ExternalShipmentReference;
    auto receipt = core_.correspondences().insert(system.value(), in, std::time(nullptr));
    if (!receipt.ok()) return toSoapFault(soap, receipt.status(), kOp, faultLanguageOf(in));
    resp.InsertCorrespondenceBasicV2Result = toReceiptExternal(soap, receipt.value());
    return SOAP_OK;
  }

  int GetCorrespondenceStatusDetailsBasic(_corr__GetCorrespondenceStatusDetailsBasic* req,
                                          _corr__GetCorrespondenceStatusDetailsBasicResponse& resp) override {
    constexpr const char* kOp = "GetCorrespondenceStatusDetailsBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    core::CorrespondenceStatusFilter filter;
    if (req->filterCriteria) {
      filter = filterOf(*req->filterCriteria);
      filter.current_status = fromV1(req->filterCriteria->CurrentStatus);
    }
    auto page = core_.correspondences().statusDetails(system.value(), filter);
    if (!page.ok()) return fault(page.status(), kOp);
    auto* result = soap_new_cs1311__CorrespondenceStatusResult(soap);
    result->LimitReached = soapValue(soap, page->limit_reached);
    result->ServiceCode = soapString(soap, filter.service_code.value_or(""));
    result->ServiceEditionCode = soapValue(soap, filter.service_edition.value_or(0));
    result->StatusList = soap_new_cs1311__ArrayOfStatus(soap);
    for (const auto& item : page->items) {
      const auto& c = item.correspondence;
      auto* s = soap_new_cs1311__Status(soap);
      s->CorrespondenceID = soapValue(soap, static_cast<int>(c.id));
      s->CreatedDate = soapValue(soap, c.created_at);
      s->Notifications = notificationsOf(soap, item);
      s->Reportee = soapString(soap, c.reportee);
      s->SendersReference = soapString(soap, c.external_shipment_reference);
      s->StatusChanges = soap_new_cs1311__ArrayOfStatusChange(soap);
      for (const auto& [status, at] : changesOf(c)) {
        auto* change = soap_new_cs1311__StatusChange(soap);
        change->StatusDate = soapValue(soap, at);
        change->StatusType = soapValue(soap, wireV1(status));
        s->StatusChanges->StatusChange.push_back(change);
      }
      result->StatusList->Status.push_back(s);
    }
    resp.GetCorrespondenceStatusDetailsBasicResult = result;
    return SOAP_OK;
  }

  // V2 and V3 take the same request (credentials + V2 filter): authenticate (the system into
  // `caller` when given), read the filter into `filter`, query (only the digital letters when
  // `only_digital_letters`).
  template <class Request>
  Result<persistence::CorrespondenceRepository::StatusPage> statusDetailsV2(
      Request* req, core::CorrespondenceStatusFilter& filter, persistence::SystemRecord* caller = nullptr,
      bool only_digital_letters = false) {
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return system.status();
    if (caller) *caller = system.value();
    if (req->filterCriteria) {
      filter = filterOf(*req->filterCriteria);
      fromV2(req->filterCriteria->CurrentStatus, filter);
    }
    filter.only_digital_letters = only_digital_letters;
    return core_.correspondences().statusDetails(system.value(), filter);
  }

  int GetCorrespondenceStatusDetailsBasicV2(_corr__GetCorrespondenceStatusDetailsBasicV2* req,
                                            _corr__GetCorrespondenceStatusDetailsBasicV2Response& resp) override {
    constexpr const char* kOp = "GetCorrespondenceStatusDetailsBasicV2";
    core::CorrespondenceStatusFilter filter;
    auto page = statusDetailsV2(req, filter);
    if (!page.ok()) return fault(page.status(), kOp);
    auto* result = soap_new_cs1410__CorrespondenceStatusResultV2(soap);
    result->LimitReached = soapValue(soap, page->limit_reached);
    result->ServiceCode = soapString(soap, filter.service_code.value_or(""));
    result->ServiceEditionCode = soapValue(soap, filter.service_edition.value_or(0));
    result->StatusList = statusListV2(soap, page.value());
    resp.GetCorrespondenceStatusDetailsBasicV2Result = result;
    return SOAP_OK;
  }

  int GetCorrespondenceStatusDetailsBasicV3(_corr__GetCorrespondenceStatusDetailsBasicV3* req,
                                            _corr__GetCorrespondenceStatusDetailsBasicV3Response& resp) override {
    constexpr const char* kOp = "GetCorrespondenceStatusDetailsBasicV3";
    // SdpSearchOptions: the digital letters are searched (same criteria) and reported; the
    // correspondences only when IncludeCorrespondence. Without it, as V2 plus an empty SDP part.
    const cs1602__SdpStatusSearchOptions* sdp_search = req && req->filterCriteria ? req->filterCriteria->SdpSearchOptions
                                                                                   : nullptr;
    const bool only_letters = sdp_search && !sdp_search->IncludeCorrespondence;
    core::CorrespondenceStatusFilter filter;
    persistence::SystemRecord caller;
    auto page = statusDetailsV2(req, filter, &caller, only_letters);
    if (!page.ok()) return fault(page.status(), kOp);
    auto* result = soap_new_cs1602__CorrespondenceStatusResultV3(soap);
    if (!only_letters) result->CorrespondenceStatusInformation = statusInformation(page.value());
    if (only_letters) {
      result->SdpStatusInformation = sdpInformation(soap, page.value());
    } else if (sdp_search) {
      filter.only_digital_letters = true;
      auto letters = core_.correspondences().statusDetails(caller, filter);
      if (!letters.ok()) return fault(letters.status(), kOp);
      result->SdpStatusInformation = sdpInformation(soap, letters.value());
    } else {
      result->SdpStatusInformation = emptySdp();
    }
    result->ServiceCode = soapString(soap, filter.service_code.value_or(""));
    result->ServiceEditionCode = soapValue(soap, filter.service_edition.value_or(0));
    resp.GetCorrespondenceStatusDetailsBasicV3Result = result;
    return SOAP_OK;
  }

  int GetCorrespondenceStatusHistoryBasic(_corr__CorrespondenceStatusHistoryRequest* req,
                                          _corr__CorrespondenceStatusHistoryResult& resp) override {
    constexpr const char* kOp = "GetCorrespondenceStatusHistoryBasic";
    const SOAP_ENV__Header* header = soap->header;
    auto system = authenticate(header ? header->corr__SystemUserName : nullptr,
                               header ? header->corr__SystemPassword : nullptr, core::RequiredRole::kServiceOwner);
    soap->header = nullptr;  // the credentials never go back out in the response headers
    if (!system.ok()) return fault(system.status(), kOp);
    std::vector<std::string> references;
    if (req && req->CorrespondenceSendersReferences) {
      for (const std::string& r : req->CorrespondenceSendersReferences->string) references.push_back(r);
    }
    auto page = core_.correspondences().statusHistory(system.value(), references);
    if (!page.ok()) return fault(page.status(), kOp);
    resp.CorrespondenceStatusInformation = statusInformation(page.value());
    resp.SdpStatusInformation = sdpInformation(soap, page.value());
    return SOAP_OK;
  }

  int CreateSimpleCorrespondenceServiceBasic(_corr__CreateSimpleCorrespondenceServiceBasic* req,
                                             _corr__CreateSimpleCorrespondenceServiceBasicResponse& resp) override {
    constexpr const char* kOp = "CreateSimpleCorrespondenceServiceBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    auto service = core_.correspondences().createSimpleService(system.value(), req->templateServiceCode,
                                                               req->templateServiceEditionCode);
    if (!service.ok()) return fault(service.status(), kOp);
    auto* info = soap_new_csi__CorrespondenceServiceInfo(soap);
    info->ExternalServiceCode = soapString(soap, service->code);
    info->ExternalServiceEditionCode = soapValue(soap, service->edition);
    resp.CreateSimpleCorrespondenceServiceBasicResult = info;
    return SOAP_OK;
  }

 private:
  cs1602__CorrespondenceStatusInformation* statusInformation(
      const persistence::CorrespondenceRepository::StatusPage& page) {
    auto* info = soap_new_cs1602__CorrespondenceStatusInformation(soap);
    info->CorrespondenceStatusDetailsList = statusListV2(soap, page);
    info->LimitReached = soapValue(soap, page.limit_reached);
    return info;
  }
  cs1602__SdpStatusInformation* emptySdp() {
    auto* sdp = soap_new_cs1602__SdpStatusInformation(soap);
    sdp->LimitReached = soapValue(soap, false);
    sdp->SdpStatusDetailsList = soap_new_cs1602__ArrayOfSdpStatusDetails(soap);
    return sdp;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeCorrespondenceAgencyEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<CorrespondenceAgency>>(
      "/ServiceEngineExternal/CorrespondenceAgencyExternalBasic.svc", "CorrespondenceAgencyExternalBasic.wsdl", core);
}

}  // namespace gateway::services
