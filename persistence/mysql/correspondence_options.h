#pragma once
// The options of a correspondence beyond 010's columns (migration 013): OnBehalfOfOrgNr, SdpOptions
// with the recorded SDP status (plain columns of `correspondence`) and the reply options (child table
// correspondence_reply_option). Internal to persistence_mysql; every function runs in the caller's
// transaction and throws sql::SQLException on failure (the caller rolls back as a whole).

#include <cstdint>
#include <string>

#include <cppconn/resultset.h>

#include "connection_manager.h"
#include "persistence/correspondence_repository.h"

namespace gateway::persistence::mysql {

// Whether `c` carries anything writeCorrespondenceOptions() writes (nothing to do otherwise).
bool hasCorrespondenceOptions(const CorrespondenceRecord& c);
// Writes OnBehalfOfOrgNr, the SdpOptions columns and the reply options of the correspondence row
// `correspondence_id` just inserted: one UPDATE plus one INSERT per reply option.
void writeCorrespondenceOptions(Session& session, Id correspondence_id, const CorrespondenceRecord& c);

// The SELECT list (table alias `c`) of the option columns, to append after the others;
// readCorrespondenceOptions() reads them starting at `first_column` (1-based).
std::string correspondenceOptionColumns();
inline constexpr std::uint32_t kCorrespondenceOptionColumnCount = 15;
void readCorrespondenceOptions(const sql::ResultSet& rows, std::uint32_t first_column, CorrespondenceRecord& c);

// Loads c.reply_options (in the order given) for c.id.
void loadReplyOptions(Session& session, CorrespondenceRecord& c);

}  // namespace gateway::persistence::mysql
