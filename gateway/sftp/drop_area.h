#pragma once
// The SFTP drop area: one chroot per service owner, served by an OpenSSH sshd that the scripts
// start (scripts/lib/sftp.sh; docs/operations.md). This module owns the layout on disk:
//
//   <root>/etc/passwd, <root>/etc/group   accounts, read by sshd through nss_wrapper (LD_PRELOAD)
//   <root>/etc/authorized_keys/<CODE>     the owner's public keys (sshd AuthorizedKeysFile)
//   <root>/owners/<CODE>/                 the owner's chroot: root-owned, 0755 (sshd's rule)
//       inbound/    the owner uploads here (complete files only under a name ending in .xml)
//       outbound/   the gateway writes here (batch files); the owner fetches and may delete
//       processed/  ingested inbound files and their receipts
//       failed/     rejected inbound files and their <name>.error.txt
//
// Each owner account is <CODE> with uid = gid = uid_base + owner id, home "/", no shell
// (ForceCommand internal-sftp). The four folders belong to that account (mode 0750), the files the
// gateway writes too (0640), so the owner can read and remove them and no other owner can.
//
// sshd refuses a chroot unless every component of its path is root-owned and not group- or
// world-writable: `root` must therefore not lie under /tmp (create() checks this when running as
// root). Thread-safe: methods touch only the file system; concurrent provision() calls write
// the account files atomically, last one wins.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "sftp/atomic_file.h"

namespace gateway::sftp {

struct SftpAccount {
  long long owner_id = 0;
  std::string owner_code;  // the account name; must match [A-Za-z0-9_-]{1,32}
};

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
  std::filesystem::path passwdFile() const { return root_ / "etc" / "passwd"; }
  std::filesystem::path groupFile() const { return root_ / "etc" / "group"; }
  std::filesystem::path authorizedKeysFile(const std::string& owner_code) const;
  FileOwner ownerOf(long long owner_id) const;

  // Creates every account's chroot and folders (existing ones are left as they are, their modes
  // and owners corrected) and rewrites etc/passwd and etc/group to hold exactly these accounts plus
  // root and sshd's privilege separation user. An account with an unusable code is skipped
  // (kInvalidArgument after the others are done).
  Status provision(const std::vector<SftpAccount>& accounts) const;

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

  std::filesystem::path root_;
  int uid_base_;
};

}  // namespace gateway::sftp
