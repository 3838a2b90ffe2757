#include "auth/credential_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "auth/password_hash.h"
#include "common/ttl_cache.h"

namespace gateway::auth {
namespace {

constexpr std::size_t kShards = 16;  // power of two; ~4 workers per shard at 64 threads
constexpr std::size_t kMacBytes = 32;
using Mac = std::array<unsigned char, kMacBytes>;

const char kBadCredentials[] = "invalid system user name or password";

struct Entry {
  Mac mac;
  std::chrono::steady_clock::time_point expires;
};

// A slow check under way for (username, mac): concurrent requests with the same credentials wait
// for its answer instead of each paying the slow hash (64 workers at once after an expiry would
// otherwise freeze the gateway for seconds).
struct InFlight {
  Mac mac;
  std::shared_future<bool> result;
};

struct Shard {
  std::mutex mutex;
  std::unordered_map<std::string, Entry> entries;
  std::unordered_map<std::string, InFlight> in_flight;
};

}  // namespace

struct CredentialVerifier::Impl {
  persistence::SystemRepository& systems;
  std::chrono::seconds ttl;
  PasswordCheck check;
  Clock clock;
  std::array<unsigned char, 32> key{};
  std::array<Shard, kShards> shards;
  std::once_flag dummy_once;
  std::string dummy_hash;  // compared against for unknown users, so they cost as much as known ones
  TtlCache<persistence::SystemRecord> records;  // found records only, by user name

  Impl(persistence::SystemRepository& s, std::chrono::seconds t, PasswordCheck c, Clock k,
       std::chrono::milliseconds record_ttl)
      : systems(s), ttl(t), check(std::move(c)), clock(std::move(k)), records(record_ttl, clock) {
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
      ttl = std::chrono::seconds(0);  // no key, no cache: every request pays the slow hash
    }
  }
  ~Impl() { OPENSSL_cleanse(key.data(), key.size()); }

  Shard& shardFor(const std::string& username) { return shards[std::hash<std::string>{}(username) & (kShards - 1)]; }

  Mac mac(const persistence::SystemRecord& system, const std::string& password) const {
    std::string input;
    input.reserve(system.username.size() + password.size() + system.password_hash.size() + 24);
    input += system.username;
    input += '\0';
    input += password;
    input += '\0';
    input += std::to_string(system.credential_version);
    input += '\0';
    input += system.password_hash;
    Mac out{};
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), out.data(), &size);
    OPENSSL_cleanse(input.data(), input.size());
    return out;
  }

  bool cached(const std::string& username, const Mac& expected) {
    if (ttl.count() <= 0) return false;
    Shard& shard = shardFor(username);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(username);
    if (it == shard.entries.end()) return false;
    if (it->second.expires <= clock()) {
      shard.entries.erase(it);
      return false;
    }
    return CRYPTO_memcmp(it->second.mac.data(), expected.data(), kMacBytes) == 0;
  }

  void remember(const std::string& username, const Mac& mac) {
    if (ttl.count() <= 0) return;
    auto now = clock();
    Shard& shard = shardFor(username);
    std::lock_guard lock(shard.mutex);
    // Entries exist only for systems that authenticated, so the map is bounded by the number of
    // registered systems; still sweep expired ones now and then.
    if (shard.entries.size() > 1024) {
      std::erase_if(shard.entries, [&](const auto& e) { return e.second.expires <= now; });
    }
    shard.entries[username] = Entry{mac, now + ttl};
  }

  // The slow check, done once for concurrent callers presenting the same credentials.
  bool slowCheckOnce(const std::string& username, const Mac& mac, const std::string& password,
                     const std::string& encoded_hash) {
    Shard& shard = shardFor(username);
    std::promise<bool> mine;
    {
      std::unique_lock lock(shard.mutex);
      auto it = shard.in_flight.find(username);
      if (it != shard.in_flight.end() && CRYPTO_memcmp(it->second.mac.data(), mac.data(), kMacBytes) == 0) {
        std::shared_future<bool> theirs = it->second.result;
        lock.unlock();
        return theirs.get();
      }
      if (it == shard.in_flight.end()) shard.in_flight.emplace(username, InFlight{mac, mine.get_future().share()});
    }
    const bool ok = check(password, encoded_hash);
    mine.set_value(ok);
    std::lock_guard lock(shard.mutex);
    auto it = shard.in_flight.find(username);
    if (it != shard.in_flight.end() && CRYPTO_memcmp(it->second.mac.data(), mac.data(), kMacBytes) == 0) {
      shard.in_flight.erase(it);
    }
    return ok;
  }

  void burnUnknownUser(const std::string& password) {
    std::call_once(dummy_once, [this] {
      auto hashed = hashPassword("unknown-user-dummy-password");
      dummy_hash = hashed.ok() ? hashed.value() : std::string();
    });
    if (!dummy_hash.empty()) (void)check(password, dummy_hash);
  }
};

CredentialVerifier::CredentialVerifier(persistence::SystemRepository& systems, std::chrono::seconds cache_ttl,
                                       std::chrono::milliseconds record_ttl)
    : CredentialVerifier(systems, cache_ttl, verifyPassword, std::chrono::steady_clock::now, record_ttl) {}

CredentialVerifier::CredentialVerifier(persistence::SystemRepository& systems, std::chrono::seconds cache_ttl,
                                       PasswordCheck check, Clock clock, std::chrono::milliseconds record_ttl)
    : impl_(std::make_unique<Impl>(systems, cache_ttl, std::move(check), std::move(clock), record_ttl)) {}

CredentialVerifier::~CredentialVerifier() = default;

Result<persistence::SystemRecord> CredentialVerifier::verify(const std::string* username, const std::string* password,
                                                             const std::string& certificate_org_number) {
  if (!username || !password || username->empty() || password->empty()) {
    return Status::Unauthenticated("system user name and password are required");
  }
  std::optional<persistence::SystemRecord> record = impl_->records.get(*username);
  if (!record) {
    auto found = impl_->systems.findByUsername(*username);
    if (!found.ok()) return found.status();
    if (!found.value()) {
      impl_->burnUnknownUser(*password);
      return Status::Unauthenticated(kBadCredentials);
    }
    record = std::move(found.value());
    impl_->records.put(*username, *record);
  }
  persistence::SystemRecord system = std::move(*record);
  if (!system.active) return Status::Unauthenticated(kBadCredentials);

  const Mac mac = impl_->mac(system, *password);
  if (!impl_->cached(system.username, mac)) {
    if (!impl_->slowCheckOnce(system.username, mac, *password, system.password_hash)) {
      return Status::Unauthenticated(kBadCredentials);
    }
    if (system.org_number == certificate_org_number) impl_->remember(system.username, mac);
  }
  if (system.org_number != certificate_org_number) {
    return Status::PermissionDenied("the system is not registered to the organisation in the client certificate");
  }
  return system;
}

}  // namespace gateway::auth
