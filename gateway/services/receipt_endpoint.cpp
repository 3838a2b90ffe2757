// ReceiptAgency and ReceiptExternal (Basic). The two contracts share one namespace and identical
// messages, so gSOAP generates one class for both (the second set with a trailing '_'). The path
// decides the audience: service owner systems on ReceiptAgency, end-user systems on ReceiptExternal.
#include "core/receipt_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/receipt_mapping.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIReceiptAgencyExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIReceiptAgencyExternalBasicService;

// ReceiptSearchExternal (V1) and ReceiptSearch (V2) carry the same two fields.
template <typename WireSearch>
core::ReceiptSearch searchOf(struct soap* soap, const WireSearch* wire) {
  core::ReceiptSearch search;
  if (wire) {
    search.receipt_id = optionalOf(wire->ReceiptId);
    search.references = fromReferences(soap, wire->References);
  }
  return search;
}

class Receipts final : public BoundService<Generated> {
 public:
  Receipts(struct soap* soap, core::Services& core, core::RequiredRole audience)
      : BoundService(soap, core), audience_(audience) {}

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetReceiptBasic(_rcpt__GetReceiptBasic* req, _rcpt__GetReceiptBasicResponse& resp) override {
    static const char* kOp = "GetReceiptBasic";
    auto caller = authenticate(req->systemUserName, req->systemPassword, audience_);
    if (!caller.ok()) return fault(caller.status(), kOp);
    auto receipt = core_.receipts().get(caller.value(), searchOf(soap, req->receipt));
    if (!receipt.ok()) return fault(receipt.status(), kOp);
    resp.GetReceiptBasicResult = toReceiptExternal(soap, receipt.value());
    return SOAP_OK;
  }

  int GetReceiptBasicV2(_rcpt__GetReceiptBasicV2* req, _rcpt__GetReceiptBasicV2Response& resp) override {
    static const char* kOp = "GetReceiptBasicV2";
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, audience_);
    if (!caller.ok()) return fault(caller.status(), kOp);
    auto receipt = core_.receipts().get(caller.value(), searchOf(soap, req->receipt));
    if (!receipt.ok()) return fault(receipt.status(), kOp);
    resp.GetReceiptBasicV2Result = toReceiptV2(soap, receipt.value());
    return SOAP_OK;
  }

  int GetReceiptListBasic(_rcpt__GetReceiptListBasic* req, _rcpt__GetReceiptListBasicResponse& resp) override {
    static const char* kOp = "GetReceiptListBasic";
    auto caller = authenticate(req->systemUserName, req->systemPassword, audience_);
    if (!caller.ok()) return fault(caller.status(), kOp);
    const std::string type = req->receiptTypeName ? soap_r09__ReceiptTypeEnum2s(soap, *req->receiptTypeName) : "";
    auto list = core_.receipts().list(caller.value(), type, optionalOf(req->dateFrom), optionalOf(req->dateTo));
    if (!list.ok()) return fault(list.status(), kOp);
    resp.GetReceiptListBasicResult = soap_new_r09__ReceiptExternalList(soap);
    for (const auto& r : list.value()) resp.GetReceiptListBasicResult->ReceiptExternal.push_back(toReceiptExternal(soap, r));
    return SOAP_OK;
  }

  int GetReceiptListBasicV2(_rcpt__GetReceiptListBasicV2* req, _rcpt__GetReceiptListBasicV2Response& resp) override {
    static const char* kOp = "GetReceiptListBasicV2";
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, audience_);
    if (!caller.ok()) return fault(caller.status(), kOp);
    const std::string type = soap_r15__ReceiptType2s(soap, req->receiptTypeName);
    auto list = core_.receipts().list(caller.value(), type, optionalOf(req->dateFrom), optionalOf(req->dateTo));
    if (!list.ok()) return fault(list.status(), kOp);
    resp.GetReceiptListBasicV2Result = soap_new_r15__ReceiptList(soap);
    for (const auto& r : list.value()) resp.GetReceiptListBasicV2Result->Receipt.push_back(toReceiptV2(soap, r));
    return SOAP_OK;
  }

  int SaveReceiptBasic(_rcpt__SaveReceiptBasic* req, _rcpt__SaveReceiptBasicResponse& resp) override {
    static const char* kOp = "SaveReceiptBasic";
    auto caller = authenticate(req->systemUserName, req->systemPassword, audience_);
    if (!caller.ok()) return fault(caller.status(), kOp);
    if (!req->receipt) return fault(Status::InvalidArgument("receipt is required"), kOp);
    auto saved = core_.receipts().save(caller.value(), fromReceiptSave(soap, *req->receipt), "FormTask");
    if (!saved.ok()) return fault(saved.status(), kOp);
    resp.SaveReceiptBasicResult = toReceiptExternal(soap, saved.value());
    return SOAP_OK;
  }

  int UpdateReceiptBasic(_rcpt__UpdateReceiptBasic* req, _rcpt__UpdateReceiptBasicResponse& resp) override {
    static const char* kOp = "UpdateReceiptBasic";
    auto caller = authenticate(&req->systemUserName, &req->systemPassword, audience_);
    if (!caller.ok()) return fault(caller.status(), kOp);
    if (!req->receipt) return fault(Status::InvalidArgument("receipt is required"), kOp);
    auto updated = core_.receipts().update(caller.value(), fromReceiptSave(soap, *req->receipt));
    if (!updated.ok()) return fault(updated.status(), kOp);
    resp.UpdateReceiptBasicResult = toReceiptV2(soap, updated.value());
    return SOAP_OK;
  }

  // The second contract's copies (same wire messages).
  int Test_(_altinn__Test* a, _altinn__TestResponse& b) override { return Test(a, b); }
  int GetReceiptBasic_(_rcpt__GetReceiptBasic* a, _rcpt__GetReceiptBasicResponse& b) override {
    return GetReceiptBasic(a, b);
  }
  int GetReceiptBasicV2_(_rcpt__GetReceiptBasicV2* a, _rcpt__GetReceiptBasicV2Response& b) override {
    return GetReceiptBasicV2(a, b);
  }
  int GetReceiptListBasic_(_rcpt__GetReceiptListBasic* a, _rcpt__GetReceiptListBasicResponse& b) override {
    return GetReceiptListBasic(a, b);
  }
  int GetReceiptListBasicV2_(_rcpt__GetReceiptListBasicV2* a, _rcpt__GetReceiptListBasicV2Response& b) override {
    return GetReceiptListBasicV2(a, b);
  }
  int SaveReceiptBasic_(_rcpt__SaveReceiptBasic* a, _rcpt__SaveReceiptBasicResponse& b) override {
    return SaveReceiptBasic(a, b);
  }
  int UpdateReceiptBasic_(_rcpt__UpdateReceiptBasic* a, _rcpt__UpdateReceiptBasicResponse& b) override {
    return UpdateReceiptBasic(a, b);
  }

 private:
  core::RequiredRole audience_;
};

}  // namespace

std::unique_ptr<Endpoint> makeReceiptAgencyEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<Receipts, core::RequiredRole>>(
      "/IntermediaryExternal/ReceiptAgencyExternalBasic.svc", "ReceiptAgencyExternalBasic.wsdl", core,
      core::RequiredRole::kServiceOwner);
}

std::unique_ptr<Endpoint> makeReceiptExternalEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<Receipts, core::RequiredRole>>(
      "/IntermediaryExternal/ReceiptExternalBasic.svc", "ReceiptExternalBasic.wsdl", core,
      core::RequiredRole::kEndUser);
}

}  // namespace gateway::services
