#pragma once
// Multi-row INSERTs for group commit: many rows of one table in as few statements as possible, each
// statement a power-of-two number of rows (so a connection prepares at most seven texts per table)
// and bounded in rows and bytes. Shared by the submission and correspondence batch writers.
// Internal to persistence_mysql.

#include <cppconn/resultset.h>

#include <cstddef>
#include <functional>
#include <string>

#include "connection_manager.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {

// A statement inserts at most this many rows and, after the first row, at most about this many bytes
// of values (under MariaDB's default max_allowed_packet of 16 MiB).
inline constexpr std::size_t kMaxRowsPerStatement = 64;
inline constexpr std::size_t kMaxStatementBytes = 4u << 20;

using BindRow = std::function<void(Params&, std::size_t row)>;
using ReadRow = std::function<void(const sql::ResultSet&, std::size_t row)>;

struct RowsSpec {
  std::string head;       // "INSERT INTO t (a, b) VALUES "
  std::string tuple;      // "(?,?)"
  std::string returning;  // "" or " RETURNING id, ..."; read_row gets the returned rows in order
  BindRow bind_row;       // binds row `row` (0 .. total-1) left to right
  ReadRow read_row;       // with `returning` only
  std::function<std::size_t(std::size_t row)> bytes_of;  // optional: size of a row's values
};

// Inserts rows 0 .. total-1 of `spec` in the caller's transaction. Throws sql::SQLException on any
// failure (and when RETURNING gives another number of rows than were inserted); the caller rolls
// back. total == 0 does nothing.
void insertRows(Session& session, const RowsSpec& spec, std::size_t total);

}  // namespace gateway::persistence::mysql
