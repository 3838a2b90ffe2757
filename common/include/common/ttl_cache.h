#pragma once
// A small thread-safe map whose entries expire after a fixed time. Used for facts that change
// rarely and are read on every request (service definitions, reportee grants, system records), to
// spare a database round trip each time. Callers cache only positive facts, so anything newly added
// is seen at once; a change or removal takes effect within the TTL. A TTL of zero disables caching.
// The clock is replaceable so tests can move time.

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gateway {

template <typename Value>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  explicit TtlCache(std::chrono::milliseconds ttl, Now now = Clock::now) : ttl_(ttl), now_(std::move(now)) {}

  std::optional<Value> get(const std::string& key) {
    if (ttl_.count() <= 0) return std::nullopt;
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(key);
    if (it == shard.entries.end()) return std::nullopt;
    if (it->second.expires <= now_()) {
      shard.entries.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void put(const std::string& key, Value value) {
    if (ttl_.count() <= 0) return;
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    if (shard.entries.size() >= kMaxEntriesPerShard) shard.entries.clear();  // bound memory; refills on demand
    shard.entries[key] = Entry{std::move(value), now_() + ttl_};
  }

 private:
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kMaxEntriesPerShard = 4096;
  struct Entry {
    Value value;
    Clock::time_point expires;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
  };
  Shard& shardFor(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }

  std::chrono::milliseconds ttl_;
  Now now_;
  std::array<Shard, kShards> shards_;
};

}  // namespace gateway
