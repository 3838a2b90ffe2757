#include "core/batch_logging_service.h"

#include <algorithm>

#include "core/system_user_code.h"

namespace gateway::core {

int issuesOf(const persistence::BatchFileRecord& batch) {
  return batch.state == persistence::BatchFileState::kFailed ? 1 : 0;
}

BatchLoggingService::BatchLoggingService(persistence::Database& database) : database_(database) {}

Result<BatchStatusReport> BatchLoggingService::status(const persistence::SystemRecord& owner_system,
                                                      const BatchLogQuery& query, bool detailed) {
  if (!owner_system.owner_id) return Status::PermissionDenied("not a service owner system");
  if (query.system_user_code && !query.system_user_code->empty() &&
      !isOwnSystemUserCode(*query.system_user_code, owner_system.owner_code)) {
    return Status::PermissionDenied("SystemUserCode must be the calling service owner's code");
  }
  if (query.from && query.to && *query.from > *query.to) {
    return Status::InvalidArgument("TimeRange: DateFrom must not be after DateTo");
  }
  BatchStatusReport report;
  if (query.unknown_kind) return report;
  if (query.batch_id && query.sequence && *query.batch_id != *query.sequence) return report;

  persistence::BatchFileQuery q;
  q.owner_id = *owner_system.owner_id;
  q.batch_file_id = query.batch_id;
  if (query.sequence) q.batch_file_id = static_cast<persistence::Id>(*query.sequence);
  q.file_name = query.file_name;
  q.kind = query.kind;
  q.created_from = query.from;
  q.created_to = query.to;
  auto batches = database_.batches().list(q, kMaxBatchLogBatches);
  if (!batches.ok()) return batches.status();
  report.batches = std::move(batches).value();

  for (const auto& b : report.batches) {
    if (issuesOf(b) == 0 || (query.from_issue_id && b.id < *query.from_issue_id)) continue;
    report.issues.push_back({b.id, b.id, b.updated_at, kBatchRejectedIssueCode, b.error_text});
  }
  std::sort(report.issues.begin(), report.issues.end(),
            [](const BatchIssue& a, const BatchIssue& b) { return a.issue_id < b.issue_id; });

  if (detailed) {
    for (const auto& b : report.batches) {
      if (b.direction != persistence::BatchDirection::kOutbound) continue;
      auto items = database_.batches().items(*owner_system.owner_id, b.id);
      if (!items.ok()) return items.status();
      for (auto& item : items.value()) {
        if (static_cast<int>(report.items.size()) >= kMaxBatchLogItems) break;
        report.items.push_back(std::move(item));
      }
    }
  }
  return report;
}

Result<persistence::BatchItemRecord> BatchLoggingService::dataItem(const persistence::SystemRecord& owner_system,
                                                                   persistence::Id item_id) {
  if (!owner_system.owner_id) return Status::PermissionDenied("not a service owner system");
  return database_.batches().findItem(*owner_system.owner_id, item_id);
}

}  // namespace gateway::core
