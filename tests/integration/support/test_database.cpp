#include "support/test_database.h"

#include <mysql_driver.h>
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

namespace gateway::testing {
namespace {

std::string requireEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set. Integration tests need the MariaDB started by scripts/test.sh "
                             "(GATEWAY_TEST_DB_SOCKET, GATEWAY_TEST_DB_USER, GATEWAY_TEST_DB_PASSWORD) and "
                             "GATEWAY_SOURCE_DIR (the repository root).");
  }
  return value;
}

std::mt19937_64& rng() {
  static std::mt19937_64 engine(std::random_device{}() ^ (static_cast<std::uint64_t>(::getpid()) << 32));
  return engine;
}

std::unique_ptr<TestDatabase>& slot() {
  static std::unique_ptr<TestDatabase> instance;
  return instance;
}

}  // namespace

TestEnvironment TestEnvironment::fromProcess() {
  TestEnvironment env;
  env.db_socket = requireEnv("GATEWAY_TEST_DB_SOCKET");
  env.db_user = requireEnv("GATEWAY_TEST_DB_USER");
  env.db_password = requireEnv("GATEWAY_TEST_DB_PASSWORD");
  env.source_dir = requireEnv("GATEWAY_SOURCE_DIR");
  return env;
}

// A plain Connector/C++ connection for CREATE/DROP DATABASE and assertions.
struct TestDatabase::Admin {
  std::unique_ptr<sql::Connection> connection;

  explicit Admin(const TestEnvironment& env) {
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString("localhost");
    options["socket"] = sql::SQLString(env.db_socket);
    options["userName"] = sql::SQLString(env.db_user);
    options["password"] = sql::SQLString(env.db_password);
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    options["CLIENT_FOUND_ROWS"] = true;
    connection.reset(sql::mysql::get_mysql_driver_instance()->connect(options));
  }

  void run(const std::string& text) {
    std::unique_ptr<sql::Statement> statement(connection->createStatement());
    statement->execute(text);
  }
};

TestDatabase::TestDatabase() : env_(TestEnvironment::fromProcess()) {
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rng()()));
  name_ = "gwtest_" + std::to_string(::getpid()) + "_" + suffix;  // digits, letters, '_': safe to quote
  try {
    admin_ = std::make_unique<Admin>(env_);
    admin_->run("CREATE DATABASE `" + name_ + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
    admin_->connection->setSchema(name_);
  } catch (const sql::SQLException& e) {
    throw std::runtime_error("test database: cannot create " + name_ + " (MySQL error " +
                             std::to_string(e.getErrorCode()) + ": " + e.what() + ")");
  }
  config_.unix_socket = env_.db_socket;
  config_.user = env_.db_user;
  config_.password = env_.db_password;
  config_.database = name_;
  auto connected = persistence::Database::connect(config_);
  if (!connected.ok()) throw std::runtime_error("test database: connect failed: " + connected.status().message());
  database_ = std::move(connected).value();
  Status migrated = database_->migrate(env_.migrationsDir());
  if (!migrated.ok()) throw std::runtime_error("test database: migrate failed: " + migrated.message());
}

TestDatabase::~TestDatabase() {
  database_.reset();
  try {
    if (admin_) admin_->run("DROP DATABASE IF EXISTS `" + name_ + "`");
  } catch (...) {
    // Leaving a stray gwtest_ database is better than throwing from a destructor.
  }
}

TestDatabase& TestDatabase::instance() {
  auto& instance = slot();
  if (!instance) {
    instance.reset(new TestDatabase());
    static std::once_flag at_exit;
    std::call_once(at_exit, [] { std::atexit(&TestDatabase::dropInstance); });
  }
  return *instance;
}

void TestDatabase::dropInstance() { slot().reset(); }

std::int64_t TestDatabase::scalar(const std::string& sql_text, const std::vector<std::string>& params) {
  std::unique_ptr<sql::PreparedStatement> statement(admin_->connection->prepareStatement(sql_text));
  for (std::size_t i = 0; i < params.size(); ++i) statement->setString(static_cast<unsigned>(i + 1), params[i]);
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
  if (!rows->next() || rows->isNull(1)) return 0;
  return rows->getInt64(1);
}

int TestDatabase::execute(const std::string& sql_text, const std::vector<std::string>& params) {
  std::unique_ptr<sql::PreparedStatement> statement(admin_->connection->prepareStatement(sql_text));
  for (std::size_t i = 0; i < params.size(); ++i) statement->setString(static_cast<unsigned>(i + 1), params[i]);
  return statement->executeUpdate();
}

std::string uniqueSuffix() {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = static_cast<unsigned>(rng()() % 100000);
  return std::to_string(salt) + "x" + std::to_string(counter.fetch_add(1));
}

std::string uniqueOrgNumber() {
  static std::mutex mu;
  static std::set<std::string> issued;
  static const int weights[8] = {3, 2, 7, 6, 5, 4, 3, 2};
  std::lock_guard<std::mutex> lock(mu);
  for (;;) {
    std::string digits = std::to_string(800000000 + rng()() % 100000000).substr(0, 8);
    int sum = 0;
    for (int i = 0; i < 8; ++i) sum += (digits[i] - '0') * weights[i];
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) continue;
    std::string number = digits + static_cast<char>('0' + check);
    if (issued.insert(number).second) return number;
  }
}

Parties seedParties(persistence::Database& db) {
  Parties p;
  const std::string tag = uniqueSuffix();
  auto must = [](auto result, const char* what) {
    if (!result.ok()) throw std::runtime_error(std::string("seedParties: ") + what + ": " + result.status().message());
    return std::move(result).value();
  };
  persistence::ServiceOwnerRecord owner;
  owner.code = "OWN" + tag;
  owner.org_number = uniqueOrgNumber();
  owner.name = "Owner " + tag;
  p.owner = must(db.provisioning().addServiceOwner(owner), "owner");

  persistence::SystemRecord owner_system;
  owner_system.username = "owner-" + tag;
  owner_system.password_hash = "test-hash";
  owner_system.org_number = p.owner.org_number;
  owner_system.role = persistence::SystemRole::kServiceOwner;
  owner_system.owner_code = p.owner.code;
  p.owner_system = must(db.provisioning().addSystem(owner_system), "owner system");

  persistence::SystemRecord enduser;
  enduser.username = "enduser-" + tag;
  enduser.password_hash = "test-hash";
  enduser.org_number = "910000209";
  enduser.role = persistence::SystemRole::kEndUser;
  p.enduser_system = must(db.provisioning().addSystem(enduser), "end-user system");

  p.reportee = "910000306";
  Status granted = db.provisioning().grantReportee(enduser.username, p.reportee);
  if (!granted.ok()) throw std::runtime_error("seedParties: grant: " + granted.message());

  persistence::ServiceRecord service;
  service.owner_code = p.owner.code;
  service.code = "S" + tag;
  service.edition = 1;
  service.name = "Service " + tag;
  service.kind = "FormTask";
  service.formats = {{"5703", 34}};
  p.service = must(db.provisioning().addService(service), "service");
  return p;
}

}  // namespace gateway::testing
