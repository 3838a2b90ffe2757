// owner_batch: one row per (service owner, kind, externalBatchId), pointing at the receipt of the
// request that first used the id.

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

void claimOwnerBatch(Session& session, Id owner_id, const char* kind, const std::string& external_batch_id,
                     Id receipt_id) {
  auto& statement =
      session.prepare("INSERT INTO owner_batch (owner_id, kind, external_batch_id, receipt_id) VALUES (?, ?, ?, ?)");
  Params(statement).id(owner_id).str(kind).str(external_batch_id).id(receipt_id);
  statement.executeUpdate();
}

Result<std::optional<ReceiptRecord>> findOwnerBatchReceipt(ConnectionManager& db, Id owner_id, const char* kind,
                                                           const std::string& external_batch_id) {
  std::optional<ReceiptRecord> found;
  Status status = db.run(TransactionMode::kSnapshot, "ownerBatch.findReceipt", [&](Session& session) {
    found.reset();
    std::optional<Id> receipt_id;
    {
      auto& statement = session.prepare(
          "SELECT receipt_id FROM owner_batch WHERE owner_id = ? AND kind = ? AND external_batch_id = ?");
      Params(statement).id(owner_id).str(kind).str(external_batch_id);
      std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
      if (rows->next()) receipt_id = rows->getInt64(1);
    }
    if (receipt_id) {
      auto receipts = loadReceipts(session, {*receipt_id});
      if (!receipts.empty()) found = std::move(receipts.front());
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return found;
}

}  // namespace gateway::persistence::mysql
