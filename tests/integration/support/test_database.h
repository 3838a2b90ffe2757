#pragma once
// Shared fixture of the integration tests: a fresh MariaDB database per test binary.
//
// Reads GATEWAY_TEST_DB_SOCKET, GATEWAY_TEST_DB_USER, GATEWAY_TEST_DB_PASSWORD (a user that may
// CREATE/DROP DATABASE) and GATEWAY_SOURCE_DIR (repository root, for the migrations), as set by
// scripts/test.sh; throws std::runtime_error naming the missing variable otherwise.
//
// Use in a test file:
//   using gateway::testing::TestDatabaseFixture;
//   BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);
//   ... gateway::testing::TestDatabase::instance().database() ...
// The database (gwtest_<pid>_<random>) is created and migrated on first use and dropped when the
// fixture is torn down (or at exit).

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "persistence/database.h"

namespace gateway {
// Lets BOOST_TEST print status codes (found by argument-dependent lookup).
inline std::ostream& boost_test_print_type(std::ostream& out, StatusCode code) {
  return out << "StatusCode(" << static_cast<int>(code) << ")";
}
}  // namespace gateway

namespace gateway::testing {

struct TestEnvironment {
  std::string db_socket;
  std::string db_user;
  std::string db_password;
  std::string source_dir;

  static TestEnvironment fromProcess();  // throws std::runtime_error when a variable is unset
  std::string migrationsDir() const { return source_dir + "/persistence/migrations"; }
};

class TestDatabase {
 public:
  // The process's test database: created, migrated and connected on first call. Not thread-safe on
  // the first call; the returned object's database() is as thread-safe as persistence::Database.
  static TestDatabase& instance();
  // Drops the database and forgets the instance (idempotent).
  static void dropInstance();

  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const TestEnvironment& environment() const { return env_; }
  // Settings that reach this database (socket, user, password, name).
  const persistence::DatabaseConfig& config() const { return config_; }
  persistence::Database& database() { return *database_; }

  // Test assertions only: runs `sql` (placeholders '?') with string parameters on a separate
  // connection and returns the first column of the first row as an integer (0 when no row).
  std::int64_t scalar(const std::string& sql, const std::vector<std::string>& params = {});
  // Test set-up only: runs a statement with string parameters; returns the affected row count.
  int execute(const std::string& sql, const std::vector<std::string>& params = {});

 private:
  TestDatabase();
  struct Admin;
  TestEnvironment env_;
  std::string name_;
  persistence::DatabaseConfig config_;
  std::unique_ptr<Admin> admin_;
  std::unique_ptr<persistence::Database> database_;
};

struct TestDatabaseFixture {
  TestDatabaseFixture() { TestDatabase::instance(); }
  ~TestDatabaseFixture() { TestDatabase::dropInstance(); }
};

// A string unique within this process run (counter + random), for codes and usernames.
std::string uniqueSuffix();
// A valid organisation number (mod-11) not handed out before in this process.
std::string uniqueOrgNumber();

// A service owner with its owner system, an end-user system that may act for `reportee`, and one
// service of that owner accepting data format 5703 version 34; all names unique.
struct Parties {
  persistence::ServiceOwnerRecord owner;
  persistence::SystemRecord owner_system;
  persistence::SystemRecord enduser_system;
  persistence::ServiceRecord service;
  std::string reportee;
};
Parties seedParties(persistence::Database& db);

}  // namespace gateway::testing
