#pragma once
// The write function behind a repository's GroupCommit (common/group_commit.h): the whole batch in
// ONE transaction; when that fails for any reason but an unavailable database and the batch holds
// more than one item, the transaction has been rolled back and each item is written again alone, so
// one bad or duplicate item fails alone and every other caller still gets its own result.
// Internal to persistence_mysql.

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/group_commit.h"
#include "common/log.h"
#include "common/status.h"
#include "connection_manager.h"

namespace gateway::persistence::mysql {

// A repository's group commit sized by the db.group_commit_* settings (max items per batch, max bytes
// of weight per batch, batches in flight).
template <typename Item, typename Outcome>
GroupCommit<Item, Outcome> makeGroupCommit(const DatabaseConfig& config, typename GroupCommit<Item, Outcome>::Write write,
                                           typename GroupCommit<Item, Outcome>::Weigh weigh) {
  return GroupCommit<Item, Outcome>(std::move(write), static_cast<std::size_t>(std::max(1, config.group_commit_max_submissions)),
                                    static_cast<std::size_t>(std::max(1L, config.group_commit_max_bytes)),
                                    std::move(weigh), static_cast<std::size_t>(std::max(1, config.group_commit_writers)));
}

// `write` inserts the given items in the caller's transaction and fills one Created per item, in
// order (it may throw sql::SQLException or return a failed Status: either rolls the transaction
// back). `failure_of_one` turns the Status of an item that failed alone (or of a batch that failed
// with kUnavailable) into what its caller is told. `operation` names the transaction;
// `log_event` the debug line with the batch size, duration and outcome.
template <typename Item, typename Created>
std::vector<Result<Created>> writeBatchOrEachAlone(
    ConnectionManager& db, const char* operation, const char* log_event, const std::vector<const Item*>& batch,
    const std::function<Status(Session&, const std::vector<const Item*>&, std::vector<Created>&)>& write,
    const std::function<Status(const Status&)>& failure_of_one) {
  std::vector<Created> created;
  const auto started = std::chrono::steady_clock::now();
  Status status = db.runInTransaction(operation, [&](Session& session) {
    created.clear();
    return write(session, batch, created);
  });
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  log::debug(log_event, {{"size", std::to_string(batch.size())}, {"us", std::to_string(us.count())},
                         {"ok", status.ok() ? "true" : "false"}});
  std::vector<Result<Created>> results;
  results.reserve(batch.size());
  if (status.ok()) {
    for (Created& c : created) results.emplace_back(std::move(c));
    return results;
  }
  if (batch.size() > 1 && status.code() != StatusCode::kUnavailable) {
    for (const Item* one : batch) {
      results.push_back(
          std::move(writeBatchOrEachAlone<Item, Created>(db, operation, log_event, {one}, write, failure_of_one).front()));
    }
    return results;
  }
  const Status told = failure_of_one(status);
  for (std::size_t i = 0; i < batch.size(); ++i) results.emplace_back(told);
  return results;
}

}  // namespace gateway::persistence::mysql
