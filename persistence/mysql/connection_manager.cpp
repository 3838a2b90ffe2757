#include "connection_manager.h"

#include <mysql_driver.h>
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "common/log.h"

namespace gateway::persistence::mysql {
namespace {

constexpr int kErrDuplicateKey = 1062;
constexpr int kErrDataTooLong = 1406;
constexpr int kErrNoReferencedRow = 1452;  // ER_NO_REFERENCED_ROW_2: a foreign key points nowhere
constexpr int kErrLockWaitTimeout = 1205;
constexpr int kErrDeadlock = 1213;

// A session idle longer than this is pinged before use; a busy one is trusted, and a connection
// found dead mid-transaction (before COMMIT) is replaced and the transaction rerun once.
constexpr auto kValidateAfterIdle = std::chrono::seconds(1);

// Statements are keyed by text; variable-arity statements are bucketed by the callers, so this only
// guards against a caller that forgets to.
constexpr std::size_t kMaxCachedStatements = 512;

// Session settings applied on every new connection (no values from outside).
constexpr const char* kSessionSetup =
    "SET time_zone = '+00:00', "
    "sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION', "
    "innodb_lock_wait_timeout = 10";

sql::mysql::MySQL_Driver* driver() {
  static std::once_flag once;
  static sql::mysql::MySQL_Driver* instance = nullptr;
  std::call_once(once, [] { instance = sql::mysql::get_mysql_driver_instance(); });
  return instance;
}

std::atomic<std::uint64_t> g_next_serial{1};

void sleepBackoff(int attempt) {
  thread_local std::minstd_rand rng(static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  int base_ms = 2 << std::min(attempt, 5);  // 4, 8, 16, ... 64 ms
  std::uniform_int_distribution<int> jitter(0, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + jitter(rng)));
}

void rollbackQuietly(Session& session) {
  try {
    session.connection().rollback();
  } catch (...) {
    // The caller already has the error that matters; a failed rollback means the connection is gone
    // and the server discards the transaction.
  }
}

}  // namespace

bool isConnectionLost(int code) {
  switch (code) {
    case 2002:  // CR_CONNECTION_ERROR (socket)
    case 2003:  // CR_CONN_HOST_ERROR
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1927:  // ER_CONNECTION_KILLED
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return true;
    default:
      return false;
  }
}

Status statusFromSqlException(const sql::SQLException& e, const char* operation) {
  const int code = e.getErrorCode();
  const std::string state = e.getSQLState();
  std::string what = std::string(operation);
  if (code == kErrDuplicateKey) {
    log::debug("db_duplicate", {{"op", what}, {"mysql_errno", std::to_string(code)}, {"sqlstate", state}});
    return Status::AlreadyExists(what + ": already exists");
  }
  if (isConnectionLost(code)) {
    log::error("db_unavailable", {{"op", what}, {"mysql_errno", std::to_string(code)}, {"sqlstate", state}});
    return Status::Unavailable(what + ": database unavailable");
  }
  if (code == kErrDeadlock || code == kErrLockWaitTimeout) {
    log::warn("db_lock_retries_exhausted", {{"op", what}, {"mysql_errno", std::to_string(code)}, {"sqlstate", state}});
    return Status::Unavailable(what + ": database busy, retry later");
  }
  if (code == kErrDataTooLong) {
    log::warn("db_value_too_long", {{"op", what}, {"mysql_errno", std::to_string(code)}, {"sqlstate", state}});
    return Status::InvalidArgument(what + ": a value is longer than allowed");
  }
  if (code == kErrNoReferencedRow) {
    log::warn("db_no_referenced_row", {{"op", what}, {"mysql_errno", std::to_string(code)}, {"sqlstate", state}});
    return Status::InvalidArgument(what + ": refers to something that does not exist or belongs to someone else");
  }
  log::error("db_error", {{"op", what}, {"mysql_errno", std::to_string(code)}, {"sqlstate", state}});
  return Status::Internal(what + ": database error " + std::to_string(code));
}

// ---------------------------------------------------------------------------------------------------
// Session

Session::Session(std::unique_ptr<sql::Connection> connection) : connection_(std::move(connection)) {}

Session::~Session() {
  statements_.clear();  // statements before their connection
  if (connection_) {
    try {
      connection_->close();
    } catch (...) {
    }
  }
}

sql::PreparedStatement& Session::prepare(const std::string& sql_text) {
  auto it = statements_.find(sql_text);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> statement(connection_->prepareStatement(sql_text));
    it = statements_.emplace(sql_text, std::move(statement)).first;
  } else {
    it->second->clearParameters();
  }
  return *it->second;
}

void Session::executeStatic(const std::string& sql_text) {
  std::unique_ptr<sql::Statement> statement(connection_->createStatement());
  statement->execute(sql_text);
}

// ---------------------------------------------------------------------------------------------------
// Per-thread bookkeeping

struct ConnectionManager::Core {
  struct Slot {
    std::unique_ptr<Session> session;
  };

  DatabaseConfig config;
  std::uint64_t serial = g_next_serial.fetch_add(1);
  std::mutex mu;
  std::unordered_map<std::thread::id, std::unique_ptr<Slot>> slots;

  Result<std::unique_ptr<Session>> connect() const;

  void releaseThread(std::thread::id id) {
    std::unique_ptr<Slot> slot;
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = slots.find(id);
      if (it == slots.end()) return;
      slot = std::move(it->second);
      slots.erase(it);
    }
    // Closed outside the lock.
  }
};

namespace {

struct ThreadRegistry {
  struct Entry {
    std::uint64_t serial;
    std::weak_ptr<ConnectionManager::Core> core;
    ConnectionManager::Core::Slot* slot;
  };
  std::vector<Entry> entries;
  bool driver_thread_initialised = false;

  ~ThreadRegistry() {
    for (auto& entry : entries) {
      if (auto core = entry.core.lock()) core->releaseThread(std::this_thread::get_id());
    }
    if (driver_thread_initialised) driver()->threadEnd();
  }
};

thread_local ThreadRegistry t_registry;

}  // namespace

Result<std::unique_ptr<Session>> ConnectionManager::Core::connect() const {
  if (!t_registry.driver_thread_initialised) {
    driver()->threadInit();
    t_registry.driver_thread_initialised = true;
  }
  sql::ConnectOptionsMap options;
  options["userName"] = sql::SQLString(config.user);
  options["password"] = sql::SQLString(config.password);
  if (!config.database.empty()) options["schema"] = sql::SQLString(config.database);
  if (!config.unix_socket.empty()) {
    options["hostName"] = sql::SQLString("localhost");
    options["socket"] = sql::SQLString(config.unix_socket);
  } else {
    options["hostName"] = sql::SQLString(config.host);
    options["port"] = config.port;
  }
  options["OPT_CONNECT_TIMEOUT"] = config.connect_timeout_seconds;
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  options["OPT_RECONNECT"] = false;  // a silent reconnect would lose the session settings
  options["CLIENT_FOUND_ROWS"] = true;  // UPDATE reports matched rows: "0 rows" means "not found"
  try {
    std::unique_ptr<sql::Connection> connection(driver()->connect(options));
    connection->setTransactionIsolation(sql::TRANSACTION_READ_COMMITTED);
    auto session = std::make_unique<Session>(std::move(connection));
    session->executeStatic(kSessionSetup);
    session->last_used_ = std::chrono::steady_clock::now();
    return session;
  } catch (const sql::SQLException& e) {
    log::error("db_connect_failed", {{"mysql_errno", std::to_string(e.getErrorCode())},
                                     {"sqlstate", e.getSQLState()},
                                     {"target", config.unix_socket.empty() ? config.host + ":" + std::to_string(config.port)
                                                                           : config.unix_socket}});
    if (isConnectionLost(e.getErrorCode()) || e.getErrorCode() == 1045 || e.getErrorCode() == 1049 ||
        e.getErrorCode() == 1044) {
      // Unreachable, bad credentials or unknown database: the database is not usable by us.
      return Status::Unavailable("cannot connect to the database (MySQL error " + std::to_string(e.getErrorCode()) + ")");
    }
    return Status::Unavailable("cannot connect to the database");
  }
}

// ---------------------------------------------------------------------------------------------------
// ConnectionManager

ConnectionManager::ConnectionManager(const DatabaseConfig& config, std::shared_ptr<Core> core)
    : config_(config), core_(std::move(core)) {}

ConnectionManager::~ConnectionManager() {
  std::unordered_map<std::thread::id, std::unique_ptr<Core::Slot>> slots;
  {
    std::lock_guard<std::mutex> lock(core_->mu);
    slots.swap(core_->slots);
  }
}

Result<std::unique_ptr<ConnectionManager>> ConnectionManager::create(const DatabaseConfig& config) {
  if (config.lock_retry_attempts < 0) return Status::InvalidArgument("db.lock_retry_attempts must be >= 0");
  auto core = std::make_shared<Core>();
  core->config = config;
  std::unique_ptr<ConnectionManager> manager(new ConnectionManager(config, core));
  auto session = manager->acquire();
  if (!session.ok()) return session.status();
  return manager;
}

Result<Session*> ConnectionManager::acquire() {
  Core::Slot* slot = nullptr;
  for (auto& entry : t_registry.entries) {
    if (entry.serial == core_->serial) {
      slot = entry.slot;
      break;
    }
  }
  if (slot == nullptr) {
    std::erase_if(t_registry.entries, [](const ThreadRegistry::Entry& e) { return e.core.expired(); });
    {
      std::lock_guard<std::mutex> lock(core_->mu);
      auto& owned = core_->slots[std::this_thread::get_id()];
      if (!owned) owned = std::make_unique<Core::Slot>();
      slot = owned.get();
    }
    t_registry.entries.push_back({core_->serial, core_, slot});
  }

  auto now = std::chrono::steady_clock::now();
  if (slot->session && now - slot->session->last_used_ > kValidateAfterIdle) {
    bool valid = false;
    try {
      valid = slot->session->connection().isValid();
    } catch (const sql::SQLException&) {
      valid = false;
    }
    if (!valid) {
      log::warn("db_reconnect", {{"reason", "connection no longer valid"}});
      slot->session.reset();
    }
  }
  if (!slot->session) {
    auto fresh = core_->connect();
    if (!fresh.ok()) return fresh.status();
    slot->session = std::move(fresh).value();
  }
  slot->session->last_used_ = now;
  if (slot->session->statements_.size() > kMaxCachedStatements) slot->session->statements_.clear();
  return slot->session.get();
}

void ConnectionManager::discardThreadSession() {
  for (auto& entry : t_registry.entries) {
    if (entry.serial == core_->serial) {
      entry.slot->session.reset();
      return;
    }
  }
}

Status ConnectionManager::run(TransactionMode mode, const char* operation, const Work& work) {
  const int max_lock_retries = config_.lock_retry_attempts;
  int lock_retries = 0;
  bool reconnected = false;
  for (;;) {
    auto acquired = acquire();
    if (!acquired.ok()) return acquired.status();
    Session& session = *acquired.value();
    bool in_transaction = false;
    bool committing = false;
    try {
      switch (mode) {
        case TransactionMode::kReadWrite:
          session.executeStatic("START TRANSACTION");
          in_transaction = true;
          break;
        case TransactionMode::kSnapshot:
          session.executeStatic("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
          session.executeStatic("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
          in_transaction = true;
          break;
        case TransactionMode::kAutocommit:
          break;
      }
      Status status = work(session);
      if (!status.ok()) {
        if (in_transaction) rollbackQuietly(session);
        return status;
      }
      if (in_transaction) {
        committing = true;
        session.connection().commit();
      }
      return Status::Ok();
    } catch (const sql::SQLException& e) {
      const int code = e.getErrorCode();
      if (isConnectionLost(code)) {
        discardThreadSession();
        // Before COMMIT the server rolls the transaction back when the connection drops, so running it
        // again on a fresh connection is safe. During COMMIT the outcome is unknown: report it.
        if (!committing && !reconnected) {
          reconnected = true;
          log::warn("db_connection_lost_retry", {{"op", operation}, {"mysql_errno", std::to_string(code)}});
          continue;
        }
        return statusFromSqlException(e, operation);
      }
      if (in_transaction) rollbackQuietly(session);
      if (code >= 2000 && code < 3000) {
        // Any other client-library error (e.g. 2014 commands out of sync) may leave the connection in an
        // unknown protocol state: start the next transaction on a fresh one.
        discardThreadSession();
      }
      if ((code == kErrDeadlock || code == kErrLockWaitTimeout) && lock_retries < max_lock_retries) {
        log::info("db_lock_retry", {{"op", operation},
                                    {"mysql_errno", std::to_string(code)},
                                    {"attempt", std::to_string(lock_retries + 1)}});
        sleepBackoff(lock_retries);
        ++lock_retries;
        continue;
      }
      return statusFromSqlException(e, operation);
    } catch (const std::exception&) {
      if (in_transaction) rollbackQuietly(session);
      log::error("db_unexpected_exception", {{"op", operation}});
      return Status::Internal(std::string(operation) + ": unexpected error");
    } catch (...) {
      if (in_transaction) rollbackQuietly(session);
      log::error("db_unexpected_exception", {{"op", operation}});
      return Status::Internal(std::string(operation) + ": unexpected error");
    }
  }
}

Status ConnectionManager::ping() {
  // A real statement rather than isValid(): a dead connection then takes the reconnect path in run().
  return run(TransactionMode::kAutocommit, "ping", [](Session& session) {
    std::unique_ptr<sql::ResultSet> rows(session.prepare("SELECT 1").executeQuery());
    return rows->next() ? Status::Ok() : Status::Unavailable("ping: database unavailable");
  });
}

Result<std::unique_ptr<Session>> ConnectionManager::openDedicatedSession() { return core_->connect(); }

}  // namespace gateway::persistence::mysql
