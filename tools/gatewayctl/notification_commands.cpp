#include "notification_commands.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "core/notification_rules.h"
#include "core/party_numbers.h"
#include "csv_import.h"

namespace gateway::tools {
namespace {

namespace nr = core::notification;
using persistence::ContactRecord;

constexpr const char* kHeader = "party_number,email,mobile,reserved,language";

int fail(const Status& status, const std::string& what) {
  std::cerr << "gatewayctl: " << what << ": " << status.message() << "\n";
  return kExitError;
}

int usage(const std::string& message) {
  std::cerr << "gatewayctl: " << message << "\n(see gatewayctl --help)\n";
  return kExitUsage;
}

std::optional<bool> parseFlag(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t.empty() || t == "0" || t == "false" || t == "no") return false;
  if (t == "1" || t == "true" || t == "yes") return true;
  return std::nullopt;
}

std::optional<int> parseLanguage(const std::string& text) {
  if (text.empty()) return nr::kBokmal;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !nr::isSupportedLanguage(value)) return std::nullopt;
  return value;
}

std::optional<std::string> checkContact(const ContactRecord& c) {
  if (c.party_number.size() == 11 && !core::isValidNationalIdentityNumber(c.party_number)) {
    return "'" + c.party_number + "' is not a valid national identity number";
  }
  if (!core::isValidReportee(c.party_number)) {
    return "'" + c.party_number + "' is neither an organisation number (9 digits) nor a national identity number (11)";
  }
  if (!c.email.empty() && !nr::isValidEmail(c.email)) return "'" + c.email + "' is not a valid e-mail address";
  if (!c.mobile.empty() && !nr::isValidMobile(c.mobile)) return "'" + c.mobile + "' is not a valid mobile number";
  return std::nullopt;
}

void printContact(const ContactRecord& c) {
  std::cout << "party_number: " << c.party_number << "\nemail: " << c.email << "\nmobile: " << c.mobile
            << "\nreserved: " << (c.reserved ? "yes" : "no") << "\nlanguage: " << c.language_id << "\n";
}

std::string utc(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::optional<std::string> parseContactLine(const std::string& line, ContactRecord& out) {
  auto fields = splitCsv(line);
  if (!fields) return std::string("unterminated quoted field");
  if (fields->size() != 5) return "expected 5 fields (" + std::string(kHeader) + "), found " + std::to_string(fields->size());
  out = ContactRecord{};
  out.party_number = (*fields)[0];
  out.email = (*fields)[1];
  out.mobile = (*fields)[2];
  auto reserved = parseFlag((*fields)[3]);
  if (!reserved) return "reserved must be true/false, yes/no or 1/0, not '" + (*fields)[3] + "'";
  out.reserved = *reserved;
  auto language = parseLanguage((*fields)[4]);
  if (!language) return "language must be 1044, 2068 or 1033, not '" + (*fields)[4] + "'";
  out.language_id = *language;
  return checkContact(out);
}

int cmdContactImport(persistence::Database& db, const ParsedArgs& args, const std::string& file) {
  return importCsvRecords<ContactRecord>(
      args, file, "contact import", kHeader, "contact(s)", parseContactLine,
      [&db](const std::vector<ContactRecord>& batch) { return db.contacts().upsert(batch); });
}

int cmdContactSet(persistence::Database& db, const ParsedArgs& args) {
  ContactRecord c;
  c.party_number = *args.value("--party");
  auto existing = db.contacts().find(c.party_number);
  if (!existing.ok()) return fail(existing.status(), "contact set");
  if (existing.value()) c = *existing.value();
  if (auto v = args.value("--email")) c.email = *v;
  if (auto v = args.value("--mobile")) c.mobile = *v;
  if (auto v = args.value("--reserved")) {
    auto flag = parseFlag(*v);
    if (!flag) return usage("--reserved must be true or false");
    c.reserved = *flag;
  }
  if (auto v = args.value("--language")) {
    auto language = parseLanguage(*v);
    if (!language) return usage("--language must be 1044, 2068 or 1033");
    c.language_id = *language;
  }
  if (auto reason = checkContact(c)) return usage(*reason);
  if (Status s = db.contacts().upsert({c}); !s.ok()) return fail(s, "contact set");
  printContact(c);
  return kExitOk;
}

int cmdContactShow(persistence::Database& db, const ParsedArgs& args) {
  auto found = db.contacts().find(*args.value("--party"));
  if (!found.ok()) return fail(found.status(), "contact show");
  if (!found.value()) {
    std::cerr << "gatewayctl: contact show: no contact for this party number\n";
    return kExitError;
  }
  printContact(*found.value());
  return kExitOk;
}

int cmdContactRemove(persistence::Database& db, const ParsedArgs& args) {
  if (Status s = db.contacts().remove(*args.value("--party")); !s.ok()) return fail(s, "contact remove");
  std::cout << "removed\n";
  return kExitOk;
}

int cmdTemplateSet(persistence::Database& db, const ParsedArgs& args) {
  persistence::NotificationTemplateRecord t;
  t.notification_type = *args.value("--type");
  if (t.notification_type.empty() || t.notification_type.size() > 100) return usage("--type must be 1-100 characters");
  auto language = parseLanguage(*args.value("--language"));
  if (!language) return usage("--language must be 1044, 2068 or 1033");
  t.language_id = *language;
  t.email_subject = args.value("--email-subject").value_or("");
  if (auto file = args.value("--email-body-file")) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      std::cerr << "gatewayctl: template set: cannot open " << *file << "\n";
      return kExitError;
    }
    std::ostringstream body;
    body << in.rdbuf();
    t.email_body = body.str();
  } else if (auto body = args.value("--email-body")) {
    t.email_body = *body;
  }
  t.sms_text = args.value("--sms-text").value_or("");
  if (t.email_body.empty() && t.sms_text.empty()) return usage("give an e-mail body, an SMS text or both");
  if (!t.email_body.empty() && t.email_subject.empty()) return usage("an e-mail body needs --email-subject");
  if (Status s = db.notifications().putTemplate(t); !s.ok()) return fail(s, "template set");
  std::cout << "template " << t.notification_type << " (" << t.language_id << ") stored\n";
  return kExitOk;
}

int cmdTemplateList(persistence::Database& db) {
  auto all = db.notifications().listTemplates();
  if (!all.ok()) return fail(all.status(), "template list");
  for (const auto& t : all.value()) {
    std::cout << t.notification_type << "\t" << t.language_id << "\temail=" << (t.email_body.empty() ? "no" : "yes")
              << "\tsms=" << (t.sms_text.empty() ? "no" : "yes") << "\tsubject=" << t.email_subject << "\n";
  }
  return kExitOk;
}

int cmdNotificationList(persistence::Database& db, const ParsedArgs& args) {
  persistence::OutboxQuery query;
  query.dead_only = args.has("--dead");
  if (auto code = args.value("--owner")) {
    auto owners = db.provisioning().listServiceOwners();
    if (!owners.ok()) return fail(owners.status(), "notification list");
    for (const auto& o : owners.value()) {
      if (o.code == *code) query.owner_id = o.id;
    }
    if (!query.owner_id) return usage("no service owner with code " + *code);
  }
  if (auto limit = args.value("--limit")) {
    auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), query.limit);
    if (ec != std::errc() || ptr != limit->data() + limit->size() || query.limit < 1) {
      return usage("--limit must be a whole number >= 1");
    }
  }
  auto found = db.notifications().list(query);
  if (!found.ok()) return fail(found.status(), "notification list");
  std::cout << "id\tstate\ttransport\trecipient\tattempts\tcreated\tsent\tlast_error\n";
  for (const auto& m : found.value()) {
    std::cout << m.id << "\t" << persistence::outboxStateName(m.state) << "\t"
              << persistence::outboxTransportName(m.transport) << "\t" << m.recipient << "\t" << m.attempts << "\t"
              << utc(m.created_at) << "\t" << (m.sent_at ? utc(*m.sent_at) : "-") << "\t"
              << (m.last_error.empty() ? "-" : m.last_error) << "\n";
  }
  return kExitOk;
}

int cmdNotificationRedrive(persistence::Database& db, const std::string& id_text) {
  persistence::Id id = 0;
  auto [ptr, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || ptr != id_text.data() + id_text.size() || id < 1) return usage("ID must be a message id");
  if (Status s = db.notifications().redrive(id); !s.ok()) return fail(s, "notification redrive");
  std::cout << "notification " << id << " is pending again\n";
  return kExitOk;
}

}  // namespace gateway::tools
