// RegisterSRRAgency (Basic): a service owner's system keeps the rights register of its services.
#include "core/service_rights_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIRegisterSRRAgencyExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIRegisterSRRAgencyExternalBasicService;

core::RightKind rightOf(enum reg__RegisterSRRRightsType right) {
  switch (right) {
    case reg__RegisterSRRRightsType__Read: return core::RightKind::kRead;
    case reg__RegisterSRRRightsType__Write: return core::RightKind::kWrite;
    default: return core::RightKind::kNone;
  }
}

enum reg__RegisterSRRRightsType wireRight(core::RightKind right) {
  switch (right) {
    case core::RightKind::kRead: return reg__RegisterSRRRightsType__Read;
    case core::RightKind::kWrite: return reg__RegisterSRRRightsType__Write;
    default: return reg__RegisterSRRRightsType__None;
  }
}

enum reg__OperationResult wireResult(core::RuleResult result) {
  switch (result) {
    case core::RuleResult::kOk: return reg__OperationResult__Ok;
    case core::RuleResult::kRuleNotFound: return reg__OperationResult__RuleNotFound;
    case core::RuleResult::kRuleAlreadyExists: return reg__OperationResult__RuleAlreadyExists;
    case core::RuleResult::kInvalidReportee: return reg__OperationResult__EmptyOrNotAValidSsnOrOrganisation;
    case core::RuleResult::kAlreadyExpired: return reg__OperationResult__RightAlreadyExpired;
    default: return reg__OperationResult__Unknown;
  }
}

core::RuleInput ruleOf(const srr__RegisterSRRRight& wire) {
  core::RuleInput in;
  if (wire.Reportee) in.reportee = *wire.Reportee;
  in.right = rightOf(wire.Right);
  if (wire.Condition) in.condition = *wire.Condition;
  return in;
}

// Echoes the rule as the caller sent it (as Altinn does), with its result.
void fillRule(struct soap* soap, srr__RegisterSRRRight& out, const core::RuleInput& rule) {
  if (rule.condition) out.Condition = soapString(soap, *rule.condition);
  if (rule.reportee) out.Reportee = soapString(soap, *rule.reportee);
  out.Right = wireRight(rule.right);
}

class ServiceRights final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetRightsBasic(_srra__GetRightsBasic* req, _srra__GetRightsBasicResponse& resp) override {
    static const char* kOp = "GetRightsBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    std::optional<std::string> reportee;
    if (req->reportee) reportee = *req->reportee;
    auto rules = core_.serviceRights().get(system.value(), req->serviceCode, req->serviceEditionCode, reportee);
    if (!rules.ok()) return fault(rules.status(), kOp);
    auto* list = soap_new_srr__GetRightResponseList(soap);
    for (const persistence::ServiceRightRecord& rule : rules.value()) {
      auto* out = soap_new_srr__GetRightResponse(soap);
      if (!rule.condition.empty()) out->Condition = soapString(soap, rule.condition);
      out->Reportee = soapString(soap, rule.reportee);
      out->Right = rule.access == persistence::ServiceAccess::kWrite ? reg__RegisterSRRRightsType__Write
                                                                      : reg__RegisterSRRRightsType__Read;
      out->ValidTo = soapValue<time_t>(soap, rule.valid_to);
      list->GetRightResponse.push_back(out);
    }
    resp.GetRightsBasicResult = list;
    return SOAP_OK;
  }

  int AddRightsBasic(_srra__AddRightsBasic* req, _srra__AddRightsBasicResponse& resp) override {
    static const char* kOp = "AddRightsBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    if (!req->insertRightList) return fault(Status::InvalidArgument("insertRightList is required"), kOp);
    std::vector<core::RuleInput> rules;
    for (const srr__AddRightRequest* wire : req->insertRightList->AddRightRequest) {
      if (!wire) return fault(Status::InvalidArgument("insertRightList contains an empty AddRightRequest"), kOp);
      core::RuleInput in = ruleOf(*wire);
      in.valid_to = wire->ValidTo;
      rules.push_back(std::move(in));
    }
    auto outcomes = core_.serviceRights().add(system.value(), req->serviceCode, req->serviceEditionCode, rules);
    if (!outcomes.ok()) return fault(outcomes.status(), kOp);
    auto* list = soap_new_srr__AddRightResponseList(soap);
    for (const core::RuleOutcome& outcome : outcomes.value()) {
      auto* out = soap_new_srr__AddRightResponse(soap);
      fillRule(soap, *out, outcome.rule);
      out->ValidTo = outcome.rule.valid_to;
      out->OperationResult = soapValue(soap, wireResult(outcome.result));
      list->AddRightResponse.push_back(out);
    }
    resp.AddRightsBasicResult = list;
    return SOAP_OK;
  }

  int DeleteRightsBasic(_srra__DeleteRightsBasic* req, _srra__DeleteRightsBasicResponse& resp) override {
    static const char* kOp = "DeleteRightsBasic";
    auto system = authenticate(req ? &req->systemUserName : nullptr, req ? &req->systemPassword : nullptr,
                               core::RequiredRole::kServiceOwner);
    if (!system.ok()) return fault(system.status(), kOp);
    if (!req->deleteRightList) return fault(Status::InvalidArgument("deleteRightList is required"), kOp);
    std::vector<core::RuleInput> rules;
    for (const srr__DeleteRightRequest* wire : req->deleteRightList->DeleteRightRequest) {
      if (!wire) return fault(Status::InvalidArgument("deleteRightList contains an empty DeleteRightRequest"), kOp);
      rules.push_back(ruleOf(*wire));
    }
    auto outcomes = core_.serviceRights().remove(system.value(), req->serviceCode, req->serviceEditionCode, rules);
    if (!outcomes.ok()) return fault(outcomes.status(), kOp);
    auto* list = soap_new_srr__DeleteRightResponseList(soap);
    for (const core::RuleOutcome& outcome : outcomes.value()) {
      auto* out = soap_new_srr__DeleteRightResponse(soap);
      fillRule(soap, *out, outcome.rule);
      out->OperationResult = soapValue(soap, wireResult(outcome.result));
      list->DeleteRightResponse.push_back(out);
    }
    resp.DeleteRightsBasicResult = list;
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeServiceRightsEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<ServiceRights>>("/RegisterExternal/RegisterSRRAgencyExternalBasic.svc",
                                                          "RegisterSRRAgencyExternalBasic.wsdl", core);
}

}  // namespace gateway::services
