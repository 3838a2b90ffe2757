// ServiceOwnerArchive (Basic): service owners read archived form tasks and their shipment status.
#include "core/archive_service.h"
#include "services/archive_mapping.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIServiceOwnerArchiveExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIServiceOwnerArchiveExternalBasicService;

class ServiceOwnerArchive final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetArchivedFormTaskBasic(_soa__GetArchivedFormTaskBasic* req,
                               _soa__GetArchivedFormTaskBasicResponse& resp) override {
    static const char* kOp = "GetArchivedFormTaskBasic";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    if (!req->reporteeElementID) return fault(Status::InvalidArgument("reporteeElementID is required"), kOp);
    auto task = core_.archive().fetchById(owner.value(), *req->reporteeElementID);
    if (!task.ok()) return fault(task.status(), kOp);
    resp.GetArchivedFormTaskBasicResult = toArchivedFormTaskV1(soap, task.value(), owner->owner_code);
    return SOAP_OK;
  }

  int GetArchivedFormTaskBasicV2(_soa__GetArchivedFormTaskBasicV2* req,
                                 _soa__GetArchivedFormTaskBasicV2Response& resp) override {
    static const char* kOp = "GetArchivedFormTaskBasicV2";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    if (!req->reporteeElementID) return fault(Status::InvalidArgument("reporteeElementID is required"), kOp);
    auto task = core_.archive().fetchById(owner.value(), *req->reporteeElementID);
    if (!task.ok()) return fault(task.status(), kOp);
    resp.GetArchivedFormTaskBasicV2Result = toArchivedFormTaskV2(soap, task.value(), owner->owner_code);
    return SOAP_OK;
  }

  int GetArchiveShipmentStatusExternalBasic(_soa__GetArchiveShipmentStatusExternalBasic* req,
                                            _soa__GetArchiveShipmentStatusExternalBasicResponse& resp) override {
    static const char* kOp = "GetArchiveShipmentStatusExternalBasic";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    auto page = core_.archive().shipmentStatus(owner.value(), fromShipmentSearch(req->searchArchiveShipmentStatus));
    if (!page.ok()) return fault(page.status(), kOp);
    resp.GetArchiveShipmentStatusExternalBasicResult = toShipmentStatusV1(soap, page.value());
    return SOAP_OK;
  }

  int GetArchiveShipmentStatusExternalBasicV2(_soa__GetArchiveShipmentStatusExternalBasicV2* req,
                                              _soa__GetArchiveShipmentStatusExternalBasicV2Response& resp) override {
    static const char* kOp = "GetArchiveShipmentStatusExternalBasicV2";
    auto owner = authenticate(req->systemUserName, req->systemPassword, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    auto page = core_.archive().shipmentStatus(owner.value(), fromShipmentSearch(req->searchArchiveShipmentStatus));
    if (!page.ok()) return fault(page.status(), kOp);
    resp.GetArchiveShipmentStatusExternalBasicV2Result = toShipmentStatusV2(soap, page.value());
    return SOAP_OK;
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeServiceOwnerArchiveEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<ServiceOwnerArchive>>(
      "/ArchiveExternal/ServiceOwnerArchiveExternalBasic.svc", "ServiceOwnerArchiveExternalBasic.wsdl", core);
}

}  // namespace gateway::services
