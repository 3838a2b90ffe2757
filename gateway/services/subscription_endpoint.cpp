// Subscription (Basic): service owner systems send subscription data.
#include "core/subscription_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/receipt_mapping.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREISubscriptionExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREISubscriptionExternalBasicService;

core::SubscriptionInput toInput(struct soap* soap, const sub09__Subscription& wire) {
  core::SubscriptionInput in;
  in.subscription_id = optionalOf(wire.SubscriptionID);
  if (wire.ExternalServiceCode) in.service_code = *wire.ExternalServiceCode;
  in.service_edition = optionalOf(wire.ExternalServiceEditionCode);
  if (wire.ReporteeId) in.reportee = *wire.ReporteeId;
  in.period_type = soap_sent__PeriodType2s(soap, wire.SubscriptionPeriodType);
  in.start_date = wire.StartDate;
  in.expiration_date = optionalOf(wire.ExpirationDate);
  in.next_schedule_date = wire.NextScheduleDate;
  in.next_due_date = wire.NextDueDate;
  in.visible_date = optionalOf(wire.VisibleDate);
  in.case_id = optionalOf(wire.CaseId);
  in.user_type = optionalOf(wire.UserType);
  if (wire.IdentityFields) {
    for (const auto* f : wire.IdentityFields->SubscriptionIdentityFieldExternal) {
      if (f) in.identity_fields.push_back(textOf(f->FieldValue));
    }
  }
  return in;
}

class Subscription final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int SubmitSubscriptionBasic(_subs__SubmitSubscriptionBasic* req, _subs__SubmitSubscriptionBasicResponse& resp) override {
    static const char* kOp = "SubmitSubscriptionBasic";
    auto system = authenticate(req ? req->systemUserName : nullptr, req ? req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    if (!req->subscriptionDetails) return fault(Status::InvalidArgument("subscriptionDetails is required"), kOp);
    std::vector<core::SubscriptionInput> items;
    if (req->subscriptionDetails->Subscriptionlist) {
      for (const sub09__Subscription* s : req->subscriptionDetails->Subscriptionlist->Subscription) {
        if (s) items.push_back(toInput(soap, *s));
      }
    }
    std::optional<std::string> batch, code;
    if (req->externalBatchId) batch = *req->externalBatchId;
    if (req->subscriptionDetails->SystemUserCode) code = *req->subscriptionDetails->SystemUserCode;
    auto outcome = core_.subscriptions().submit(system.value(), batch, code, items);
    if (!outcome.ok()) return fault(outcome.status(), kOp);
    resp.SubmitSubscriptionBasicResult = toReceiptExternal(soap, outcome->receipt);
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeSubscriptionEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<Subscription>>("/ServiceEngineExternal/SubscriptionBasic.svc",
                                                         "SubscriptionBasic.wsdl", core);
}

}  // namespace gateway::services
