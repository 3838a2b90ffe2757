#pragma once
// The SFTP drop area: one chroot per service owner and per broker organisation, served by an OpenSSH sshd that the scripts
// start (scripts/lib/sftp.sh; docs/operations.md). This module owns the layout on disk:
//
//   <root>/etc/passwd, <root>/etc/group   accounts, read by sshd through nss_wrapper (LD_PRELOAD)
//   <root>/etc/authorized_keys/<CODE>     the owner's public keys (sshd AuthorizedKeysFile)
//   <root>/etc/broker-orgs                 broker organisations: "<orgnr> <n> <system username>" a line
//                                          ("(removed)" instead of a system: withdrawn, folders kept)
//   <root>/owners/<CODE>/                 the owner's chroot: root-owned, 0755 (sshd's rule)
//   <root>/orgs/org<ORGNR>/               a broker organisation's chroot, the same four folders
//       inbound/    the owner uploads here (complete files only under a name ending in .xml)
//       outbound/   the gateway writes here (batch files); the owner fetches and may delete
//       processed/  ingested inbound files and their receipts
//       failed/     rejected inbound files and their <name>.error.txt
//
// Each owner account is <CODE> with uid = gid = uid_base + owner id, home "/", no shell
// (ForceCommand internal-sftp). A broker organisation's account is org<ORGNR> with uid = gid =
// uid_base + 1000000 + n (n from etc/broker-orgs), member of the group sftp-orgs (gid uid_base +
// 1000000), which sshd's config chroots to <root>/orgs/%u instead. The four folders belong to that account (mode 0750), the files the
// gateway writes too (0640), so the owner can read and remove them and no other owner can.
//
// sshd refuses a chroot unless every component of its path is root-owned and not group- or
// world-writable: `root` must therefore not lie under /tmp (create() checks this when running as
// root). Thread-safe: methods touch only the file system; concurrent provision() calls write
// the account files atomically, last one wins.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "sftp/atomic_file.h"

namespace gateway::sftp {

enum class AccountKind { kOwner, kOrganisation };

struct SftpAccount {
  SftpAccount() = default;
  SftpAccount(long long id, std::string code, AccountKind account_kind = AccountKind::kOwner, std::string org = {})
      : owner_id(id), owner_code(std::move(code)), kind(account_kind), org_number(std::move(org)) {}

  long long owner_id = 0;  // kOrganisation: its number n in etc/broker-orgs
  std::string owner_code;  // the account name; must match [A-Za-z0-9_-]{1,32}
  AccountKind kind = AccountKind::kOwner;
  std::string org_number;  // kOrganisation only
};

// A broker organisation registered for the drop area: its account acts as `system` (a system of
// that organisation) when it sends or receives broker files.
struct OrgAccount {
  std::string org_number;
  long long number = 0;
  std::string system;
  SftpAccount account() const;
};

// The system column of a removed organisation in etc/broker-orgs (never a system user name).
inline constexpr const char* kRemovedOrg = "(removed)";

// The group whose members sshd chroots under <root>/orgs (scripts/lib/sftp.sh).
inline constexpr const char* kOrgGroup = "sftp-orgs";

enum class Folder { kInbound, kOutbound, kProcessed, kFailed };

struct AuthorizedKey {
  std::string type;         // e.g. ssh-ed25519
  std::string blob;         // base64 as written in the key file
  std::string comment;
  std::string fingerprint;  // "SHA256:<base64 without padding>", as ssh-keygen -l prints it
};

class DropArea {
 public:
  // Creates <root>, <root>/etc and <root>/owners when missing. kInvalidArgument when `root` is
  // relative or (running as root) a component of it is not root-owned or is group/world writable.
  static Result<DropArea> create(const std::string& root, int uid_base);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path ownerRoot(const std::string& owner_code) const;
  std::filesystem::path folder(const std::string& owner_code, Folder folder) const;
  // The same for either kind of account.
  std::filesystem::path accountRoot(const SftpAccount& account) const;
  std::filesystem::path folder(const SftpAccount& account, Folder folder) const;
  FileOwner fileOwner(const SftpAccount& account) const;
  std::filesystem::path passwdFile() const { return root_ / "etc" / "passwd"; }
  std::filesystem::path groupFile() const { return root_ / "etc" / "group"; }
  std::filesystem::path authorizedKeysFile(const std::string& owner_code) const;
  FileOwner ownerOf(long long owner_id) const;

  // Creates every account's chroot and folders (existing ones are left as they are, their modes
  // and owners corrected) and rewrites etc/passwd and etc/group to hold exactly these accounts plus
  // root and sshd's privilege separation user, and every broker organisation of etc/broker-orgs
  // (chroot under orgs/). An account with an unusable code (or an owner code of the form
  // org<9 digits>, reserved) is skipped (kInvalidArgument after the others are done).
  Status provision(const std::vector<SftpAccount>& accounts) const;

  // Broker organisations (the registered ones; removed ones are not listed). registerOrganisation:
  // adds one, or changes the system it acts as, or brings back a removed one under its old number
  // (so its kept folders are its own again); kInvalidArgument unless `org_number` is 9 digits and
  // `system` a plain user name. The caller checks that the system exists and belongs to the
  // organisation.
  Result<std::vector<OrgAccount>> organisations() const;
  Status registerOrganisation(const std::string& org_number, const std::string& system) const;
  // Withdraws an organisation's account: its authorized keys are deleted at once (no new login),
  // and it leaves the registry, so the next provision() (the caller's, or gatewayd's next pass)
  // drops it from etc/passwd and etc/group and no pass serves it any more. Without `purge` its
  // chroot and the record of delivered files stay (its line stays as "<orgnr> <n> (removed)", the
  // number reserved so no other organisation's uid owns those files); with `purge` both are
  // deleted and the line goes. kNotFound when it has no account (or, without purge, was removed
  // already). Sessions already open are not cut (sshd's business).
  Status unregisterOrganisation(const std::string& org_number, bool purge) const;
  static std::string orgAccountName(const std::string& org_number) { return "org" + org_number; }

  // Authorized keys of one owner. addKey: kInvalidArgument unless `line` is one OpenSSH public key
  // ("<type> <base64> [comment]", no options); adding a key that is there already is Ok.
  // removeKey: by fingerprint, or by a public key line; kNotFound when no key matches.
  Status addKey(const std::string& owner_code, const std::string& line) const;
  Result<std::vector<AuthorizedKey>> keys(const std::string& owner_code) const;
  Status removeKey(const std::string& owner_code, const std::string& key_or_fingerprint) const;

  static bool isAccountName(const std::string& owner_code);
  static Result<AuthorizedKey> parseKey(const std::string& line);

 private:
  DropArea(std::filesystem::path root, int uid_base) : root_(std::move(root)), uid_base_(uid_base) {}
  Status writeKeys(const std::string& owner_code, const std::vector<AuthorizedKey>& keys) const;
  // etc/broker-orgs as written, removed organisations included.
  Result<std::vector<OrgAccount>> registry() const;
  Status writeRegistry(const std::vector<OrgAccount>& entries) const;

  std::filesystem::path root_;
  int uid_base_;
};

}  // namespace gateway::sftp
