#include "batch_insert.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>

#include <memory>

namespace gateway::persistence::mysql {
namespace {

void executeRows(Session& session, const RowsSpec& spec, std::size_t begin, std::size_t count) {
  auto& statement = session.prepare(spec.head + placeholderRows(spec.tuple, count) + spec.returning);
  Params params(statement);
  for (std::size_t row = begin; row < begin + count; ++row) spec.bind_row(params, row);
  if (spec.returning.empty()) {
    statement.executeUpdate();
    return;
  }
  std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
  std::size_t row = begin;
  while (rows->next()) {
    if (row == begin + count) throw sql::SQLException("RETURNING gave more rows than inserted", "HY000", 0);
    spec.read_row(*rows, row++);
  }
  if (row != begin + count) throw sql::SQLException("RETURNING gave fewer rows than inserted", "HY000", 0);
}

}  // namespace

void insertRows(Session& session, const RowsSpec& spec, std::size_t total) {
  std::size_t begin = 0;
  while (begin < total) {
    std::size_t end = begin, bytes = 0;
    while (end < total && end - begin < kMaxRowsPerStatement) {
      const std::size_t row_bytes = spec.bytes_of ? spec.bytes_of(end) : 0;
      if (end > begin && bytes + row_bytes > kMaxStatementBytes) break;
      bytes += row_bytes;
      ++end;
    }
    for (std::size_t left = end - begin; left > 0;) {
      std::size_t size = kMaxRowsPerStatement;
      while (size > left) size >>= 1;
      executeRows(session, spec, begin, size);
      begin += size;
      left -= size;
    }
  }
}

}  // namespace gateway::persistence::mysql
