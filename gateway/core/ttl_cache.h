#pragma once
// A small thread-safe map whose entries expire after a fixed time. Used for facts that change
// rarely and are read on every request (service definitions, reportee grants), to spare a database
// round trip each time. Only positive facts are cached, so anything newly added is seen at once;
// a removal takes effect within the TTL. A TTL of zero disables caching.

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gateway::core {

template <typename Value>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TtlCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  std::optional<Value> get(const std::string& key) {
    if (ttl_.count() <= 0) return std::nullopt;
    Shard& shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(key);
    if (it == shard.entries.end()) return std::nullopt;
    if (it->second.expires <= Clock::now()) {
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
    shard.entries[key] = Entry{std::move(value), Clock::now() + ttl_};
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
  std::array<Shard, kShards> shards_;
};

}  // namespace gateway::core
