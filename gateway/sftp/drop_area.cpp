#include "sftp/drop_area.h"

#include <openssl/evp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

namespace gateway::sftp {
namespace fs = std::filesystem;
namespace {

const std::set<std::string>& keyTypes() {
  static const std::set<std::string> types = {
      "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
      "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"};
  return types;
}

std::optional<std::string> base64Decode(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

std::string fingerprintOf(const std::string& blob) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(blob.data(), blob.size(), digest, &length, EVP_sha256(), nullptr);
  std::string text(4 * ((length + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), digest, static_cast<int>(length));
  text.resize(static_cast<std::size_t>(n));
  while (!text.empty() && text.back() == '=') text.pop_back();
  return "SHA256:" + text;
}

// sshd's ChrootDirectory rule, checked for every component of `path`.
Status checkChrootPath(const fs::path& path) {
  fs::path at;
  for (const auto& part : path) {
    at /= part;
    struct stat st {};
    if (::stat(at.c_str(), &st) != 0) return Status::InvalidArgument("sftp.root: cannot stat " + at.string());
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
      return Status::InvalidArgument("sftp.root: " + at.string() +
                                     " must be owned by root and not group/world writable (sshd's ChrootDirectory "
                                     "rule); do not put the drop area under /tmp");
    }
  }
  return Status::Ok();
}

Status ensureDir(const fs::path& dir, mode_t mode, std::optional<FileOwner> owner) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), mode) != 0) return Status::Unavailable("cannot chmod " + dir.string());
  if (::geteuid() == 0) {
    const FileOwner o = owner.value_or(FileOwner{0, 0});
    if (::lchown(dir.c_str(), o.uid, o.gid) != 0) return Status::Unavailable("cannot chown " + dir.string());
  }
  return Status::Ok();
}

constexpr int kOrgIdOffset = 1000000;  // org accounts' uids start above every owner's

bool isOrgNumber(const std::string& text) {
  static const std::regex pattern("[0-9]{9}");
  return std::regex_match(text, pattern);
}

bool isReservedOrgName(const std::string& code) {
  static const std::regex pattern("org[0-9]{9}");
  return std::regex_match(code, pattern);
}

// provision() runs on every inbound pass: the account files are only rewritten when they change.
Status writeIfChanged(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ifstream in(dir / name, std::ios::binary);
  std::string current((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.good() || in.eof()) {
    if (current == text) return Status::Ok();
  }
  return writeFileAtomically(dir, name, text, 0644, std::nullopt);
}

}  // namespace

Result<DropArea> DropArea::create(const std::string& root, int uid_base) {
  fs::path path(root);
  if (root.empty() || !path.is_absolute()) return Status::InvalidArgument("sftp.root must be an absolute path");
  path = path.lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // a trailing slash
  for (const fs::path& dir : {path, path / "etc", path / "etc" / "authorized_keys", path / "owners", path / "orgs"}) {
    Status s = ensureDir(dir, 0755, std::nullopt);
    if (!s.ok()) return s;
  }
  if (::geteuid() == 0) {
    Status s = checkChrootPath(path);
    if (!s.ok()) return s;
  }
  return DropArea(path, uid_base);
}

bool DropArea::isAccountName(const std::string& owner_code) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,32}");
  return std::regex_match(owner_code, pattern) && owner_code != "root" && owner_code != "sshd";
}

fs::path DropArea::ownerRoot(const std::string& owner_code) const { return root_ / "owners" / owner_code; }

fs::path DropArea::folder(const std::string& owner_code, Folder folder) const {
  switch (folder) {
    case Folder::kInbound: return ownerRoot(owner_code) / "inbound";
    case Folder::kOutbound: return ownerRoot(owner_code) / "outbound";
    case Folder::kProcessed: return ownerRoot(owner_code) / "processed";
    case Folder::kFailed: return ownerRoot(owner_code) / "failed";
  }
  return ownerRoot(owner_code);
}

fs::path DropArea::accountRoot(const SftpAccount& account) const {
  if (account.kind == AccountKind::kOrganisation) return root_ / "orgs" / account.owner_code;
  return ownerRoot(account.owner_code);
}

fs::path DropArea::folder(const SftpAccount& account, Folder f) const {
  if (account.kind == AccountKind::kOwner) return folder(account.owner_code, f);
  switch (f) {
    case Folder::kInbound: return accountRoot(account) / "inbound";
    case Folder::kOutbound: return accountRoot(account) / "outbound";
    case Folder::kProcessed: return accountRoot(account) / "processed";
    case Folder::kFailed: return accountRoot(account) / "failed";
  }
  return accountRoot(account);
}

FileOwner DropArea::fileOwner(const SftpAccount& account) const {
  if (account.kind == AccountKind::kOwner) return ownerOf(account.owner_id);
  const auto id = static_cast<uid_t>(uid_base_ + kOrgIdOffset + account.owner_id);
  return {id, static_cast<gid_t>(id)};
}

SftpAccount OrgAccount::account() const {
  return {number, DropArea::orgAccountName(org_number), AccountKind::kOrganisation, org_number};
}

Result<std::vector<OrgAccount>> DropArea::registry() const {
  std::vector<OrgAccount> out;
  std::ifstream in(root_ / "etc" / "broker-orgs");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    OrgAccount org;
    if (!(fields >> org.org_number >> org.number >> org.system) || !isOrgNumber(org.org_number) || org.number < 1) {
      return Status::Internal("etc/broker-orgs: a line is not \"<orgnr> <n> <system>\"");
    }
    out.push_back(std::move(org));
  }
  return out;
}

Status DropArea::writeRegistry(const std::vector<OrgAccount>& entries) const {
  std::string text = "# managed by gatewayctl sftp org add/remove: <orgnr> <account number> <system>; system " +
                     std::string(kRemovedOrg) + ": removed, folders kept, number reserved\n";
  for (const auto& o : entries) text += o.org_number + " " + std::to_string(o.number) + " " + o.system + "\n";
  return writeFileAtomically(root_ / "etc", "broker-orgs", text, 0644, std::nullopt);
}

Result<std::vector<OrgAccount>> DropArea::organisations() const {
  auto all = registry();
  if (!all.ok()) return all.status();
  std::vector<OrgAccount> out;
  for (auto& o : all.value()) {
    if (o.system != kRemovedOrg) out.push_back(std::move(o));
  }
  return out;
}

Status DropArea::registerOrganisation(const std::string& org_number, const std::string& system) const {
  if (!isOrgNumber(org_number)) return Status::InvalidArgument("an organisation number has 9 digits");
  static const std::regex user("[A-Za-z0-9_.@-]{1,100}");
  if (!std::regex_match(system, user)) return Status::InvalidArgument("not a system user name: " + system);
  auto orgs = registry();
  if (!orgs.ok()) return orgs.status();
  long long next = 1;
  bool known = false;
  for (auto& o : orgs.value()) {
    next = std::max(next, o.number + 1);
    if (o.org_number == org_number) {
      o.system = system;  // a removed organisation comes back with its number (and its kept folders' owner)
      known = true;
    }
  }
  if (!known) orgs.value().push_back({org_number, next, system});
  return writeRegistry(orgs.value());
}

Status DropArea::unregisterOrganisation(const std::string& org_number, bool purge) const {
  if (!isOrgNumber(org_number)) return Status::InvalidArgument("an organisation number has 9 digits");
  auto orgs = registry();
  if (!orgs.ok()) return orgs.status();
  auto it = std::find_if(orgs->begin(), orgs->end(), [&](const OrgAccount& o) { return o.org_number == org_number; });
  if (it == orgs->end() || (it->system == kRemovedOrg && !purge)) {
    return Status::NotFound("organisation " + org_number + " has no account in the drop area");
  }
  const std::string account = orgAccountName(org_number);
  // The keys first: from here on no new login succeeds, whatever happens next.
  std::error_code ec;
  fs::remove(authorizedKeysFile(account), ec);
  if (ec) return Status::Unavailable("cannot remove the keys of " + account + ": " + ec.message());
  if (purge) {
    orgs->erase(it);
  } else {
    it->system = kRemovedOrg;
  }
  if (Status s = writeRegistry(orgs.value()); !s.ok()) return s;
  if (!purge) return Status::Ok();
  const SftpAccount gone{1, account, AccountKind::kOrganisation, org_number};
  for (const fs::path& dir : {accountRoot(gone), root_ / "etc" / "broker-delivered" / account}) {
    fs::remove_all(dir, ec);
    if (ec) return Status::Unavailable("cannot remove " + dir.string() + ": " + ec.message());
  }
  return Status::Ok();
}

fs::path DropArea::authorizedKeysFile(const std::string& owner_code) const {
  return root_ / "etc" / "authorized_keys" / owner_code;
}

FileOwner DropArea::ownerOf(long long owner_id) const {
  const auto id = static_cast<uid_t>(uid_base_ + owner_id);
  return {id, static_cast<gid_t>(id)};
}

Status DropArea::provision(const std::vector<SftpAccount>& accounts) const {
  const struct passwd* sshd = ::getpwnam("sshd");  // the privilege separation user sshd looks up
  std::ostringstream passwd;
  std::ostringstream group;
  passwd << "root:x:0:0:root:/root:/bin/sh\n";
  group << "root:x:0:\n";
  if (sshd) {
    passwd << "sshd:x:" << sshd->pw_uid << ':' << sshd->pw_gid << "::/run/sshd:/usr/sbin/nologin\n";
    if (sshd->pw_gid != 0) group << "sshd:x:" << sshd->pw_gid << ":\n";
  } else {
    passwd << "sshd:x:65534:65534::/run/sshd:/usr/sbin/nologin\n";
    group << "nogroup:x:65534:\n";
  }
  Status result = Status::Ok();
  auto orgs = organisations();
  if (!orgs.ok()) return orgs.status();
  for (const SftpAccount& account : accounts) {
    if (!isAccountName(account.owner_code) || account.owner_id < 1 || isReservedOrgName(account.owner_code)) {
      result = Status::InvalidArgument("owner code " + account.owner_code + " cannot be an SFTP account name");
      continue;
    }
    const FileOwner owner = ownerOf(account.owner_id);
    Status s = ensureDir(ownerRoot(account.owner_code), 0755, std::nullopt);
    for (Folder f : {Folder::kInbound, Folder::kOutbound, Folder::kProcessed, Folder::kFailed}) {
      if (s.ok()) s = ensureDir(folder(account.owner_code, f), 0750, owner);
    }
    if (!s.ok()) return s;
    passwd << account.owner_code << ":x:" << owner.uid << ':' << owner.gid << ":service owner "
           << account.owner_code << ":/:/usr/sbin/nologin\n";
    group << account.owner_code << ":x:" << owner.gid << ":\n";
  }
  std::string members;
  for (const OrgAccount& org : orgs.value()) {
    const SftpAccount account = org.account();
    const FileOwner owner = fileOwner(account);
    Status s = ensureDir(accountRoot(account), 0755, std::nullopt);
    for (Folder f : {Folder::kInbound, Folder::kOutbound, Folder::kProcessed, Folder::kFailed}) {
      if (s.ok()) s = ensureDir(folder(account, f), 0750, owner);
    }
    if (!s.ok()) return s;
    passwd << account.owner_code << ":x:" << owner.uid << ':' << owner.gid << ":broker organisation:/:/usr/sbin/nologin\n";
    group << account.owner_code << ":x:" << owner.gid << ":\n";
    members += (members.empty() ? "" : ",") + account.owner_code;
  }
  group << kOrgGroup << ":x:" << uid_base_ + kOrgIdOffset << ':' << members << "\n";
  Status s = writeIfChanged(root_ / "etc", "passwd", passwd.str());
  if (s.ok()) s = writeIfChanged(root_ / "etc", "group", group.str());
  if (!s.ok()) return s;
  return result;
}

Result<AuthorizedKey> DropArea::parseKey(const std::string& line) {
  std::istringstream in(line);
  AuthorizedKey key;
  in >> key.type >> key.blob;
  std::getline(in, key.comment);
  const auto first = key.comment.find_first_not_of(" \t");
  key.comment = first == std::string::npos ? "" : key.comment.substr(first);
  while (!key.comment.empty() && (key.comment.back() == '\r' || key.comment.back() == '\n')) key.comment.pop_back();
  if (keyTypes().count(key.type) == 0) return Status::InvalidArgument("not an OpenSSH public key (unknown key type)");
  auto blob = base64Decode(key.blob);
  if (!blob || blob->size() < 4 + key.type.size()) return Status::InvalidArgument("the key's base64 is not valid");
  // The blob starts with the key type as an SSH string: a key cannot claim to be another type.
  if (blob->compare(4, key.type.size(), key.type) != 0) return Status::InvalidArgument("the key type does not match");
  if (key.comment.find_first_of("\n\r") != std::string::npos) return Status::InvalidArgument("one key per line");
  key.fingerprint = fingerprintOf(*blob);
  return key;
}

Result<std::vector<AuthorizedKey>> DropArea::keys(const std::string& owner_code) const {
  if (!isAccountName(owner_code)) return Status::InvalidArgument("not an SFTP account name: " + owner_code);
  std::vector<AuthorizedKey> out;
  std::ifstream in(authorizedKeysFile(owner_code));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto key = parseKey(line);
    if (key.ok()) out.push_back(std::move(key).value());
  }
  return out;
}

Status DropArea::writeKeys(const std::string& owner_code, const std::vector<AuthorizedKey>& keys) const {
  std::string text = "# managed by gatewayctl sftp key\n";
  for (const auto& k : keys) text += k.type + " " + k.blob + (k.comment.empty() ? "" : " " + k.comment) + "\n";
  return writeFileAtomically(root_ / "etc" / "authorized_keys", owner_code, text, 0644, std::nullopt);
}

Status DropArea::addKey(const std::string& owner_code, const std::string& line) const {
  auto key = parseKey(line);
  if (!key.ok()) return key.status();
  auto existing = keys(owner_code);
  if (!existing.ok()) return existing.status();
  for (const auto& k : existing.value()) {
    if (k.fingerprint == key->fingerprint) return Status::Ok();
  }
  existing.value().push_back(std::move(key).value());
  return writeKeys(owner_code, existing.value());
}

Status DropArea::removeKey(const std::string& owner_code, const std::string& key_or_fingerprint) const {
  std::string fingerprint = key_or_fingerprint;
  if (fingerprint.rfind("SHA256:", 0) != 0) {
    auto key = parseKey(key_or_fingerprint);
    if (!key.ok()) return key.status();
    fingerprint = key->fingerprint;
  }
  auto existing = keys(owner_code);
  if (!existing.ok()) return existing.status();
  std::vector<AuthorizedKey> kept;
  for (auto& k : existing.value()) {
    if (k.fingerprint != fingerprint) kept.push_back(std::move(k));
  }
  if (kept.size() == existing.value().size()) return Status::NotFound("no such key for " + owner_code);
  return writeKeys(owner_code, kept);
}

}  // namespace gateway::sftp
