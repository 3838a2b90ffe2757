#pragma once
// A heap buffer aligned for O_DIRECT I/O (the start address, and sizes the caller keeps to
// multiples of the alignment). Empty (data() == nullptr) when the allocation failed.

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace gateway {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(std::size_t alignment, std::size_t size) {
    void* memory = nullptr;
    if (::posix_memalign(&memory, alignment, size) == 0) {
      data_.reset(static_cast<char*>(memory));
      size_ = size;
    }
  }
  char* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  explicit operator bool() const { return data_ != nullptr; }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> data_;
  std::size_t size_ = 0;
};

}  // namespace gateway
