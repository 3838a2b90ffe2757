#include "sftp_commands.h"

#include <fstream>
#include <iostream>
#include <optional>

#include "cli_args.h"
#include "sftp/drop_area.h"

namespace gateway::tools {
namespace {

int fail(const std::string& what, const Status& status) {
  std::cerr << "gatewayctl: " << what << ": " << status.message() << "\n";
  return kExitError;
}

Result<std::vector<sftp::SftpAccount>> accounts(persistence::Database& db) {
  auto owners = db.provisioning().listServiceOwners();
  if (!owners.ok()) return owners.status();
  std::vector<sftp::SftpAccount> out;
  for (const auto& o : owners.value()) out.push_back({static_cast<long long>(o.id), o.code});
  return out;
}

// The drop area with every owner's account provisioned, and the named owner's account.
Result<std::pair<sftp::DropArea, sftp::SftpAccount>> provisioned(persistence::Database& db,
                                                                 const config::GatewayConfig& config,
                                                                 const std::optional<std::string>& owner) {
  if (config.sftp.root.empty()) return Status::InvalidArgument("sftp.root is not set in the config");
  auto area = sftp::DropArea::create(config.sftp.root, config.sftp.uid_base);
  if (!area.ok()) return area.status();
  auto all = accounts(db);
  if (!all.ok()) return all.status();
  Status s = area.value().provision(all.value());
  if (!s.ok()) return s;
  sftp::SftpAccount found;
  if (owner) {
    bool known = false;
    for (const auto& a : all.value()) {
      if (a.owner_code == *owner) {
        found = a;
        known = true;
      }
    }
    auto orgs = area.value().organisations();
    if (!orgs.ok()) return orgs.status();
    for (const auto& org : orgs.value()) {
      if (org.account().owner_code == *owner) {
        found = org.account();
        known = true;
      }
    }
    if (!known) return Status::NotFound("no service owner or registered organisation account " + *owner);
  }
  return std::make_pair(std::move(area).value(), found);
}

std::string isoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int cmdSftpProvision(persistence::Database& db, const config::GatewayConfig& config) {
  auto area = provisioned(db, config, std::nullopt);
  if (!area.ok()) return fail("sftp provision", area.status());
  std::cout << "drop area " << area.value().first.root().string() << " provisioned\n";
  return kExitOk;
}

int cmdSftpKeyAdd(persistence::Database& db, const config::GatewayConfig& config, const std::string& owner,
                  const std::string& key_file) {
  std::ifstream in(key_file);
  std::string line;
  if (!in || !std::getline(in, line)) return fail("sftp key add", Status::InvalidArgument("cannot read " + key_file));
  auto area = provisioned(db, config, owner);
  if (!area.ok()) return fail("sftp key add", area.status());
  Status s = area.value().first.addKey(owner, line);
  if (!s.ok()) return fail("sftp key add", s);
  auto key = sftp::DropArea::parseKey(line);
  std::cout << "key " << key->fingerprint << " may now log in as " << owner << "\n";
  return kExitOk;
}

int cmdSftpKeyList(persistence::Database& db, const config::GatewayConfig& config, const std::string& owner) {
  auto area = provisioned(db, config, owner);
  if (!area.ok()) return fail("sftp key list", area.status());
  auto keys = area.value().first.keys(owner);
  if (!keys.ok()) return fail("sftp key list", keys.status());
  std::cout << "type\tfingerprint\tcomment\n";
  for (const auto& k : keys.value()) {
    std::cout << k.type << '\t' << k.fingerprint << '\t' << (k.comment.empty() ? "-" : k.comment) << '\n';
  }
  return kExitOk;
}

int cmdSftpKeyRemove(persistence::Database& db, const config::GatewayConfig& config, const std::string& owner,
                     const std::string& key) {
  std::string what = key;
  if (key.rfind("SHA256:", 0) != 0) {
    std::ifstream in(key);
    if (!in || !std::getline(in, what)) return fail("sftp key remove", Status::InvalidArgument("cannot read " + key));
  }
  auto area = provisioned(db, config, owner);
  if (!area.ok()) return fail("sftp key remove", area.status());
  Status s = area.value().first.removeKey(owner, what);
  if (!s.ok()) return fail("sftp key remove", s);
  std::cout << "key removed from " << owner << "\n";
  return kExitOk;
}

int cmdSftpOrgAdd(persistence::Database& db, const config::GatewayConfig& config, const std::string& org_number,
                  const std::string& system) {
  auto record = db.systems().findByUsername(system);
  if (!record.ok()) return fail("sftp org add", record.status());
  if (!record.value() || !record.value()->active || record.value()->org_number != org_number) {
    return fail("sftp org add", Status::InvalidArgument("no active system " + system + " of organisation " + org_number));
  }
  auto area = provisioned(db, config, std::nullopt);
  if (!area.ok()) return fail("sftp org add", area.status());
  if (Status s = area.value().first.registerOrganisation(org_number, system); !s.ok()) return fail("sftp org add", s);
  if (Status s = area.value().first.provision(accounts(db).value()); !s.ok()) return fail("sftp org add", s);
  std::cout << "account " << sftp::DropArea::orgAccountName(org_number) << " sends and receives broker files as "
            << system << " (chroot " << area.value().first.root().string() << "/orgs/"
            << sftp::DropArea::orgAccountName(org_number) << ")\n";
  return kExitOk;
}

int cmdSftpOrgRemove(persistence::Database& db, const config::GatewayConfig& config, const std::string& org_number,
                     bool purge) {
  auto area = provisioned(db, config, std::nullopt);
  if (!area.ok()) return fail("sftp org remove", area.status());
  const sftp::DropArea& drop = area.value().first;
  if (Status s = drop.unregisterOrganisation(org_number, purge); !s.ok()) return fail("sftp org remove", s);
  auto owners = accounts(db);
  if (!owners.ok()) return fail("sftp org remove", owners.status());
  if (Status s = drop.provision(owners.value()); !s.ok()) return fail("sftp org remove", s);
  const std::string account = sftp::DropArea::orgAccountName(org_number);
  std::cout << "account " << account << " removed (keys and login withdrawn); "
            << (purge ? "its folders were deleted\n"
                      : "its folders stay in " + drop.root().string() + "/orgs/" + account + " (--purge deletes them)\n");
  return kExitOk;
}

int cmdSftpOrgList(persistence::Database& db, const config::GatewayConfig& config) {
  auto area = provisioned(db, config, std::nullopt);
  if (!area.ok()) return fail("sftp org list", area.status());
  auto orgs = area.value().first.organisations();
  if (!orgs.ok()) return fail("sftp org list", orgs.status());
  std::cout << "organisation\taccount\tsystem\n";
  for (const auto& o : orgs.value()) std::cout << o.org_number << '\t' << o.account().owner_code << '\t' << o.system << '\n';
  return kExitOk;
}

int cmdSftpBatches(persistence::Database& db, const std::optional<std::string>& owner, int limit) {
  persistence::BatchFileQuery query;
  if (owner) {
    auto all = accounts(db);
    if (!all.ok()) return fail("sftp batches", all.status());
    for (const auto& a : all.value()) {
      if (a.owner_code == *owner) query.owner_id = a.owner_id;
    }
    if (!query.owner_id) return fail("sftp batches", Status::NotFound("no service owner " + *owner));
  }
  auto files = db.batches().list(query, limit);
  if (!files.ok()) return fail("sftp batches", files.status());
  std::cout << "id\towner\tdirection\tstate\tkind\titems\tcreated\tfile\terror\n";
  for (const auto& f : files.value()) {
    std::string error = f.error_text;
    for (char& c : error) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    std::cout << f.id << '\t' << f.owner_code << '\t' << persistence::batchDirectionName(f.direction) << '\t'
              << persistence::batchFileStateName(f.state) << '\t' << (f.kind.empty() ? "-" : f.kind) << '\t'
              << f.item_count << '\t' << isoTime(f.created_at) << '\t' << f.file_name << '\t'
              << (error.empty() ? "-" : error) << '\n';
  }
  return kExitOk;
}

}  // namespace gateway::tools
