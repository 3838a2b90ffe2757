// BatchLogging (Basic, derived from EC2): a service owner reads the status of its batch files.
#include "core/batch_logging_service.h"
#include "services/bound_service.h"
#include "services/endpoint_factories.h"
#include "services/soap_values.h"
#include "soapBasicHttpBinding_USCOREIBatchLoggingAgencyExternalBasicService.h"

namespace gateway::services {
namespace {

using Generated = BasicHttpBinding_USCOREIBatchLoggingAgencyExternalBasicService;

core::BatchLogQuery queryOf(const blog__BatchLoggingRequestExternal& r) {
  core::BatchLogQuery q;
  if (r.DataBatchId) q.batch_id = static_cast<persistence::Id>(*r.DataBatchId);
  if (r.DataBatchType) {
    switch (*r.DataBatchType) {
      case blog__DataBatchType__PreFill: q.kind = "prefill"; break;
      case blog__DataBatchType__Subscription: q.kind = "subscription"; break;
      default: q.unknown_kind = true; break;  // types this gateway never receives
    }
  }
  q.file_name = optionalOf(r.FileName);
  if (r.FromIssueId) q.from_issue_id = static_cast<persistence::Id>(*r.FromIssueId);
  q.sequence = optionalOf(r.Sequence);
  q.system_user_code = optionalOf(r.SystemUserCode);
  if (r.TimeRange) {
    q.from = r.TimeRange->DateFrom;
    q.to = r.TimeRange->DateTo;
  }
  return q;
}

blog__DataBatch* toDataBatch(struct soap* soap, const persistence::BatchFileRecord& b) {
  auto* out = soap_new_blog__DataBatch(soap);
  out->DataBatchId = soapValue(soap, static_cast<LONG64>(b.id));
  out->FileName = soapString(soap, b.file_name);
  out->NumberOfIssues = soapValue(soap, core::issuesOf(b));
  out->Sequence = soapValue(soap, static_cast<int>(b.id));
  out->ShipmentId = soapValue(soap, static_cast<int>(b.receipt_id.value_or(0)));
  out->StartDate = soapValue(soap, b.created_at);
  if (b.state != persistence::BatchFileState::kWriting) out->EndDate = soapValue(soap, b.updated_at);
  return out;
}

blog__DataItem* toDataItem(struct soap* soap, const persistence::BatchItemRecord& item) {
  auto* out = soap_new_blog__DataItem(soap);
  out->Data = soapString(soap, "AR" + std::to_string(item.submission_id));  // the archive reference
  out->DataBatchId = soapValue(soap, static_cast<LONG64>(item.batch_file_id));
  out->DataItemId = soapValue(soap, static_cast<LONG64>(item.id));
  out->Line = soapValue(soap, 0);
  out->Position = soapValue(soap, item.position);
  out->ServiceCode = soapString(soap, item.service_code);
  out->ServiceEditionCode = soapValue(soap, item.service_edition);
  out->State = soapString(soap, persistence::batchFileStateName(item.state));
  return out;
}

blog__IssueExternal* toIssue(struct soap* soap, const core::BatchIssue& issue) {
  auto* out = soap_new_blog__IssueExternal(soap);
  out->DataBatchId = soapValue(soap, static_cast<LONG64>(issue.batch_id));
  out->ErrorDateTime = soapValue(soap, issue.at);
  out->IssueType = soap_new_blog__IssueTypeExternal(soap);
  out->IssueType->Code = soapValue(soap, issue.code);
  out->IssueType->Description = soapString(soap, issue.description);
  out->IssueType->Level = soapValue(soap, blog__IssueTypeLevelExternal__Error);
  return out;
}

void fillOverview(struct soap* soap, const core::BatchStatusReport& report, blog__BatchLoggingStatusOverview& out) {
  out.DataBatches = soap_new_blog__ArrayOfDataBatch(soap);
  for (const auto& b : report.batches) out.DataBatches->DataBatch.push_back(toDataBatch(soap, b));
  out.NumberOfIssues = soapValue(soap, static_cast<int>(report.issues.size()));
}

class BatchLogging final : public BoundService<Generated> {
 public:
  using BoundService::BoundService;

  int Test(_altinn__Test*, _altinn__TestResponse&) override { return SOAP_OK; }

  int GetStatusOverview(_blog__GetStatusOverview* req, _blog__GetStatusOverviewResponse& resp) override {
    static const char* kOp = "GetStatusOverview";
    auto report = run(req ? &req->agencyUserName : nullptr, req ? &req->agencyPassword : nullptr,
                      req ? req->request : nullptr, false);
    if (!report.ok()) return fault(report.status(), kOp);
    resp.GetStatusOverviewResult = soap_new_blog__BatchLoggingStatusOverview(soap);
    fillOverview(soap, report.value(), *resp.GetStatusOverviewResult);
    return SOAP_OK;
  }

  int GetDetailedStatus(_blog__GetDetailedStatus* req, _blog__GetDetailedStatusResponse& resp) override {
    static const char* kOp = "GetDetailedStatus";
    auto report = run(req ? &req->agencyUserName : nullptr, req ? &req->agencyPassword : nullptr,
                      req ? req->request : nullptr, true);
    if (!report.ok()) return fault(report.status(), kOp);
    auto* out = soap_new_blog__BatchLoggingDetailedStatus(soap);
    fillOverview(soap, report.value(), *out);
    out->DataItems = soap_new_blog__ArrayOfDataItem(soap);
    for (const auto& item : report->items) out->DataItems->DataItem.push_back(toDataItem(soap, item));
    out->Issues = soap_new_blog__ArrayOfIssueExternal(soap);
    for (const auto& issue : report->issues) out->Issues->IssueExternal.push_back(toIssue(soap, issue));
    resp.GetDetailedStatusResult = out;
    return SOAP_OK;
  }

  int GetDataItem(_blog__GetDataItem* req, _blog__GetDataItemResponse& resp) override {
    static const char* kOp = "GetDataItem";
    auto owner = authenticate(req ? &req->agencyUserName : nullptr, req ? &req->agencyPassword : nullptr,
                              core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return fault(owner.status(), kOp);
    auto item = core_.batchLogging().dataItem(owner.value(), static_cast<persistence::Id>(req->dataItemId));
    if (!item.ok()) return fault(item.status(), kOp);
    resp.GetDataItemResult = toDataItem(soap, item.value());
    return SOAP_OK;
  }

 private:
  Result<core::BatchStatusReport> run(const std::string* user, const std::string* password,
                                      const blog__BatchLoggingRequestExternal* request, bool detailed) {
    auto owner = authenticate(user, password, core::RequiredRole::kServiceOwner);
    if (!owner.ok()) return owner.status();
    if (!request) return Status::InvalidArgument("request is required");
    return core_.batchLogging().status(owner.value(), queryOf(*request), detailed);
  }
};

}  // namespace

std::unique_ptr<Endpoint> makeBatchLoggingEndpoint(core::Services& core) {
  return std::make_unique<ServiceEndpoint<BatchLogging>>("/IntermediaryExternal/BatchLoggingAgencyExternalBasic.svc",
                                                         "BatchLoggingAgencyExternalBasic.wsdl", core);
}

}  // namespace gateway::services
