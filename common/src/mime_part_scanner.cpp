#include "common/mime_part_scanner.h"

#include <algorithm>
#include <cstring>

namespace gateway {

MimePartScanner::MimePartScanner(std::string_view boundary) : delimiter_("\r\n--") {
  delimiter_.append(boundary);
  held_.reserve(delimiter_.size());
}

bool MimePartScanner::isUsableBoundary(std::string_view boundary) {
  return !boundary.empty() && boundary.size() <= kMaxBoundary &&
         boundary.find_first_of("\r\n") == std::string_view::npos;
}

MimePartScanner::Step MimePartScanner::feed(const char* data, std::size_t size, const BodySink& body) {
  std::size_t used = 0;
  if (phase_ == Phase::kBody) {
    Step step = scanBody(data, size, body);
    if (step.end == End::kStopped) {
      end_ = End::kStopped;
      phase_ = Phase::kDone;
      return step;
    }
    used = step.consumed;
  }
  if (phase_ != Phase::kBody && phase_ != Phase::kDone) used += scanTail(data + used, size - used);
  return {used, end_};
}

// The delimiter starts with the only CR it contains (the boundary has none), so no delimiter can start
// inside held bytes other than at their first: when held bytes turn out not to be the delimiter, all
// of them are body.
MimePartScanner::Step MimePartScanner::scanBody(const char* data, std::size_t size, const BodySink& body) {
  const char* const delimiter = delimiter_.data();
  const std::size_t length = delimiter_.size();
  if (!held_.empty()) {
    const std::size_t missing = length - held_.size();
    const std::size_t compare = std::min(missing, size);
    if (std::memcmp(data, delimiter + held_.size(), compare) == 0) {
      if (compare == missing) {  // the held bytes and these complete the delimiter
        held_.clear();
        phase_ = Phase::kAfterDelimiter;
        return {missing, End::kNotYet};
      }
      held_.append(data, size);  // still a prefix of the delimiter: wait for more
      return {size, End::kNotYet};
    }
    const bool go_on = body(held_.data(), held_.size());
    held_.clear();
    if (!go_on) return {0, End::kStopped};
  }
  if (size == 0) return {0, End::kNotYet};

  const void* found = memmem(data, size, delimiter, length);
  if (found) {
    const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(found) - data);
    if (at > 0 && !body(data, at)) return {at, End::kStopped};
    phase_ = Phase::kAfterDelimiter;
    return {at + length, End::kNotYet};
  }
  // No whole delimiter: the last length-1 bytes may still begin one.
  std::size_t keep_from = size;
  const std::size_t tail = size > length - 1 ? size - (length - 1) : 0;
  for (const char* cr = static_cast<const char*>(std::memchr(data + tail, '\r', size - tail)); cr;
       cr = static_cast<const char*>(std::memchr(cr + 1, '\r', static_cast<std::size_t>(data + size - cr - 1)))) {
    const std::size_t at = static_cast<std::size_t>(cr - data);
    if (std::memcmp(cr, delimiter, size - at) == 0) {
      keep_from = at;
      break;
    }
  }
  if (keep_from > 0 && !body(data, keep_from)) return {keep_from, End::kStopped};
  held_.assign(data + keep_from, size - keep_from);
  return {size, End::kNotYet};
}

// What may follow a delimiter: "--" (close delimiter), or padding then CRLF. Byte by byte: it is short.
std::size_t MimePartScanner::scanTail(const char* data, std::size_t size) {
  std::size_t i = 0;
  while (i < size && phase_ != Phase::kDone) {
    const unsigned char c = static_cast<unsigned char>(data[i++]);
    switch (phase_) {
      case Phase::kAfterDelimiter:
        if (c == '-') {
          phase_ = Phase::kAfterDash;
          break;
        }
        [[fallthrough]];
      case Phase::kPadding:
        if (c == '\r') {
          phase_ = Phase::kAfterCr;
        } else if (c >= 1 && c <= 32) {
          phase_ = Phase::kPadding;  // transport padding (gSOAP accepts any white space here)
        } else {
          phase_ = Phase::kDone;
          end_ = End::kMalformed;
        }
        break;
      case Phase::kAfterDash:
        phase_ = Phase::kDone;
        end_ = c == '-' ? End::kLastPart : End::kMalformed;
        break;
      case Phase::kAfterCr:
        phase_ = Phase::kDone;
        end_ = c == '\n' ? End::kNextPart : End::kMalformed;
        break;
      case Phase::kBody:
      case Phase::kDone:
        break;
    }
  }
  return i;
}

}  // namespace gateway
