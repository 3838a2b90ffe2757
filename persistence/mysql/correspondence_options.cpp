#include "correspondence_options.h"

#include <memory>
#include <sstream>

#include "sql_util.h"

namespace gateway::persistence::mysql {
namespace {

std::string joinDays(const std::vector<unsigned>& days) {
  std::string out;
  for (unsigned d : days) {
    if (!out.empty()) out += ',';
    out += std::to_string(d);
  }
  return out;
}

std::vector<unsigned> splitDays(const std::string& text) {
  std::vector<unsigned> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(static_cast<unsigned>(std::stoul(part)));
  }
  return out;
}

void bindOptionalText(sql::PreparedStatement& statement, unsigned index, const std::optional<std::string>& value) {
  if (value) {
    statement.setString(index, *value);
  } else {
    statement.setNull(index, sql::DataType::VARCHAR);
  }
}

std::optional<SdpNotificationRecord> readNotification(const sql::ResultSet& rows, std::uint32_t address,
                                                      std::uint32_t text, std::uint32_t repetitions) {
  if (rows.isNull(address)) return std::nullopt;
  SdpNotificationRecord n;
  n.address = getString(rows, address);
  n.text = rows.isNull(text) ? std::string() : getString(rows, text);
  n.repetitions = splitDays(getString(rows, repetitions));
  return n;
}

}  // namespace

bool hasCorrespondenceOptions(const CorrespondenceRecord& c) {
  return !c.on_behalf_of_org_nr.empty() || c.sdp || !c.reply_options.empty();
}

void writeCorrespondenceOptions(Session& session, Id correspondence_id, const CorrespondenceRecord& c) {
  if (!c.on_behalf_of_org_nr.empty() || c.sdp) {
    auto& update = session.prepare(
        "UPDATE correspondence SET on_behalf_of_org_nr = ?, sdp_setting = ?, sdp_backup_altinn = ?, "
        "sdp_primary_document = ?, sdp_title = ?, sdp_not_sensitive_title = ?, "
        "sdp_visible_at = IF(? = 0, NULL, " + std::string(kDatetimeFromEpochParam) + "), "
        "sdp_email_address = ?, sdp_email_text = ?, sdp_email_repetitions = ?, "
        "sdp_sms_number = ?, sdp_sms_text = ?, sdp_sms_repetitions = ?, "
        "sdp_status = ?, sdp_status_at = IF(? = 0, NULL, " + kDatetimeFromEpochParam + ") WHERE id = ?");
    const SdpRecord none;
    const SdpRecord& sdp = c.sdp ? *c.sdp : none;
    unsigned i = 0;
    update.setString(++i, c.on_behalf_of_org_nr);
    bindOptionalText(update, ++i, c.sdp ? std::optional<std::string>(sdp.setting) : std::nullopt);
    if (c.sdp && sdp.backup_altinn) {
      update.setBoolean(++i, *sdp.backup_altinn);
    } else {
      update.setNull(++i, sql::DataType::TINYINT);
    }
    update.setString(++i, sdp.primary_document_file_name);
    update.setString(++i, sdp.title);
    update.setString(++i, sdp.not_sensitive_title);
    update.setInt(++i, sdp.visible_at ? 1 : 0);
    update.setInt64(++i, static_cast<std::int64_t>(sdp.visible_at.value_or(0)));
    for (const auto* n : {&sdp.email, &sdp.sms}) {
      bindOptionalText(update, ++i, *n ? std::optional<std::string>((*n)->address) : std::nullopt);
      bindOptionalText(update, ++i, *n ? std::optional<std::string>((*n)->text) : std::nullopt);
      update.setString(++i, *n ? joinDays((*n)->repetitions) : std::string());
    }
    bindOptionalText(update, ++i, c.sdp ? std::optional<std::string>(sdpStatusName(sdp.status)) : std::nullopt);
    update.setInt(++i, c.sdp ? 1 : 0);
    update.setInt64(++i, static_cast<std::int64_t>(c.sdp ? sdp.status_at : 0));
    update.setInt64(++i, correspondence_id);
    update.executeUpdate();
  }
  if (!c.reply_options.empty()) {
    auto& insert = session.prepare(
        "INSERT INTO correspondence_reply_option (correspondence_id, kind, service_code, service_edition, "
        "archive_reference, link_url, link_text) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& r : c.reply_options) {
      Params(insert)
          .id(correspondence_id)
          .str(replyOptionKindName(r.kind))
          .str(r.service_code)
          .optI32(r.service_edition)
          .str(r.archive_reference)
          .str(r.link_url)
          .str(r.link_text);
      insert.executeUpdate();
    }
  }
}

std::string correspondenceOptionColumns() {
  return "c.on_behalf_of_org_nr, c.sdp_setting, c.sdp_backup_altinn, c.sdp_primary_document, c.sdp_title, "
         "c.sdp_not_sensitive_title, IF(c.sdp_visible_at IS NULL, NULL, " + epochOf("c.sdp_visible_at") +
         "), c.sdp_email_address, c.sdp_email_text, c.sdp_email_repetitions, c.sdp_sms_number, c.sdp_sms_text, "
         "c.sdp_sms_repetitions, c.sdp_status, IF(c.sdp_status_at IS NULL, NULL, " + epochOf("c.sdp_status_at") + ")";
}

void readCorrespondenceOptions(const sql::ResultSet& rows, std::uint32_t first, CorrespondenceRecord& c) {
  c.on_behalf_of_org_nr = getString(rows, first);
  if (rows.isNull(first + 1)) return;
  SdpRecord sdp;
  sdp.setting = getString(rows, first + 1);
  if (!rows.isNull(first + 2)) sdp.backup_altinn = rows.getBoolean(first + 2);
  sdp.primary_document_file_name = getString(rows, first + 3);
  sdp.title = getString(rows, first + 4);
  sdp.not_sensitive_title = getString(rows, first + 5);
  if (auto v = getOptionalId(rows, first + 6)) sdp.visible_at = static_cast<std::time_t>(*v);
  sdp.email = readNotification(rows, first + 7, first + 8, first + 9);
  sdp.sms = readNotification(rows, first + 10, first + 11, first + 12);
  sdp.status = rows.isNull(first + 13) ? SdpStatus::kUnknown : sdpStatusFromName(getString(rows, first + 13));
  sdp.status_at = static_cast<std::time_t>(getOptionalId(rows, first + 14).value_or(0));
  c.sdp = std::move(sdp);
}

void loadReplyOptions(Session& session, CorrespondenceRecord& c) {
  auto& select = session.prepare(
      "SELECT kind, service_code, service_edition, archive_reference, link_url, link_text "
      "FROM correspondence_reply_option WHERE correspondence_id = ? ORDER BY id");
  Params(select).id(c.id);
  std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
  while (rows->next()) {
    CorrespondenceReplyOptionRecord r;
    const std::string kind = getString(*rows, 1);
    r.kind = kind == "Service"            ? CorrespondenceReplyOptionRecord::Kind::kService
             : kind == "ArchiveReference" ? CorrespondenceReplyOptionRecord::Kind::kArchiveReference
                                          : CorrespondenceReplyOptionRecord::Kind::kUrl;
    r.service_code = getString(*rows, 2);
    r.service_edition = getOptionalInt(*rows, 3);
    r.archive_reference = getString(*rows, 4);
    r.link_url = getString(*rows, 5);
    r.link_text = getString(*rows, 6);
    c.reply_options.push_back(std::move(r));
  }
}

}  // namespace gateway::persistence::mysql
