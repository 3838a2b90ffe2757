#pragma once
// Schema migrations: files NNN_name.sql in one folder, applied in version order, each recorded in
// schema_migrations (version, name, checksum, applied_at). Internal to persistence_mysql.
//
// A file is run statement by statement inside START TRANSACTION ... COMMIT together with its
// schema_migrations row. MariaDB commits implicitly around DDL, so a file of DDL is not atomic: write
// migrations so that running them again after a failure is harmless (CREATE ... IF NOT EXISTS,
// ADD COLUMN IF NOT EXISTS, CREATE OR REPLACE PROCEDURE, ...). Stored-program bodies use the mariadb
// client's "DELIMITER //" lines, so a file also runs unchanged with `mariadb < file`.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connection_manager.h"

namespace gateway::persistence::mysql {

struct MigrationFile {
  int version = 0;
  std::string name;  // file name, e.g. "001_initial.sql"
  std::string path;
};

// The migration files in `dir` sorted by version. kInvalidArgument for an unreadable folder or two
// files with one version; other files (no NNN_ prefix or not .sql) are ignored.
Result<std::vector<MigrationFile>> listMigrations(const std::string& dir);

// Splits SQL text into statements at the delimiter (';', or as set by a "DELIMITER x" line) outside
// quotes and comments. Empty statements are dropped.
std::vector<std::string> splitSqlStatements(std::string_view text);

// Applies every migration newer than the highest recorded version, serialised across processes with
// GET_LOCK. Idempotent.
Status applyMigrations(ConnectionManager& manager, const std::string& dir);

}  // namespace gateway::persistence::mysql
