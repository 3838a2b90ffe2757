// Migrations (persistence/mysql/migrator.cpp) against a fresh MariaDB database.
#define BOOST_TEST_MODULE migrator_test
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "migrator.h"
#include "support/test_database.h"

using gateway::StatusCode;
using gateway::persistence::mysql::listMigrations;
using gateway::persistence::mysql::splitSqlStatements;
using gateway::testing::TestDatabase;
namespace fs = std::filesystem;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

// A copy of the real migrations plus extra files, in a temporary folder removed at the end.
struct MigrationFolder {
  fs::path dir;
  MigrationFolder() {
    dir = fs::temp_directory_path() / ("gwmig_" + gateway::testing::uniqueSuffix());
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(TestDatabase::instance().environment().migrationsDir())) {
      fs::copy_file(entry.path(), dir / entry.path().filename());
    }
  }
  ~MigrationFolder() { fs::remove_all(dir); }
  void add(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
};

std::int64_t appliedCount() { return TestDatabase::instance().scalar("SELECT COUNT(*) FROM schema_migrations"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(Migrator)

BOOST_AUTO_TEST_CASE(FreshDatabaseGetsEveryMigration) {
  auto& db = TestDatabase::instance();
  auto files = listMigrations(db.environment().migrationsDir());
  BOOST_REQUIRE(files.ok());
  BOOST_REQUIRE(!files->empty());
  BOOST_TEST(files->front().name == "001_initial.sql");
  BOOST_TEST(appliedCount() == static_cast<std::int64_t>(files->size()));
  BOOST_TEST(db.scalar("SELECT MAX(version) FROM schema_migrations") == files->back().version);
  for (const char* table : {"service_owner", "system", "service", "service_data_format", "system_reportee", "submission",
                            "submission_form", "submission_attachment", "end_user_reference", "download_queue",
                            "shipment_status_log", "receipt", "receipt_reference"}) {
    BOOST_TEST_CONTEXT(table) {
      BOOST_TEST(db.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                           "AND table_name = ? AND engine = 'InnoDB'",
                           {table}) == 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(SecondRunIsANoOp) {
  auto& db = TestDatabase::instance();
  const auto before = appliedCount();
  const auto stamp = db.scalar("SELECT UNIX_TIMESTAMP(MAX(applied_at)) * 1000000 FROM schema_migrations");
  BOOST_TEST(db.database().migrate(db.environment().migrationsDir()).ok());
  BOOST_TEST(appliedCount() == before);
  BOOST_TEST(db.scalar("SELECT UNIX_TIMESTAMP(MAX(applied_at)) * 1000000 FROM schema_migrations") == stamp);
}

BOOST_AUTO_TEST_CASE(AppliesOnlyNewerFilesAndRecordsThem) {
  auto& db = TestDatabase::instance();
  MigrationFolder folder;
  folder.add("900_extra_table.sql",
             "-- a comment; with a semicolon\n"
             "CREATE TABLE IF NOT EXISTS migration_probe (id INT PRIMARY KEY, note VARCHAR(20));\n"
             "INSERT INTO migration_probe VALUES (1, 'a;b'), (2, 'it''s');\n");
  const auto before = appliedCount();
  BOOST_REQUIRE(db.database().migrate(folder.dir.string()).ok());
  BOOST_TEST(appliedCount() == before + 1);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = 900 AND name = '900_extra_table.sql' "
                       "AND applied_at IS NOT NULL") == 1);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM migration_probe") == 2);
  BOOST_REQUIRE(db.database().migrate(folder.dir.string()).ok());
  BOOST_TEST(appliedCount() == before + 1);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM migration_probe") == 2);
}

BOOST_AUTO_TEST_CASE(FailedMigrationIsNotRecordedAndItsRowsRolledBack) {
  auto& db = TestDatabase::instance();
  MigrationFolder folder;
  folder.add("900_extra_table.sql", "CREATE TABLE IF NOT EXISTS migration_probe (id INT PRIMARY KEY, note VARCHAR(20));");
  folder.add("950_broken.sql",
             "INSERT INTO migration_probe VALUES (50, 'x');\n"
             "THIS IS NOT SQL;\n");
  auto status = db.database().migrate(folder.dir.string());
  BOOST_TEST(!status.ok());
  BOOST_TEST(status.message().find("950_broken.sql") != std::string::npos);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = 950") == 0);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM migration_probe WHERE id = 50") == 0);
}

BOOST_AUTO_TEST_CASE(RejectsTwoFilesWithOneVersion) {
  MigrationFolder folder;
  folder.add("001_again.sql", "SELECT 1;");
  auto status = TestDatabase::instance().database().migrate(folder.dir.string());
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(AMigrationNumberedBelowTheNewestAppliedIsStillApplied) {
  TestDatabase& db = TestDatabase::instance();
  MigrationFolder folder;
  folder.add("910_later.sql", "CREATE TABLE IF NOT EXISTS migration_later (id INT PRIMARY KEY);");
  BOOST_REQUIRE(db.database().migrate(folder.dir.string()).ok());
  folder.add("905_landed_late.sql", "CREATE TABLE IF NOT EXISTS migration_landed_late (id INT PRIMARY KEY);");
  BOOST_REQUIRE(db.database().migrate(folder.dir.string()).ok());
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM schema_migrations WHERE version = 905") == 1);
  BOOST_TEST(db.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND "
                       "table_name = 'migration_landed_late'") == 1);
}

BOOST_AUTO_TEST_CASE(MissingFolderIsAnError) {
  auto status = TestDatabase::instance().database().migrate("/nonexistent/migrations");
  BOOST_TEST(status.code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(SplitsStatementsOutsideQuotesAndComments) {
  auto statements = splitSqlStatements(
      "-- leading comment;\n"
      "CREATE TABLE a (x VARCHAR(3) DEFAULT ';');\n"
      "# hash comment ; still comment\n"
      "INSERT INTO a VALUES ('it''s;'), (\"q\\\";\");  /* block ; comment */\n"
      "  ;;\n"
      "SELECT `we;ird` FROM a");
  BOOST_REQUIRE_EQUAL(statements.size(), 3u);
  BOOST_TEST(statements[0] == "CREATE TABLE a (x VARCHAR(3) DEFAULT ';')");
  BOOST_TEST(statements[1] == "INSERT INTO a VALUES ('it''s;'), (\"q\\\";\")");
  BOOST_TEST(statements[2] == "SELECT `we;ird` FROM a");
}

BOOST_AUTO_TEST_CASE(SplitsStoredProgramsAtTheDelimiterLines) {
  auto statements = splitSqlStatements(
      "SELECT 1;\n"
      "DELIMITER //\n"
      "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT ';'; END //\n"
      "delimiter ;\n"
      "SELECT 2;");
  BOOST_REQUIRE_EQUAL(statements.size(), 3u);
  BOOST_TEST(statements[0] == "SELECT 1");
  BOOST_TEST(statements[1] == "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT ';'; END");
  BOOST_TEST(statements[2] == "SELECT 2");
}

BOOST_AUTO_TEST_CASE(LatestSchemaHasTheOwnerConstraintAndNoArchiveProcedure) {
  // Migration 005: the batch writer replaced archive_submission, and its ownership check became a
  // foreign key from (service_id, owner_id) to the service row.
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM information_schema.routines WHERE "
                                             "routine_schema = DATABASE() AND routine_name = 'archive_submission'") == 0);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM information_schema.referential_constraints WHERE "
                                             "constraint_schema = DATABASE() AND "
                                             "constraint_name = 'fk_submission_service_owner'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
