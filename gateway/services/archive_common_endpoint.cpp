// ArchiveCommon (Basic, derived from EC2): a service owner searches its own archive.
#include "core/archive_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIArchiveCommonAgencyExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIArchiveCommonAgencyExternalBasicService;

core::ArchiveSearchCriteria criteriaOf(const arc09__ExternalSOASearchBE& search) {
  core::ArchiveSearchCriteria c;
  c.reportee = optionalOf(search.SSNOrOrgNumber);
  c.from = optionalOf(search.DateFrom);
  c.to = optionalOf(search.DateTo);
  c.reference = optionalOf(search.ReferenceId);
  c.case_id = optionalOf(search.CaseID);
  c.subject = optionalOf(search.Subject);
  c.user_name = optionalOf(search.UserName);
  return c;
}

// Every element is an archived form set of this gateway: never Altinn 1, never a correspondence.
arc10__ServiceOwnerArchiveReporteeElementBEV2* toElement(struct soap* soap, const persistence::ArchiveElement& e) {
  auto* out = soap_new_arc10__ServiceOwnerArchiveReporteeElementBEV2(soap);
  out->ArchiveReference = soapString(soap, e.archive_reference);
  out->ElementType = soapValue(soap, asvc__ElementTypeV2__Archive);
  out->EndUserSystemId = soapValue(soap, static_cast<int>(e.system_id));
  out->IsAltinn1 = soapValue(soap, false);
  out->IsSubjectMessageTitle = soapValue(soap, false);
  out->LastChangedDate = soapValue(soap, e.archived_at);  // an archived form set does not change
  out->ReporteeElementId = soapValue(soap, static_cast<int>(e.submission_id));
  out->SSNOrOrganizationNumber = soapString(soap, e.reportee);
  out->SendComplete = soapValue(soap, true);
  out->Subject = soapString(soap, e.service_name);
  return out;
}

class ArchiveCommon final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetServiceOwnerArchiveReporteeElementsBasicV2(
      _acom__GetServiceOwnerArchiveReporteeElementsBasicV2* req,
      _acom__GetServiceOwnerArchiveReporteeElementsBasicV2Response& resp) override {
    static const char* kOp = "GetServiceOwnerArchiveReporteeElementsBasicV2";
    auto owner = authenticate(&req->systemUserName, &req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    if (!req->searchServiceOwnerArchive) {
      return fault(Status::InvalidArgument("searchServiceOwnerArchive is required"), kOp);
    }
    auto page =
        core_.archive().searchArchive(owner.value(), criteriaOf(*req->searchServiceOwnerArchive), req->languageID);
    if (!page.ok()) return fault(page.status(), kOp);
    resp.GetServiceOwnerArchiveReporteeElementsBasicV2Result =
        soap_new_arc09__ServiceOwnerArchiveReporteeElementBEV2List(soap);
    auto& list = resp.GetServiceOwnerArchiveReporteeElementsBasicV2Result->ServiceOwnerArchiveReporteeElementBEV2;
    list.reserve(page->items.size());
    for (const auto& element : page->items) list.push_back(toElement(soap, element));
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeArchiveCommonEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<ArchiveCommon>>("/ArchiveExternal/ArchiveCommonAgencyExternalBasic.svc",
                                                          "ArchiveCommonAgencyExternalBasic.wsdl", core);
}

}  // namespace gateway::services
