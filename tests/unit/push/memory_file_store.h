#pragma once
// A FileStore in memory for the push tests: put() and open() only (what the push channel reads);
// open() hands out the bytes in small pieces so streaming is exercised.

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "persistence/file_store.h"

namespace gateway::testing {

class MemoryFileStore final : public persistence::FileStore {
 public:
  std::map<std::string, std::string> blobs;

  Result<persistence::StoredBlob> put(std::string_view bytes) override {
    std::string key = "blob" + std::to_string(blobs.size() + 1);
    blobs[key] = std::string(bytes);
    return persistence::StoredBlob{key, static_cast<std::int64_t>(bytes.size()), ""};
  }
  Result<std::string> get(const std::string&) override { return Status::Internal("unused"); }
  Result<std::unique_ptr<persistence::BlobWriter>> create() override { return Status::Internal("unused"); }
  Status remove(const std::string&) override { return Status::Internal("unused"); }
  Result<std::unique_ptr<persistence::BlobReader>> open(const std::string& key) override {
    auto it = blobs.find(key);
    if (it == blobs.end()) return Status::NotFound("no blob " + key);
    return std::unique_ptr<persistence::BlobReader>(std::make_unique<Reader>(it->second));
  }

 private:
  class Reader final : public persistence::BlobReader {
   public:
    explicit Reader(std::string bytes) : bytes_(std::move(bytes)) {}
    std::int64_t size() const override { return static_cast<std::int64_t>(bytes_.size()); }
    Result<std::size_t> read(char* buffer, std::size_t capacity) override {
      const std::size_t n = std::min({capacity, bytes_.size() - offset_, std::size_t{1000}});
      std::copy_n(bytes_.data() + offset_, n, buffer);
      offset_ += n;
      return n;
    }

   private:
    std::string bytes_;
    std::size_t offset_ = 0;
  };
};

}  // namespace gateway::testing
