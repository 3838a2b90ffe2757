// Loading receipt trees (main receipt + references + one level of sub-receipts) and inserting
// references: shared by the receipt and submission repositories.

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_set>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

constexpr std::size_t kMaxIdsPerQuery = 1024;

// Built with append rather than "(" + ... + ")": GCC 12 at -O3 reports a bogus -Wrestrict for the
// latter (GCC bug 105329).
std::string inList(std::size_t count) {
  std::string list(1, '(');
  list.append(placeholderRows("?", count));
  list.push_back(')');
  return list;
}

void bindPadded(Params& params, const std::vector<Id>& ids, std::size_t begin, std::size_t end, std::size_t slots) {
  for (std::size_t i = 0; i < slots; ++i) params.id(ids[std::min(begin + i, end - 1)]);
}

}  // namespace

std::vector<ReceiptRecord> loadReceipts(Session& session, const std::vector<Id>& ids) {
  if (ids.empty()) return {};
  std::map<Id, ReceiptRecord> rows;
  for (std::size_t begin = 0; begin < ids.size(); begin += kMaxIdsPerQuery) {
    std::size_t end = std::min(ids.size(), begin + kMaxIdsPerQuery);
    std::size_t slots = bucketSize(end - begin);
    auto& statement = session.prepare("SELECT id, parent_id, type, status, text, history, " + epochOf("last_changed") +
                                      ", owner_id, system_id FROM receipt WHERE id IN " + inList(slots) +
                                      " OR parent_id IN " + inList(slots));
    Params params(statement);
    bindPadded(params, ids, begin, end, slots);
    bindPadded(params, ids, begin, end, slots);
    std::unique_ptr<sql::ResultSet> result(statement.executeQuery());
    while (result->next()) {
      ReceiptRecord record;
      record.id = result->getInt64(1);
      record.parent_id = getOptionalId(*result, 2);
      record.type = getString(*result, 3);
      record.status = receiptStatusFromName(getString(*result, 4));
      record.text = getString(*result, 5);
      record.history = getString(*result, 6);
      record.last_changed = static_cast<std::time_t>(result->getInt64(7));
      record.owner_id = getOptionalId(*result, 8);
      record.system_id = getOptionalId(*result, 9);
      rows.emplace(record.id, std::move(record));
    }
  }

  std::vector<Id> all_ids;
  all_ids.reserve(rows.size());
  for (const auto& [id, record] : rows) all_ids.push_back(id);
  for (std::size_t begin = 0; begin < all_ids.size(); begin += kMaxIdsPerQuery) {
    std::size_t end = std::min(all_ids.size(), begin + kMaxIdsPerQuery);
    std::size_t slots = bucketSize(end - begin);
    auto& statement = session.prepare("SELECT receipt_id, type, value FROM receipt_reference WHERE receipt_id IN " +
                                      inList(slots) + " ORDER BY id");
    Params params(statement);
    bindPadded(params, all_ids, begin, end, slots);
    std::unique_ptr<sql::ResultSet> result(statement.executeQuery());
    while (result->next()) {
      auto it = rows.find(result->getInt64(1));
      if (it != rows.end()) it->second.references.push_back({getString(*result, 2), getString(*result, 3)});
    }
  }

  std::unordered_set<Id> requested(ids.begin(), ids.end());
  std::map<Id, std::vector<const ReceiptRecord*>> children;  // parent id -> children in id order
  for (const auto& [id, record] : rows) {
    if (record.parent_id && requested.count(*record.parent_id)) children[*record.parent_id].push_back(&record);
  }
  std::vector<ReceiptRecord> out;
  out.reserve(ids.size());
  for (Id id : ids) {
    auto it = rows.find(id);
    if (it == rows.end()) continue;
    ReceiptRecord record = it->second;
    auto kids = children.find(id);
    if (kids != children.end()) {
      for (const ReceiptRecord* child : kids->second) record.sub_receipts.push_back(*child);
    }
    out.push_back(std::move(record));
  }
  return out;
}

void insertReceiptReferences(Session& session, Id receipt_id, const std::vector<ReceiptReference>& refs) {
  for (std::size_t begin = 0; begin < refs.size(); begin += kInsertChunkRows) {
    std::size_t end = std::min(refs.size(), begin + kInsertChunkRows);
    auto& statement = session.prepare("INSERT INTO receipt_reference (receipt_id, type, value) VALUES " +
                                      placeholderRows("(?,?,?)", end - begin) +
                                      " ON DUPLICATE KEY UPDATE receipt_id = receipt_id");
    Params params(statement);
    for (std::size_t i = begin; i < end; ++i) params.id(receipt_id).str(refs[i].type).str(refs[i].value);
    statement.executeUpdate();
  }
}

Id insertReceipt(Session& session, const std::optional<Id>& parent_id, const std::string& type, ReceiptStatus status,
                 const std::string& text, const std::string& history, const std::optional<Id>& owner_id,
                 const std::optional<Id>& system_id) {
  auto& statement = session.prepare(
      "INSERT INTO receipt (parent_id, type, status, text, history, last_changed, owner_id, system_id) "
      "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?) RETURNING id");
  Params(statement)
      .optId(parent_id)
      .str(type)
      .str(receiptStatusName(status))
      .str(text)
      .str(history)
      .optId(owner_id)
      .optId(system_id);
  std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
  rows->next();
  return rows->getInt64(1);
}

}  // namespace gateway::persistence::mysql
