#pragma once
// Per-thread MariaDB sessions and the transaction runner every repository goes through.
// Internal to persistence_mysql (and its integration tests); nothing above persistence includes it.
//
// Isolation: sessions run READ COMMITTED. Writers here are short and mostly INSERTs into
// auto-numbered tables plus a few row updates by key; READ COMMITTED takes no gap locks on those
// paths, so concurrent submissions do not block or deadlock each other through next-key locks on
// neighbouring index values (e.g. receipt references "AR<n>" and "AR<n+1>"). Reads that need one
// consistent view over several statements run as a REPEATABLE READ, READ ONLY snapshot (kSnapshot).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "persistence/database.h"

namespace sql {
class Connection;
class PreparedStatement;
class SQLException;
}  // namespace sql

namespace gateway::persistence::mysql {

// One thread's connection and its prepared-statement cache. Only the owning thread touches it.
class Session {
 public:
  explicit Session(std::unique_ptr<sql::Connection> connection);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The statement for `sql_text` (placeholders only: values are always bound, never spliced),
  // prepared once per connection and kept. Its parameters are cleared. The reference stays valid
  // for the whole transaction.
  sql::PreparedStatement& prepare(const std::string& sql_text);
  // Runs SQL text that carries no values: session setup, transaction control, migration DDL.
  void executeStatic(const std::string& sql_text);
  sql::Connection& connection() { return *connection_; }

 private:
  friend class ConnectionManager;
  std::unique_ptr<sql::Connection> connection_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  std::chrono::steady_clock::time_point last_used_{};
};

enum class TransactionMode {
  kReadWrite,   // START TRANSACTION ... COMMIT (READ COMMITTED)
  kSnapshot,    // REPEATABLE READ, READ ONLY, consistent snapshot: multi-statement reads of mutable rows
  kAutocommit,  // each statement commits alone: single reads, or reads of rows that never change once
                // committed (archived submissions). Never used for writes.
};

// Maps a Connector/C++ exception to a Status once, for every caller: 1062 -> kAlreadyExists,
// 2002/2003/2006/2013 (and the server's "connection killed" codes) -> kUnavailable, 1406 (value too
// long) and 1452 (foreign key to a missing row) -> kInvalidArgument, anything else -> kInternal.
// Logs operation, MySQL error code and SQLSTATE; never the statement's values.
Status statusFromSqlException(const sql::SQLException& e, const char* operation);
bool isConnectionLost(int mysql_error_code);

// Owns the driver settings and one Session per calling thread (closed when that thread exits or the
// manager is destroyed). Thread-safe. The manager must outlive every call in progress.
class ConnectionManager {
 public:
  using Work = std::function<Status(Session&)>;

  // Connects once to check the settings; kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<ConnectionManager>> create(const DatabaseConfig& config);
  ~ConnectionManager();

  // Runs `work` on this thread's session inside a transaction of `mode`; commits when it returns ok,
  // rolls back when it returns an error or throws. MySQL errors 1213 (deadlock) and 1205 (lock wait
  // timeout) rerun the whole of `work` up to config.lock_retry_attempts times with a short backoff
  // (after that: kUnavailable); a connection lost before COMMIT was sent reconnects and reruns once.
  // `work` may therefore run more than once and must reset anything it fills in.
  Status run(TransactionMode mode, const char* operation, const Work& work);
  Status runInTransaction(const char* operation, const Work& work) {
    return run(TransactionMode::kReadWrite, operation, work);
  }

  // A cheap round trip on this thread's session.
  Status ping();

  // A new connection outside the per-thread sessions (migrations), set up like the others.
  Result<std::unique_ptr<Session>> openDedicatedSession();

  const DatabaseConfig& config() const { return config_; }

  struct Core;

 private:
  ConnectionManager(const DatabaseConfig& config, std::shared_ptr<Core> core);
  Result<Session*> acquire();
  void discardThreadSession();

  DatabaseConfig config_;
  std::shared_ptr<Core> core_;
};

}  // namespace gateway::persistence::mysql
