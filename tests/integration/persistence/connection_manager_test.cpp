// ConnectionManager (persistence/mysql/connection_manager.cpp): commit/rollback, deadlock retries,
// reconnection, per-thread sessions and error mapping, against the real MariaDB.
#define BOOST_TEST_MODULE connection_manager_test
#include <boost/test/unit_test.hpp>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "connection_manager.h"
#include "support/test_database.h"

using namespace gateway;
using gateway::persistence::mysql::ConnectionManager;
using gateway::persistence::mysql::Session;
using gateway::persistence::mysql::TransactionMode;
using gateway::testing::TestDatabase;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

std::unique_ptr<ConnectionManager> manager(int lock_retries = 5) {
  auto config = TestDatabase::instance().config();
  config.lock_retry_attempts = lock_retries;
  auto created = ConnectionManager::create(config);
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
  return std::move(created).value();
}

void resetProbe() {
  auto& db = TestDatabase::instance();
  db.execute("CREATE TABLE IF NOT EXISTS cm_probe (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(8) NOT NULL DEFAULT '')");
  db.execute("DELETE FROM cm_probe");
  db.execute("INSERT INTO cm_probe (id, v) VALUES (1, 0), (2, 0)");
}

void insertRow(Session& s, int id) {
  auto& statement = s.prepare("INSERT INTO cm_probe (id, v) VALUES (?, 0)");
  statement.setInt(1, id);
  statement.executeUpdate();
}

void bump(Session& s, int id) {
  auto& statement = s.prepare("UPDATE cm_probe SET v = v + 1 WHERE id = ?");
  statement.setInt(1, id);
  statement.executeUpdate();
}

std::int64_t connectionId(Session& s) {
  std::unique_ptr<sql::ResultSet> rows(s.prepare("SELECT CONNECTION_ID()").executeQuery());
  rows->next();
  return rows->getInt64(1);
}

std::int64_t probeCount() { return TestDatabase::instance().scalar("SELECT COUNT(*) FROM cm_probe"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ConnectionManagerTests)

BOOST_AUTO_TEST_CASE(CommitsWhenWorkSucceeds) {
  resetProbe();
  auto db = manager();
  BOOST_TEST(db->runInTransaction("test", [](Session& s) {
    insertRow(s, 10);
    insertRow(s, 11);
    return Status::Ok();
  }).ok());
  BOOST_TEST(probeCount() == 4);
}

BOOST_AUTO_TEST_CASE(RollsBackWhenWorkReturnsAnError) {
  resetProbe();
  auto db = manager();
  Status s = db->runInTransaction("test", [](Session& session) {
    insertRow(session, 10);
    bump(session, 1);
    return Status::NotFound("changed my mind");
  });
  BOOST_TEST(s.code() == StatusCode::kNotFound);
  BOOST_TEST(probeCount() == 2);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT v FROM cm_probe WHERE id = 1") == 0);
}

BOOST_AUTO_TEST_CASE(RollsBackWhenWorkThrows) {
  resetProbe();
  auto db = manager();
  Status s = db->runInTransaction("test", [](Session& session) -> Status {
    insertRow(session, 10);
    throw std::runtime_error("boom");
  });
  BOOST_TEST(s.code() == StatusCode::kInternal);
  BOOST_TEST(probeCount() == 2);
}

BOOST_AUTO_TEST_CASE(RollsBackWhenAStatementFailsMidway) {
  resetProbe();
  auto db = manager();
  Status s = db->runInTransaction("test", [](Session& session) {
    insertRow(session, 10);
    insertRow(session, 1);  // duplicate key
    return Status::Ok();
  });
  BOOST_TEST(s.code() == StatusCode::kAlreadyExists);
  BOOST_TEST(probeCount() == 2);
  // The session is usable afterwards.
  BOOST_TEST(db->runInTransaction("test", [](Session& session) {
    insertRow(session, 10);
    return Status::Ok();
  }).ok());
  BOOST_TEST(probeCount() == 3);
}

BOOST_AUTO_TEST_CASE(MapsMySqlErrors) {
  resetProbe();
  auto db = manager();
  Status too_long = db->runInTransaction("test", [](Session& s) {
    auto& st = s.prepare("UPDATE cm_probe SET note = ? WHERE id = 1");
    st.setString(1, "much longer than eight");
    st.executeUpdate();
    return Status::Ok();
  });
  BOOST_TEST(too_long.code() == StatusCode::kInvalidArgument);
  Status bad_sql = db->run(TransactionMode::kAutocommit, "test", [](Session& s) {
    s.prepare("SELECT no_such_column FROM cm_probe").executeQuery();
    return Status::Ok();
  });
  BOOST_TEST(bad_sql.code() == StatusCode::kInternal);
  BOOST_TEST(bad_sql.message().find("no_such_column") == std::string::npos);  // no SQL text in messages
}

BOOST_AUTO_TEST_CASE(RetriesDeadlocks) {
  resetProbe();
  auto db = manager();
  std::barrier both_locked_first(2);
  std::atomic<int> attempts{0};
  auto worker = [&](int first, int second) {
    bool waited = false;
    return db->runInTransaction("deadlock", [&, first, second](Session& s) {
      ++attempts;
      bump(s, first);
      if (!waited) {
        waited = true;
        both_locked_first.arrive_and_wait();  // both hold their first row: a deadlock follows
      }
      bump(s, second);
      return Status::Ok();
    });
  };
  Status a, b;
  std::thread ta([&] { a = worker(1, 2); });
  std::thread tb([&] { b = worker(2, 1); });
  ta.join();
  tb.join();
  BOOST_TEST(a.ok());
  BOOST_TEST(b.ok());
  BOOST_TEST(attempts.load() >= 3);  // one of them ran again
  BOOST_TEST(TestDatabase::instance().scalar("SELECT SUM(v) FROM cm_probe") == 4);
}

BOOST_AUTO_TEST_CASE(LockWaitTimeoutsAreRetriedThenReportedUnavailable) {
  resetProbe();
  auto db = manager(/*lock_retries=*/1);
  std::atomic<bool> locked{false};
  std::atomic<bool> release{false};
  std::thread holder([&] {
    (void)db->runInTransaction("holder", [&](Session& s) {
      bump(s, 1);
      locked = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return Status::Ok();
    });
  });
  while (!locked) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  int attempts = 0;
  Status s = db->runInTransaction("waiter", [&](Session& session) {
    ++attempts;
    session.executeStatic("SET SESSION innodb_lock_wait_timeout = 1");
    bump(session, 1);
    return Status::Ok();
  });
  release = true;
  holder.join();
  BOOST_TEST(s.code() == StatusCode::kUnavailable);
  BOOST_TEST(attempts == 2);
}

BOOST_AUTO_TEST_CASE(ReconnectsWhenTheConnectionWasKilled) {
  resetProbe();
  auto db = manager();
  std::int64_t first = 0;
  BOOST_REQUIRE(db->run(TransactionMode::kAutocommit, "id", [&](Session& s) {
    first = connectionId(s);
    return Status::Ok();
  }).ok());
  TestDatabase::instance().execute("KILL CONNECTION " + std::to_string(first));
  std::int64_t second = 0;
  Status s = db->runInTransaction("after kill", [&](Session& session) {
    second = connectionId(session);
    insertRow(session, 20);
    return Status::Ok();
  });
  BOOST_TEST(s.ok());
  BOOST_TEST(second != first);
  BOOST_TEST(probeCount() == 3);
  BOOST_TEST(db->ping().ok());

  // An idle session is checked before use and replaced when dead.
  TestDatabase::instance().execute("KILL CONNECTION " + std::to_string(second));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  std::int64_t third = 0;
  BOOST_TEST(db->run(TransactionMode::kAutocommit, "after idle", [&](Session& session) {
    third = connectionId(session);
    return Status::Ok();
  }).ok());
  BOOST_TEST(third != second);
}

BOOST_AUTO_TEST_CASE(EachThreadHasItsOwnConnectionClosedWhenTheThreadEnds) {
  auto db = manager();
  auto idOnThisThread = [&] {
    std::int64_t id = 0;
    BOOST_REQUIRE(db->run(TransactionMode::kAutocommit, "id", [&](Session& s) {
      id = connectionId(s);
      return Status::Ok();
    }).ok());
    return id;
  };
  const std::int64_t mine = idOnThisThread();
  BOOST_TEST(idOnThisThread() == mine);
  std::int64_t other = 0;
  std::thread t([&] { other = idOnThisThread(); });
  t.join();
  BOOST_TEST(other != mine);
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = TestDatabase::instance().scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE id = ?",
                                           {std::to_string(other)}) == 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_TEST(gone);
}

BOOST_AUTO_TEST_CASE(SessionsRunInUtcWithReadCommitted) {
  auto db = manager();
  std::string zone, isolation;
  BOOST_REQUIRE(db->run(TransactionMode::kAutocommit, "settings", [&](Session& s) {
    std::unique_ptr<sql::ResultSet> rows(s.prepare("SELECT @@session.time_zone, @@session.tx_isolation").executeQuery());
    rows->next();
    zone = rows->getString(1).asStdString();
    isolation = rows->getString(2).asStdString();
    return Status::Ok();
  }).ok());
  BOOST_TEST(zone == "+00:00");
  BOOST_TEST(isolation == "READ-COMMITTED");
}

BOOST_AUTO_TEST_CASE(UnreachableDatabaseIsUnavailable) {
  auto config = TestDatabase::instance().config();
  config.unix_socket = "/nonexistent/mysql.sock";
  config.connect_timeout_seconds = 1;
  auto created = ConnectionManager::create(config);
  BOOST_TEST(created.status().code() == StatusCode::kUnavailable);
  config = TestDatabase::instance().config();
  config.password = "wrong";
  BOOST_TEST(ConnectionManager::create(config).status().code() == StatusCode::kUnavailable);
}

BOOST_AUTO_TEST_SUITE_END()
