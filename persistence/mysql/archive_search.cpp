// SubmissionRepository::searchArchive: the service owner's archive search (ArchiveCommon).
// One prepared statement built from the criteria given; the owner filter is always first, so
// another owner's rows are never read.

#include <memory>

#include "mysql_repositories.h"
#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

// LIKE pattern matching `text` anywhere, with LIKE's own characters escaped by '!'.
std::string containsPattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') pattern += '!';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace

Result<SubmissionRepository::ArchiveSearchPage> MysqlSubmissionRepository::searchArchive(Id owner_id,
                                                                                        const ArchiveSearch& query,
                                                                                        int limit) {
  if (limit < 1) return Status::InvalidArgument("archive search: limit must be positive");
  ArchiveSearchPage page;
  Status status = db_.run(TransactionMode::kAutocommit, "submission.searchArchive", [&](Session& session) {
    page = ArchiveSearchPage();
    std::string sql_text = "SELECT s.id, s.reportee, " + epochOf("s.archived_at") +
                           ", sv.code, sv.edition, sv.name, s.system_id, s.case_id "
                           "FROM submission s JOIN service sv ON sv.id = s.service_id WHERE s.owner_id = ?";
    if (query.reportee) sql_text += " AND s.reportee = ?";
    if (query.from) sql_text += std::string(" AND s.archived_at >= ") + kDatetimeFromEpochParam;
    // `to` is inclusive to the second: everything before the next whole second.
    if (query.to) sql_text += std::string(" AND s.archived_at < TIMESTAMPADD(SECOND, 1, ") + kDatetimeFromEpochParam + ")";
    if (query.submission_id) sql_text += " AND s.id = ?";
    if (query.case_id) sql_text += " AND s.case_id = ?";
    if (query.service_name_contains) sql_text += " AND LOWER(sv.name) LIKE LOWER(?) ESCAPE '!'";
    if (query.system_username) sql_text += " AND s.system_id = (SELECT sy.id FROM system sy WHERE sy.username = ?)";
    sql_text += " ORDER BY s.archived_at DESC, s.id DESC LIMIT ?";

    auto& statement = session.prepare(sql_text);
    Params params(statement);
    params.id(owner_id);
    if (query.reportee) params.str(*query.reportee);
    if (query.from) params.i64(static_cast<std::int64_t>(*query.from));
    if (query.to) params.i64(static_cast<std::int64_t>(*query.to));
    if (query.submission_id) params.id(*query.submission_id);
    if (query.case_id) params.i32(*query.case_id);
    if (query.service_name_contains) params.str(containsPattern(*query.service_name_contains));
    if (query.system_username) params.str(*query.system_username);
    params.i32(limit + 1);  // one more than asked tells whether the limit was reached

    std::unique_ptr<sql::ResultSet> rows(statement.executeQuery());
    while (rows->next()) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.limit_reached = true;
        break;
      }
      ArchiveElement e;
      e.submission_id = rows->getInt64(1);
      e.archive_reference = archiveReferenceOf(e.submission_id);
      e.reportee = getString(*rows, 2);
      e.archived_at = static_cast<std::time_t>(rows->getInt64(3));
      e.service_code = getString(*rows, 4);
      e.service_edition = rows->getInt(5);
      e.service_name = getString(*rows, 6);
      e.system_id = rows->getInt64(7);
      e.case_id = getOptionalInt(*rows, 8);
      page.items.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return page;
}

}  // namespace gateway::persistence::mysql
