// NotificationAgency (Basic): service owner systems send standalone notifications (e-mail, SMS)
// built from registered templates. V1 returns nothing, V2 a summary text, V3 the resolved endpoints.
// Roles, Service and UseServiceOwnerShortNameAsSenderOfSms are honoured (core/notification_service.h).
// Fault texts follow the LanguageID of the request's first notification.
#include "core/notification_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREINotificationAgencyExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREINotificationAgencyExternalBasicService;
namespace nr = core::notification;

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

nr::NotificationInput toInput(const ntf__StandaloneNotification& wire) {
  nr::NotificationInput in;
  in.from_address = optionalOf(wire.FromAddress);
  in.is_reservable = optionalOf(wire.IsReservable);
  in.language_id = optionalOf(wire.LanguageID);
  in.notification_type = optionalOf(wire.NotificationType);
  in.reportee = optionalOf(wire.ReporteeNumber);
  in.shipment = optionalOf(wire.ShipmentDateTime);
  if (wire.ReceiverEndPoints) {
    for (const ntf__ReceiverEndPoint* e : wire.ReceiverEndPoints->ReceiverEndPoint) {
      if (e) in.endpoints.push_back({transportOf(e->TransportType), textOf(e->ReceiverAddress)});
    }
  }
  if (wire.TextTokens) {
    for (const ntf__TextToken* t : wire.TextTokens->TextToken) {
      if (t) in.tokens.push_back({optionalOf(t->TokenNum), textOf(t->TokenValue)});
    }
  }
  if (wire.Roles) in.roles = wire.Roles->RoleName;
  if (wire.Service) in.service = nr::ServiceInput{textOf(wire.Service->ServiceCode), wire.Service->ServiceEdition};
  in.sms_sender_is_owner = optionalOf(wire.UseServiceOwnerShortNameAsSenderOfSms).value_or(false);
  return in;
}

fe__TransportType wireTransport(persistence::OutboxTransport t) {
  return t == persistence::OutboxTransport::kSms ? fe__TransportType__SMS : fe__TransportType__Email;
}

class NotificationAgency final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int SendStandaloneNotificationBasic(_nas__SendStandaloneNotificationBasic* req,
                                      _nas__SendStandaloneNotificationBasicResponse&) override {
    auto sent = send(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                     req ? req->standaloneNotifications : nullptr, "SendStandaloneNotificationBasic");
    return sent.ok() ? SOAP_OK : SOAP_FAULT;
  }

  int SendStandaloneNotificationBasicV2(_nas__SendStandaloneNotificationBasicV2* req,
                                        _nas__SendStandaloneNotificationBasicV2Response& resp) override {
    auto sent = send(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                     req ? req->standaloneNotifications : nullptr, "SendStandaloneNotificationBasicV2");
    if (!sent.ok()) return SOAP_FAULT;
    std::size_t messages = 0, reserved = 0;
    for (const auto& r : sent.value()) {
      messages += r.endpoints.size();
      if (r.reserved) ++reserved;
    }
    std::string text = "OK: " + std::to_string(sent->size()) + " notification(s) accepted, " +
                       std::to_string(messages) + " message(s) queued";
    if (reserved) text += ", " + std::to_string(reserved) + " not sent (recipient reserved)";
    resp.SendStandaloneNotificationBasicV2Result = soapString(soap, text);
    return SOAP_OK;
  }

  int SendStandaloneNotificationBasicV3(_nas__SendStandaloneNotificationBasicV3* req,
                                        _nas__SendStandaloneNotificationBasicV3Response& resp) override {
    auto sent = send(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                     req ? req->standaloneNotifications : nullptr, "SendStandaloneNotificationBasicV3");
    if (!sent.ok()) return SOAP_FAULT;
    auto* list = soap_new_ntf15__SendNotificationResultList(soap);
    for (const core::NotificationResult& r : sent.value()) {
      auto* result = soap_new_ntf15__NotificationResult(soap);
      result->NotificationType = soapString(soap, r.notification_type);
      result->ReporteeNumber = soapString(soap, r.reportee);
      result->EndPoints = soap_new_ntf15__EndPointResultList(soap);
      for (const core::NotificationEndpointResult& e : r.endpoints) {
        auto* endpoint = soap_new_ntf15__EndPointResult(soap);
        endpoint->ReceiverAddress = soapString(soap, e.address);
        endpoint->RetrieveFromProfile = soapValue(soap, e.from_profile);
        endpoint->TransportType = soapValue(soap, wireTransport(e.transport));
        result->EndPoints->EndPointResult.push_back(endpoint);
      }
      list->NotificationResult.push_back(result);
    }
    resp.SendStandaloneNotificationBasicV3Result = list;
    return SOAP_OK;
  }

 private:
  // Authenticates, converts and sends. On failure the fault is already prepared (returns the status).
  Result<std::vector<core::NotificationResult>> send(const std::string* username, const std::string* password,
                                                     const snbe__StandaloneNotificationBEList* list,
                                                     const char* operation) {
    std::vector<nr::NotificationInput> inputs;
    if (list) {
      for (const ntf__StandaloneNotification* n : list->StandaloneNotification) {
        if (n) inputs.push_back(toInput(*n));
      }
    }
    const int language = inputs.empty() ? 0 : inputs.front().language_id.value_or(0);
    auto system = authenticate(username, password, core::RequiredRole::kServiceOwner);
    if (!system.ok()) {
      toSoapFault(soap, system.status(), operation, language);
      return system.status();
    }
    auto sent = core_.notifications().send(system.value(), inputs);
    if (!sent.ok()) toSoapFault(soap, sent.status(), operation, language);
    return sent;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeNotificationAgencyEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<NotificationAgency>>(
      "/ServiceEngineExternal/NotificationAgencyExternalBasic.svc", "NotificationAgencyExternalBasic.wsdl", core);
}

}  // namespace gateway::services
