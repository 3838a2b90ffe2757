#pragma once
// Small helpers shared by the MariaDB repositories: ordered parameter binding, column readers,
// placeholder lists and the text forms of enums as stored. Internal to persistence_mysql.

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "persistence/records.h"

namespace gateway::persistence::mysql {

// Times are stored as DATETIME(6) holding UTC. These convert without depending on the session time
// zone (TIMESTAMPDIFF/TIMESTAMPADD do plain calendar arithmetic).
inline std::string epochOf(std::string_view column) {
  return "TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', " + std::string(column) + ")";
}
inline constexpr const char* kDatetimeFromEpochParam = "TIMESTAMPADD(SECOND, ?, '1970-01-01 00:00:00')";

// Binds parameters left to right: Params(stmt).id(1).str("x").
class Params {
 public:
  explicit Params(sql::PreparedStatement& statement) : statement_(statement) {}
  Params& id(Id value) {
    statement_.setInt64(++index_, value);
    return *this;
  }
  Params& i64(std::int64_t value) {
    statement_.setInt64(++index_, value);
    return *this;
  }
  Params& i32(int value) {
    statement_.setInt(++index_, value);
    return *this;
  }
  Params& str(const std::string& value) {
    statement_.setString(++index_, value);
    return *this;
  }
  Params& boolean(bool value) {
    statement_.setBoolean(++index_, value);
    return *this;
  }
  Params& null(int sql_type) {
    statement_.setNull(++index_, sql_type);
    return *this;
  }
  // A value, or NULL when empty.
  Params& optId(const std::optional<Id>& value) { return value ? id(*value) : null(sql::DataType::BIGINT); }
  Params& optI64(const std::optional<std::int64_t>& value) { return value ? i64(*value) : null(sql::DataType::BIGINT); }
  Params& optI32(const std::optional<int>& value) { return value ? i32(*value) : null(sql::DataType::INTEGER); }
  Params& optBoolean(const std::optional<bool>& value) {
    return value ? boolean(*value) : null(sql::DataType::TINYINT);
  }
  unsigned count() const { return index_; }

 private:
  sql::PreparedStatement& statement_;
  unsigned index_ = 0;
};

inline std::string getString(const sql::ResultSet& rows, std::uint32_t column) {
  return rows.getString(column).asStdString();
}
inline std::optional<Id> getOptionalId(const sql::ResultSet& rows, std::uint32_t column) {
  if (rows.isNull(column)) return std::nullopt;
  return rows.getInt64(column);
}
inline std::optional<int> getOptionalInt(const sql::ResultSet& rows, std::uint32_t column) {
  if (rows.isNull(column)) return std::nullopt;
  return rows.getInt(column);
}

// "(?,?),(?,?),..." for `count` rows of `tuple` (e.g. "(?,?)").
inline std::string placeholderRows(std::string_view tuple, std::size_t count) {
  std::string out;
  out.reserve((tuple.size() + 1) * count);
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += ',';
    out += tuple;
  }
  return out;
}

// IN-lists are padded to a power of two (repeating the last value) so that only a handful of
// statement texts exist per query and the per-connection statement cache stays small.
inline std::size_t bucketSize(std::size_t count) {
  std::size_t size = 1;
  while (size < count) size <<= 1;
  return size;
}

// Multi-row INSERTs are cut into chunks of at most this many rows.
inline constexpr std::size_t kInsertChunkRows = 32;

// Archive references are "AR" + the submission id (decimal, no leading zeros); nothing else is one.
std::string archiveReferenceOf(Id submission_id);
std::optional<Id> submissionIdOf(std::string_view archive_reference);

const char* receiptStatusName(ReceiptStatus status);
ReceiptStatus receiptStatusFromName(std::string_view name);
const char* shipmentStatusName(ShipmentStatus status);
ShipmentStatus shipmentStatusFromName(std::string_view name);
const char* systemRoleName(SystemRole role);
SystemRole systemRoleFromName(std::string_view name);

}  // namespace gateway::persistence::mysql
