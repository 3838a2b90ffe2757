#include "gatewayctl.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "auth/certificate_identity.h"
#include "auth/password_hash.h"
#include "cli_args.h"
#include "config/gateway_config.h"
#include "core/party_numbers.h"
#include "contact_role_commands.h"
#include "notification_commands.h"
#include "sftp_commands.h"
#include "storage_commands.h"
#include "persistence/database.h"

namespace gateway::tools {
namespace {

using persistence::Database;

struct Context {
  const ParsedArgs& args;
  std::vector<std::string> positional;
  config::GatewayConfig config;
  std::unique_ptr<Database> db;
};

struct Command {
  std::vector<std::string> words;
  std::vector<std::string> required;    // options that must be given
  std::vector<std::string> optional;    // options that may be given
  std::vector<std::string> repeatable;  // options that may be given more than once
  std::vector<std::string> flags;
  std::vector<std::string> positional;  // names of positional arguments
  bool needs_database = true;
  const char* synopsis;
  const char* help;
  std::function<int(Context&)> run;
};

// ------------------------------------------------------------------------------------------------
// Output helpers

int usageError(const std::string& message) {
  std::cerr << "gatewayctl: " << message << "\n(see gatewayctl --help)\n";
  return kExitUsage;
}

int failed(const Status& status, const std::string& what) {
  std::cerr << "gatewayctl: " << what << ": " << status.message() << "\n";
  return status.code() == StatusCode::kAlreadyExists ? kExitAlreadyExists : kExitError;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// ------------------------------------------------------------------------------------------------
// Input validation

bool matches(const std::string& value, const char* pattern) { return std::regex_match(value, std::regex(pattern)); }

std::optional<std::string> checkCode(const std::string& what, const std::string& value) {
  if (!matches(value, "[A-Za-z0-9_-]{1,32}")) return what + " must be 1-32 letters, digits, '-' or '_'";
  return std::nullopt;
}

std::optional<std::string> checkOrgNumber(const std::string& value) {
  if (!core::isValidOrganisationNumber(value)) {
    return "'" + value + "' is not a valid organisation number (9 digits with a mod-11 check digit)";
  }
  return std::nullopt;
}

std::optional<std::string> checkName(const std::string& value) {
  if (value.empty() || value.size() > 255) return std::string("name must be 1-255 characters");
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return std::string("name must not contain control characters");
  }
  return std::nullopt;
}

std::optional<std::string> checkUsername(const std::string& value) {
  if (!matches(value, "[A-Za-z0-9._@-]{1,64}")) return std::string("username must be 1-64 letters, digits, '.', '_', '@' or '-'");
  return std::nullopt;
}

bool parsePositiveInt(const std::string& text, int& out, bool allow_zero = false) {
  long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value > INT_MAX) return false;
  if (value < (allow_zero ? 0 : 1)) return false;
  out = static_cast<int>(value);
  return true;
}

std::optional<std::string> parseFormat(const std::string& text, persistence::DataFormat& out) {
  auto colon = text.find(':');
  if (colon == std::string::npos) return "format '" + text + "' must be ID:VERSION (e.g. 5703:34)";
  out.id = text.substr(0, colon);
  if (!matches(out.id, "[A-Za-z0-9_-]{1,32}")) return "format '" + text + "': ID must be 1-32 letters, digits, '-' or '_'";
  if (!parsePositiveInt(text.substr(colon + 1), out.version, true)) {
    return "format '" + text + "': VERSION must be a whole number >= 0";
  }
  return std::nullopt;
}

// The password from --password-env VAR, else one line of standard input (not echoed on a terminal).
std::optional<std::string> readPassword(const ParsedArgs& args, const std::string& username, std::string& error) {
  std::string password;
  if (auto var = args.value("--password-env")) {
    const char* value = std::getenv(var->c_str());
    if (value == nullptr) {
      error = "environment variable " + *var + " is not set";
      return std::nullopt;
    }
    password = value;
  } else {
    const bool tty = ::isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
      std::cerr << "Password for " << username << ": " << std::flush;
      ::tcgetattr(STDIN_FILENO, &saved);
      termios quiet = saved;
      quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    bool got = static_cast<bool>(std::getline(std::cin, password));
    if (tty) {
      ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
      std::cerr << "\n";
    }
    if (!got && password.empty()) {
      error = "no password: give one line on standard input or use --password-env VAR";
      return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  if (password.empty()) {
    error = "the password must not be empty";
    return std::nullopt;
  }
  if (password.size() > 1024) {
    error = "the password is longer than 1024 bytes";
    return std::nullopt;
  }
  return password;
}

const char* roleName(persistence::SystemRole role) {
  return role == persistence::SystemRole::kServiceOwner ? "owner" : "enduser";
}

// ------------------------------------------------------------------------------------------------
// Commands

int cmdMigrate(Context& ctx) {
  std::string dir = ctx.args.value("--dir").value_or(ctx.config.migrations_dir);
  if (dir.empty()) return usageError("no migrations folder: pass --dir DIR or set migrations.dir in the config");
  Status s = ctx.db->migrate(dir);
  if (!s.ok()) return failed(s, "migrate");
  std::cout << "migrations up to date (" << dir << ")\n";
  return kExitOk;
}

int cmdOwnerAdd(Context& ctx) {
  persistence::ServiceOwnerRecord owner;
  owner.code = *ctx.args.value("--code");
  owner.org_number = *ctx.args.value("--org");
  owner.name = *ctx.args.value("--name");
  if (auto e = checkCode("--code", owner.code)) return usageError(*e);
  if (auto e = checkOrgNumber(owner.org_number)) return usageError(*e);
  if (auto e = checkName(owner.name)) return usageError(*e);
  auto added = ctx.db->provisioning().addServiceOwner(owner);
  if (added.ok()) {
    std::cout << "service owner " << owner.code << " added\n";
    return kExitOk;
  }
  if (added.status().code() == StatusCode::kAlreadyExists && ctx.args.has("--if-missing")) {
    auto owners = ctx.db->provisioning().listServiceOwners();
    if (!owners.ok()) return failed(owners.status(), "owner add");
    for (const auto& o : owners.value()) {
      if (o.code == owner.code && o.org_number == owner.org_number) {
        std::cout << "service owner " << owner.code << " exists; unchanged\n";
        return kExitOk;
      }
    }
    std::cerr << "gatewayctl: owner add: the code or org number is taken by a different service owner\n";
    return kExitAlreadyExists;
  }
  return failed(added.status(), "owner add");
}

int cmdOwnerList(Context& ctx) {
  auto owners = ctx.db->provisioning().listServiceOwners();
  if (!owners.ok()) return failed(owners.status(), "owner list");
  std::cout << "code\torg_number\tname\n";
  for (const auto& o : owners.value()) std::cout << o.code << '\t' << o.org_number << '\t' << o.name << '\n';
  return kExitOk;
}

int cmdSystemAdd(Context& ctx) {
  persistence::SystemRecord system;
  system.username = *ctx.args.value("--username");
  system.org_number = *ctx.args.value("--org");
  const std::string role = *ctx.args.value("--role");
  if (auto e = checkUsername(system.username)) return usageError(*e);
  if (auto e = checkOrgNumber(system.org_number)) return usageError(*e);
  if (role == "owner") {
    system.role = persistence::SystemRole::kServiceOwner;
    auto owner = ctx.args.value("--owner");
    if (!owner) return usageError("--role owner needs --owner CODE");
    if (auto e = checkCode("--owner", *owner)) return usageError(*e);
    system.owner_code = *owner;
  } else if (role == "enduser") {
    system.role = persistence::SystemRole::kEndUser;
    if (ctx.args.has("--owner")) return usageError("--owner is only for --role owner");
  } else {
    return usageError("--role must be owner or enduser");
  }

  if (ctx.args.has("--if-missing")) {
    auto existing = ctx.db->systems().findByUsername(system.username);
    if (!existing.ok()) return failed(existing.status(), "system add");
    if (existing.value()) {
      const auto& e = *existing.value();
      if (e.role == system.role && e.org_number == system.org_number && e.owner_code == system.owner_code) {
        std::cout << "system " << system.username << " exists; unchanged\n";
        return kExitOk;
      }
      std::cerr << "gatewayctl: system add: system " << system.username << " exists with other settings\n";
      return kExitAlreadyExists;
    }
  }

  std::string error;
  auto password = readPassword(ctx.args, system.username, error);
  if (!password) return usageError(error);
  auto hash = auth::hashPassword(*password);
  if (!hash.ok()) return failed(hash.status(), "system add");
  system.password_hash = hash.value();
  auto added = ctx.db->provisioning().addSystem(system);
  if (!added.ok()) {
    if (added.status().code() == StatusCode::kAlreadyExists && ctx.args.has("--if-missing")) {
      std::cout << "system " << system.username << " exists; unchanged\n";  // added concurrently
      return kExitOk;
    }
    return failed(added.status(), "system add");
  }
  std::cout << "system " << system.username << " added (" << role << ")\n";
  return kExitOk;
}

int cmdSystemPasswd(Context& ctx) {
  const std::string username = *ctx.args.value("--username");
  if (auto e = checkUsername(username)) return usageError(*e);
  std::string error;
  auto password = readPassword(ctx.args, username, error);
  if (!password) return usageError(error);
  auto hash = auth::hashPassword(*password);
  if (!hash.ok()) return failed(hash.status(), "system passwd");
  Status s = ctx.db->provisioning().setSystemPassword(username, hash.value());
  if (!s.ok()) return failed(s, "system passwd");
  std::cout << "password of " << username << " changed\n";
  return kExitOk;
}

int cmdSystemSetActive(Context& ctx, bool active) {
  const std::string username = *ctx.args.value("--username");
  if (auto e = checkUsername(username)) return usageError(*e);
  Status s = ctx.db->provisioning().setSystemActive(username, active);
  if (!s.ok()) return failed(s, active ? "system enable" : "system disable");
  std::cout << "system " << username << (active ? " enabled\n" : " disabled\n");
  return kExitOk;
}

int cmdSystemList(Context& ctx) {
  auto systems = ctx.db->provisioning().listSystems();
  if (!systems.ok()) return failed(systems.status(), "system list");
  std::cout << "username\torg_number\trole\towner\tactive\tcredential_version\n";
  for (const auto& s : systems.value()) {
    std::cout << s.username << '\t' << s.org_number << '\t' << roleName(s.role) << '\t'
              << (s.owner_code.empty() ? "-" : s.owner_code) << '\t' << (s.active ? "yes" : "no") << '\t'
              << s.credential_version << '\n';
  }
  return kExitOk;
}

int cmdServiceAdd(Context& ctx) {
  persistence::ServiceRecord service;
  service.owner_code = *ctx.args.value("--owner");
  service.code = *ctx.args.value("--code");
  service.name = *ctx.args.value("--name");
  service.kind = ctx.args.value("--kind").value_or("FormTask");
  if (auto e = checkCode("--owner", service.owner_code)) return usageError(*e);
  if (auto e = checkCode("--code", service.code)) return usageError(*e);
  if (auto e = checkName(service.name)) return usageError(*e);
  if (!parsePositiveInt(*ctx.args.value("--edition"), service.edition)) {
    return usageError("--edition must be a whole number greater than 0");
  }
  if (!matches(service.kind, "[A-Za-z]{1,32}")) return usageError("--kind must be a word such as FormTask");
  for (const std::string& text : ctx.args.values("--format")) {
    persistence::DataFormat format;
    if (auto e = parseFormat(text, format)) return usageError(*e);
    service.formats.push_back(format);
  }

  if (ctx.args.has("--if-missing")) {
    auto existing = ctx.db->services().find(service.code, service.edition);
    if (!existing.ok()) return failed(existing.status(), "service add");
    if (existing.value()) {
      if (existing.value()->owner_code == service.owner_code) {
        std::cout << "service " << service.code << " edition " << service.edition << " exists; unchanged\n";
        return kExitOk;
      }
      std::cerr << "gatewayctl: service add: service " << service.code << " edition " << service.edition
                << " belongs to another owner\n";
      return kExitAlreadyExists;
    }
  }
  auto added = ctx.db->provisioning().addService(service);
  if (!added.ok()) return failed(added.status(), "service add");
  std::cout << "service " << service.code << " edition " << service.edition << " added for " << service.owner_code
            << "\n";
  return kExitOk;
}

int cmdServiceList(Context& ctx) {
  auto services = ctx.db->provisioning().listServices();
  if (!services.ok()) return failed(services.status(), "service list");
  std::cout << "owner\tcode\tedition\tkind\tformats\tname\n";
  for (const auto& s : services.value()) {
    std::string formats;
    for (const auto& f : s.formats) {
      if (!formats.empty()) formats += ',';
      formats += f.id + ":" + std::to_string(f.version);
    }
    std::cout << s.owner_code << '\t' << s.code << '\t' << s.edition << '\t' << s.kind << '\t'
              << (formats.empty() ? "-" : formats) << '\t' << s.name << '\n';
  }
  return kExitOk;
}

std::optional<std::string> checkReportee(const std::string& value) {
  if (!core::isValidReportee(value)) {
    return "'" + value + "' is neither a valid organisation number (9 digits) nor a valid national identity number "
           "(11 digits)";
  }
  return std::nullopt;
}

int cmdReporteeGrant(Context& ctx) {
  const std::string system = *ctx.args.value("--system");
  const std::string reportee = *ctx.args.value("--reportee");
  if (auto e = checkUsername(system)) return usageError(*e);
  if (auto e = checkReportee(reportee)) return usageError(*e);
  Status s = ctx.db->provisioning().grantReportee(system, reportee);
  if (s.code() == StatusCode::kAlreadyExists && ctx.args.has("--if-missing")) {
    std::cout << "reportee already granted to " << system << "; unchanged\n";
    return kExitOk;
  }
  if (!s.ok()) return failed(s, "reportee grant");
  std::cout << "reportee granted to " << system << "\n";
  return kExitOk;
}

int cmdReporteeRevoke(Context& ctx) {
  const std::string system = *ctx.args.value("--system");
  const std::string reportee = *ctx.args.value("--reportee");
  if (auto e = checkUsername(system)) return usageError(*e);
  if (auto e = checkReportee(reportee)) return usageError(*e);
  Status s = ctx.db->provisioning().revokeReportee(system, reportee);
  if (!s.ok()) return failed(s, "reportee revoke");
  std::cout << "reportee revoked from " << system << "\n";
  return kExitOk;
}

int cmdReporteeList(Context& ctx) {
  const std::string system = *ctx.args.value("--system");
  if (auto e = checkUsername(system)) return usageError(*e);
  auto reportees = ctx.db->provisioning().listReportees(system);
  if (!reportees.ok()) return failed(reportees.status(), "reportee list");
  for (const auto& r : reportees.value()) std::cout << r << '\n';
  return kExitOk;
}

int cmdCertShow(Context& ctx) {
  const std::string& path = ctx.positional.at(0);
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "r"), &std::fclose);
  if (!file) {
    std::cerr << "gatewayctl: cert show: cannot open " << path << "\n";
    return kExitError;
  }
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) {
    std::cerr << "gatewayctl: cert show: " << path << " holds no PEM certificate\n";
    return kExitError;
  }
  auth::CertificateIdentity identity = auth::identityFromCertificate(cert.get());
  std::cout << "org_number: " << identity.org_number.value_or("(none: the gateway refuses this certificate)") << '\n'
            << "subject: " << identity.subject << '\n'
            << "sha256_fingerprint: " << identity.sha256_fingerprint << '\n';
  return kExitOk;
}

// Push channel (docs/operations.md). The receiver password is a credential the owner gave us to
// present to its receiver: stored as given (it must be sent), never printed.
int cmdServiceChannel(Context& ctx) {
  const std::string code = *ctx.args.value("--code");
  int edition = 0;
  if (auto e = checkCode("--code", code)) return usageError(*e);
  if (!parsePositiveInt(*ctx.args.value("--edition"), edition)) {
    return usageError("--edition must be a whole number greater than 0");
  }
  const bool push = ctx.args.has("--push");
  const bool batch = ctx.args.has("--batch");
  if (int(push) + int(batch) + int(ctx.args.has("--queue")) != 1) {
    return usageError("give exactly one of --push URL, --batch or --queue");
  }
  persistence::DeliveryChannel channel;
  if (batch) channel.mode = persistence::DeliveryMode::kBatch;
  if (push) {
    channel.mode = persistence::DeliveryMode::kPush;
    channel.receiver_url = *ctx.args.value("--push");
    if (!matches(channel.receiver_url, "https://[^\\s]{1,1000}")) return usageError("--push must be an https:// URL");
    channel.receiver_username = ctx.args.value("--user").value_or("");
    if (channel.receiver_username.size() > 255) return usageError("--user is longer than 255 bytes");
    channel.remove_from_queue = ctx.args.has("--remove-from-queue");
    if (ctx.args.has("--password-stdin") || ctx.args.has("--password-env")) {
      std::string error;
      auto password = readPassword(ctx.args, channel.receiver_username, error);
      if (!password) return usageError(error);
      channel.receiver_password = *password;
    }
  } else if (ctx.args.has("--user") || ctx.args.has("--password-stdin") || ctx.args.has("--password-env") ||
             ctx.args.has("--remove-from-queue")) {
    return usageError("--user, --password-stdin, --password-env and --remove-from-queue are only for --push");
  }
  Status s = ctx.db->push().setChannel(code, edition, channel);
  if (!s.ok()) return failed(s, "service channel");
  std::cout << "service " << code << " edition " << edition << " delivers by "
            << (push    ? "push to " + channel.receiver_url
                : batch ? std::string("batch files in the SFTP drop area (and the download queue)")
                        : std::string("download queue only"))
            << "\n";
  return kExitOk;
}

// Broker service availability period (docs/operations.md, "Broker retention").
int cmdBrokerAvailability(Context& ctx) {
  const std::string code = *ctx.args.value("--code");
  int edition = 0;
  int days = 0;
  if (auto e = checkCode("--code", code)) return usageError(*e);
  if (!parsePositiveInt(*ctx.args.value("--edition"), edition)) {
    return usageError("--edition must be a whole number greater than 0");
  }
  if (!parsePositiveInt(*ctx.args.value("--days"), days) || days > 3650) {
    return usageError("--days must be a whole number from 1 to 3650");
  }
  auto service = ctx.db->services().find(code, edition);
  if (!service.ok()) return failed(service.status(), "broker availability");
  if (!service.value() || service.value()->kind != "BrokerService") {
    return failed(Status::NotFound("no broker service (kind BrokerService) " + code + " edition " +
                                   std::to_string(edition)),
                  "broker availability");
  }
  Status s = ctx.db->brokers().setAvailabilityDays(service.value()->id, days);
  if (!s.ok()) return failed(s, "broker availability");
  std::cout << "broker service " << code << " edition " << edition << ": files stay available " << days
            << " days after upload\n";
  return kExitOk;
}

int cmdPushChannels(Context& ctx) {
  auto channels = ctx.db->push().listChannels();
  if (!channels.ok()) return failed(channels.status(), "push channels");
  std::cout << "owner\tcode\tedition\tmode\tqueue_mode\tremove_from_queue\tuser\turl\n";
  for (const auto& c : channels.value()) {
    std::cout << c.owner_code << '\t' << c.service_code << '\t' << c.service_edition << '\t'
              << persistence::deliveryModeName(c.mode) << '\t' << (c.queue_mode ? "yes" : "no")
              << '\t' << (c.remove_from_queue ? "yes" : "no") << '\t'
              << (c.receiver_username.empty() ? "-" : c.receiver_username) << '\t'
              << (c.receiver_url.empty() ? "-" : c.receiver_url) << '\n';
  }
  return kExitOk;
}

int cmdPushList(Context& ctx) {
  int limit = 1000;
  if (auto text = ctx.args.value("--limit"); text && !parsePositiveInt(*text, limit)) {
    return usageError("--limit must be a whole number greater than 0");
  }
  auto items = ctx.db->push().listItems(ctx.args.has("--dead"), limit);
  if (!items.ok()) return failed(items.status(), "push list");
  std::cout << "id\towner\tcode\tedition\tarchive_reference\tsequence\tstate\tattempts\tlast_result\n";
  for (const auto& i : items.value()) {
    std::string result = i.last_result;
    for (char& ch : result) {
      if (ch == '\t' || ch == '\n' || ch == '\r') ch = ' ';
    }
    std::cout << i.id << '\t' << i.owner_code << '\t' << i.service_code << '\t' << i.service_edition << "\tAR"
              << i.submission_id << '\t' << i.sequence_number << '\t' << persistence::pushStateName(i.state) << '\t'
              << i.attempts << '\t' << (result.empty() ? "-" : result) << '\n';
  }
  return kExitOk;
}

int cmdPushRedrive(Context& ctx) {
  long id = 0;
  const std::string& text = ctx.positional.at(0);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id < 1) return usageError("ID must be a push item id");
  Status s = ctx.db->push().redrive(id);
  if (!s.ok()) return failed(s, "push redrive");
  std::cout << "push item " << id << " is pending again\n";
  return kExitOk;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {{"migrate"}, {}, {"--dir"}, {}, {}, {}, true, "migrate [--dir DIR]",
       "Apply the schema migrations newer than the database's version (DIR defaults to migrations.dir).", cmdMigrate},
      {{"owner", "add"}, {"--code", "--org", "--name"}, {}, {}, {"--if-missing"}, {}, true,
       "owner add --code CODE --org ORGNR --name NAME [--if-missing]",
       "Register a service owner (agency). --if-missing: exit 0 when the same owner exists.", cmdOwnerAdd},
      {{"owner", "list"}, {}, {}, {}, {}, {}, true, "owner list", "List service owners.", cmdOwnerList},
      {{"system", "add"}, {"--username", "--org", "--role"}, {"--owner", "--password-env"}, {}, {"--if-missing"}, {},
       true, "system add --username U --org ORGNR --role owner|enduser [--owner CODE] [--password-env VAR] [--if-missing]",
       "Register a system. The password is one line on standard input, or the value of environment variable VAR.",
       cmdSystemAdd},
      {{"system", "passwd"}, {"--username"}, {"--password-env"}, {}, {}, {}, true,
       "system passwd --username U [--password-env VAR]", "Set a new password (standard input or VAR).",
       cmdSystemPasswd},
      {{"system", "disable"}, {"--username"}, {}, {}, {}, {}, true, "system disable --username U",
       "Refuse the system's requests from now on.", [](Context& c) { return cmdSystemSetActive(c, false); }},
      {{"system", "enable"}, {"--username"}, {}, {}, {}, {}, true, "system enable --username U",
       "Accept the system's requests again.", [](Context& c) { return cmdSystemSetActive(c, true); }},
      {{"system", "list"}, {}, {}, {}, {}, {}, true, "system list", "List systems (never passwords).", cmdSystemList},
      {{"service", "add"}, {"--owner", "--code", "--edition", "--name", "--format"}, {"--kind"}, {"--format"},
       {"--if-missing"}, {}, true,
       "service add --owner CODE --code C --edition N --name NAME --format ID:VERSION [--format ...] [--kind FormTask] "
       "[--if-missing]",
       "Register a service edition and the data formats it accepts.", cmdServiceAdd},
      {{"service", "list"}, {}, {}, {}, {}, {}, true, "service list", "List services.", cmdServiceList},
      {{"service", "channel"}, {"--code", "--edition"}, {"--push", "--user", "--password-env"}, {},
       {"--queue", "--batch", "--password-stdin", "--remove-from-queue"}, {}, true,
       "service channel --code C --edition N (--queue | --batch | --push URL [--user U] [--password-stdin | "
       "--password-env VAR] [--remove-from-queue])",
       "Choose how completed submissions reach the service owner: the download queue only (default), also as batch "
       "files in its SFTP drop area (--batch), or also pushed to its OnlineBatchReceiver at URL, presenting U and the password (one line on standard input, or VAR); "
       "--remove-from-queue purges a delivered submission from the download queue.",
       cmdServiceChannel},
      {{"service", "roles"}, {}, {}, {}, {}, {"CODE", "EDITION", "ROLES"}, true, "service roles CODE EDITION ROLES",
       "Set the role codes that grant access to a service (comma-separated, e.g. DAGL,REGNA; none clears them). A "
       "notification naming the Service reaches only role holders with one of them.",
       [](Context& c) { return cmdServiceRoles(*c.db, c.positional.at(0), c.positional.at(1), c.positional.at(2)); }},
      {{"broker", "availability"}, {"--code", "--edition", "--days"}, {}, {}, {}, {}, true,
       "broker availability --code C --edition N --days D",
       "Set how many days an uploaded file of a broker service (kind BrokerService) stays available before the "
       "retention job deletes it (default: broker.default_availability_days).",
       cmdBrokerAvailability},
      {{"push", "channels"}, {}, {}, {}, {}, {}, true, "push channels", "List delivery channels (never passwords).",
       cmdPushChannels},
      {{"push", "list"}, {}, {"--limit"}, {}, {"--dead"}, {}, true, "push list [--dead] [--limit N]",
       "List push outbox items, oldest first (--dead: only the dead ones).", cmdPushList},
      {{"push", "redrive"}, {}, {}, {}, {}, {"ID"}, true, "push redrive ID",
       "Make a dead push item pending again; it is delivered before the later items of its channel.", cmdPushRedrive},
      {{"sftp", "provision"}, {}, {}, {}, {}, {}, true, "sftp provision",
       "Create every service owner's SFTP account, chroot and folders under sftp.root (gatewayd does this too).",
       [](Context& c) { return cmdSftpProvision(*c.db, c.config); }},
      {{"sftp", "org", "add"}, {"--system"}, {}, {}, {}, {"ORGNR"}, true, "sftp org add ORGNR --system U",
       "Give organisation ORGNR a broker account org<ORGNR> in the drop area (chroot orgs/org<ORGNR>); it sends and "
       "receives broker files as system U, an active system of that organisation. Again: change the system.",
       [](Context& c) { return cmdSftpOrgAdd(*c.db, c.config, c.positional.at(0), *c.args.value("--system")); }},
      {{"sftp", "org", "remove"}, {}, {}, {}, {"--purge"}, {"ORGNR"}, true, "sftp org remove ORGNR [--purge]",
       "Withdraw the broker account org<ORGNR>: its keys and login go at once, gatewayd stops serving it. Its "
       "folders (files it dropped or was given) stay unless --purge. sftp org add brings it back.",
       [](Context& c) { return cmdSftpOrgRemove(*c.db, c.config, c.positional.at(0), c.args.has("--purge")); }},
      {{"sftp", "org", "list"}, {}, {}, {}, {}, {}, true, "sftp org list",
       "List the broker organisations of the drop area (organisation, account, system).",
       [](Context& c) { return cmdSftpOrgList(*c.db, c.config); }},
      {{"sftp", "key", "add"}, {}, {}, {}, {}, {"OWNER", "KEYFILE"}, true, "sftp key add OWNER KEYFILE.pub",
       "Let the OpenSSH public key in KEYFILE log in to the drop area as service owner OWNER (or as the broker "
       "account org<ORGNR> of a registered organisation).",
       [](Context& c) { return cmdSftpKeyAdd(*c.db, c.config, c.positional.at(0), c.positional.at(1)); }},
      {{"sftp", "key", "list"}, {}, {}, {}, {}, {"OWNER"}, true, "sftp key list OWNER",
       "List the keys that may log in as OWNER (type, SHA256 fingerprint, comment).",
       [](Context& c) { return cmdSftpKeyList(*c.db, c.config, c.positional.at(0)); }},
      {{"sftp", "key", "remove"}, {}, {}, {}, {}, {"OWNER", "KEY"}, true, "sftp key remove OWNER (KEYFILE.pub | SHA256:...)",
       "Withdraw a key, given as its public key file or its fingerprint.",
       [](Context& c) { return cmdSftpKeyRemove(*c.db, c.config, c.positional.at(0), c.positional.at(1)); }},
      {{"storage", "sweep"}, {}, {}, {}, {"--dry-run"}, {}, false, "storage sweep [--dry-run]",
       "Remove the gateway's orphaned temp files (file store, drop area, attachment ZIPs) older than "
       "storage.temp_max_age_hours, as gatewayd does at start and every storage.temp_sweep_interval_seconds; "
       "--dry-run only counts them.",
       [](Context& c) {
         auto loaded = config::loadConfig(c.args.value("--config").value_or(""));
         if (!loaded.ok()) {
           std::cerr << "gatewayctl: config: " << loaded.status().message() << "\n";
           return kExitError;
         }
         return cmdStorageSweep(loaded.value(), c.args.has("--dry-run"));
       }},
      {{"sftp", "batches"}, {}, {"--owner", "--limit"}, {}, {}, {}, true, "sftp batches [--owner CODE] [--limit N]",
       "The batch file log, newest first: outbound batch files written and inbound files processed or failed.",
       [](Context& c) {
         int limit = 100;
         if (auto text = c.args.value("--limit"); text && !parsePositiveInt(*text, limit)) {
           return usageError("--limit must be a whole number greater than 0");
         }
         return cmdSftpBatches(*c.db, c.args.value("--owner"), limit);
       }},
      {{"reportee", "grant"}, {"--system", "--reportee"}, {}, {}, {"--if-missing"}, {}, true,
       "reportee grant --system U --reportee NUMBER [--if-missing]",
       "Let an end-user system act for a reportee (organisation or national identity number).", cmdReporteeGrant},
      {{"reportee", "revoke"}, {"--system", "--reportee"}, {}, {}, {}, {}, true,
       "reportee revoke --system U --reportee NUMBER", "Withdraw a grant.", cmdReporteeRevoke},
      {{"reportee", "list"}, {"--system"}, {}, {}, {}, {}, true, "reportee list --system U",
       "List the reportees a system may act for.", cmdReporteeList},
      {{"cert", "show"}, {}, {}, {}, {}, {"FILE"}, false, "cert show FILE.pem",
       "Print the org number, subject and SHA-256 fingerprint as the gateway reads them.", cmdCertShow},
      {{"contact", "import"}, {}, {"--batch-size"}, {}, {}, {"FILE"}, true, "contact import FILE.csv [--batch-size N]",
       "Import the contact register from CSV (header party_number,email,mobile,reserved,language); existing "
       "contacts are updated. Rejected lines are reported with their line numbers (exit 1 when any).",
       [](Context& c) { return cmdContactImport(*c.db, c.args, c.positional.at(0)); }},
      {{"contact", "set"}, {"--party"}, {"--email", "--mobile", "--reserved", "--language"}, {}, {}, {}, true,
       "contact set --party NUMBER [--email E] [--mobile M] [--reserved true|false] [--language 1044|2068|1033]",
       "Create or change one contact (unnamed fields keep their value).",
       [](Context& c) { return cmdContactSet(*c.db, c.args); }},
      {{"contact", "show"}, {"--party"}, {}, {}, {}, {}, true, "contact show --party NUMBER", "Print one contact.",
       [](Context& c) { return cmdContactShow(*c.db, c.args); }},
      {{"contact", "remove"}, {"--party"}, {}, {}, {}, {}, true, "contact remove --party NUMBER",
       "Delete one contact.", [](Context& c) { return cmdContactRemove(*c.db, c.args); }},
      {{"contact", "role", "add"}, {"--org", "--person", "--role"}, {}, {}, {}, {}, true,
       "contact role add --org ORGNR --person SSN --role CODE",
       "Register that a person holds a role (e.g. DAGL, REGNA) for an organisation; notifications with Roles or "
       "Service reach role holders at their own contact entry.",
       [](Context& c) { return cmdContactRoleAdd(*c.db, c.args); }},
      {{"contact", "role", "remove"}, {"--org", "--person", "--role"}, {}, {}, {}, {}, true,
       "contact role remove --org ORGNR --person SSN --role CODE", "Withdraw a role.",
       [](Context& c) { return cmdContactRoleRemove(*c.db, c.args); }},
      {{"contact", "role", "list"}, {"--org"}, {}, {}, {}, {}, true, "contact role list --org ORGNR",
       "List an organisation's role holders (person, role).", [](Context& c) { return cmdContactRoleList(*c.db, c.args); }},
      {{"contact", "role", "import"}, {}, {"--batch-size"}, {}, {}, {"FILE"}, true,
       "contact role import FILE.csv [--batch-size N]",
       "Import roles from CSV (header organisation,person,role); roles already held stay. Rejected lines are "
       "reported with their line numbers (exit 1 when any).",
       [](Context& c) { return cmdContactRoleImport(*c.db, c.args, c.positional.at(0)); }},
      {{"template", "set"}, {"--type", "--language"}, {"--email-subject", "--email-body-file", "--email-body", "--sms-text"},
       {}, {}, {}, true,
       "template set --type TYPE --language 1044|2068|1033 [--email-subject S --email-body-file F] [--sms-text T]",
       "Create or replace a notification template in one language ({0}, {1}... are text tokens).",
       [](Context& c) { return cmdTemplateSet(*c.db, c.args); }},
      {{"template", "list"}, {}, {}, {}, {}, {}, true, "template list", "List notification templates.",
       [](Context& c) { return cmdTemplateList(*c.db); }},
      {{"notification", "list"}, {}, {"--owner", "--limit"}, {}, {"--dead"}, {}, true,
       "notification list [--dead] [--owner CODE] [--limit N]",
       "List outbox messages, newest first, with state, attempts, sent time and last error.",
       [](Context& c) { return cmdNotificationList(*c.db, c.args); }},
      {{"notification", "redrive"}, {}, {}, {}, {}, {"ID"}, true, "notification redrive ID",
       "Send a dead message again (attempts start over).",
       [](Context& c) { return cmdNotificationRedrive(*c.db, c.positional.at(0)); }},
  };
  return table;
}

void printUsage(std::ostream& out) {
  out << "usage: gatewayctl [--config FILE] <command> [options]\n\n"
         "Commands:\n";
  for (const auto& c : commands()) out << "  " << c.synopsis << "\n      " << c.help << "\n";
  out << "\nOptions take a value as '--name VALUE' or '--name=VALUE'. --config FILE is the gateway's config\n"
         "(GATEWAY_* environment variables override it, e.g. GATEWAY_DB_SOCKET). Passwords are never echoed\n"
         "or printed.\n"
         "Exit codes: 0 ok, 1 error, 2 usage, 3 already exists.\n";
}

}  // namespace

int runGatewayctl(int argc, char** argv) {
  ParsedArgs args;
  if (auto error = parseArgs(argc, argv, args)) return usageError(*error);
  if (args.words.empty() || args.words[0] == "help") {
    if (args.has("--help") || (!args.words.empty() && args.words[0] == "help")) {
      printUsage(std::cout);
      return kExitOk;
    }
    printUsage(std::cerr);
    return kExitUsage;
  }

  const Command* command = nullptr;
  for (const auto& c : commands()) {
    if (args.words.size() >= c.words.size() && std::equal(c.words.begin(), c.words.end(), args.words.begin())) {
      command = &c;
      break;
    }
  }
  if (command == nullptr) {
    std::string words;
    for (const auto& w : args.words) words += (words.empty() ? "" : " ") + w;
    return usageError("unknown command '" + words + "'");
  }
  if (args.has("--help")) {
    std::cout << "usage: gatewayctl [--config FILE] " << command->synopsis << "\n  " << command->help << "\n";
    return kExitOk;
  }

  Context ctx{args, {}, config::GatewayConfig(), nullptr};
  ctx.positional.assign(args.words.begin() + static_cast<long>(command->words.size()), args.words.end());
  if (ctx.positional.size() != command->positional.size()) {
    return usageError(std::string("usage: gatewayctl ") + command->synopsis);
  }
  for (const auto& [name, values] : args.options) {
    const bool known = name == "--config" || contains(command->required, name) || contains(command->optional, name);
    if (!known) return usageError("option " + name + " does not apply to '" + std::string(command->synopsis) + "'");
    if (values.size() > 1 && !contains(command->repeatable, name)) return usageError("option " + name + " given twice");
  }
  for (const auto& flag : args.flags) {
    if (flag != "--help" && !contains(command->flags, flag)) {
      return usageError("option " + flag + " does not apply to '" + std::string(command->synopsis) + "'");
    }
  }
  for (const auto& name : command->required) {
    if (!args.value(name)) return usageError("missing " + name + " (usage: gatewayctl " + command->synopsis + ")");
  }

  if (command->needs_database) {
    auto loaded = config::loadConfig(args.value("--config").value_or(""));
    if (!loaded.ok()) {
      std::cerr << "gatewayctl: config: " << loaded.status().message() << "\n";
      return kExitError;
    }
    ctx.config = std::move(loaded).value();
    auto db = Database::connect(ctx.config.database);
    if (!db.ok()) return failed(db.status(), "database");
    ctx.db = std::move(db).value();
  }
  return command->run(ctx);
}

}  // namespace gateway::tools
