#pragma once
// Finds where a MIME body part ends (RFC 2046 §5.1.1) in a stream that arrives in pieces of any size,
// and hands the part's body on in pieces as large as those that came in. Pure: no sockets, no gSOAP;
// the caller feeds it whatever its receive buffer holds and advances by what it consumed.
//
// The body ends at the delimiter CRLF "--" boundary. After it comes either the close delimiter's
// "--" (the last part), or optional transport padding (white space, as gSOAP accepts it) and CRLF,
// after which the next part's headers follow. The scanner stops right after "--" or after that CRLF,
// so that the caller's buffer holds exactly what comes next (epilogue, or the next part's headers).
//
// Bytes that may be the start of a delimiter at the end of one piece are held back (at most the
// delimiter's length minus one) and given to the body sink once the next piece shows they are body.
// Boundary-like bytes inside the body ("--boundary" without CRLF, a delimiter cut short) are body.
// Not thread-safe; one scanner per part.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace gateway {

class MimePartScanner {
 public:
  enum class End {
    kNotYet,     // the part goes on: feed more
    kLastPart,   // close delimiter ("--boundary--"): nothing but the epilogue follows
    kNextPart,   // delimiter + padding + CRLF: another part's headers follow
    kMalformed,  // something other than "--" or padding + CRLF after the delimiter
    kStopped,    // the body sink returned false (e.g. a write limit): the scan stops there
  };
  struct Step {
    std::size_t consumed;  // bytes of the piece used; the rest belongs to what follows the part
    End end;
  };
  // Receives body bytes in order; returns false to stop the scan.
  using BodySink = std::function<bool(const char* bytes, std::size_t size)>;

  // `boundary` as in the Content-Type's boundary parameter (without the leading "--").
  // Precondition (checked by isUsableBoundary): 1..kMaxBoundary bytes, no CR or LF.
  explicit MimePartScanner(std::string_view boundary);

  static constexpr std::size_t kMaxBoundary = 200;  // RFC 2046 allows 70; be lenient, but bounded
  static bool isUsableBoundary(std::string_view boundary);

  // Scans `data[0..size)`. Once the step's end is other than kNotYet, further calls consume nothing
  // and return the same end.
  Step feed(const char* data, std::size_t size, const BodySink& body);

  End end() const { return end_; }
  // True while bytes are held back as a possible start of the delimiter.
  bool holdsBytes() const { return !held_.empty(); }

 private:
  enum class Phase { kBody, kAfterDelimiter, kAfterDash, kPadding, kAfterCr, kDone };
  Step scanBody(const char* data, std::size_t size, const BodySink& body);
  std::size_t scanTail(const char* data, std::size_t size);

  std::string delimiter_;  // CRLF "--" boundary
  std::string held_;       // a proper prefix of delimiter_ seen at the end of the previous piece
  Phase phase_ = Phase::kBody;
  End end_ = End::kNotYet;
};

}  // namespace gateway
