#define BOOST_TEST_MODULE mime_part_scanner
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "common/mime_part_scanner.h"

using gateway::MimePartScanner;
using End = MimePartScanner::End;

namespace gateway {
std::ostream& operator<<(std::ostream& out, MimePartScanner::End end) {
  static const char* const kNames[] = {"kNotYet", "kLastPart", "kNextPart", "kMalformed", "kStopped"};
  return out << kNames[static_cast<int>(end)];
}
}  // namespace gateway

namespace {

const std::string kBoundary = "uuid:5f1b-07e2==";
const std::string kDelimiter = "\r\n--" + kBoundary;

struct Outcome {
  std::string body;
  End end = End::kNotYet;
  std::size_t consumed = 0;  // of the whole stream
  std::size_t sink_calls = 0;
  std::size_t largest_piece = 0;
};

// Feeds `stream` cut at `cuts` (ascending offsets), as a receive loop would: each piece until the
// scanner has consumed it or the part has ended.
Outcome scan(const std::string& stream, const std::vector<std::size_t>& cuts, const std::string& boundary = kBoundary) {
  MimePartScanner scanner(boundary);
  Outcome out;
  MimePartScanner::BodySink sink = [&](const char* bytes, std::size_t size) {
    BOOST_REQUIRE(size > 0);  // the sink never gets empty pieces
    out.body.append(bytes, size);
    ++out.sink_calls;
    out.largest_piece = std::max(out.largest_piece, size);
    return true;
  };
  std::size_t from = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(stream.size());
  for (std::size_t to : ends) {
    if (to < from) continue;
    auto step = scanner.feed(stream.data() + from, to - from, sink);
    out.consumed += step.consumed;
    out.end = step.end;
    if (step.end != End::kNotYet) return out;
    BOOST_REQUIRE_EQUAL(step.consumed, to - from);  // a piece is used up unless the part ended in it
    from = to;
  }
  return out;
}

std::string randomBytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// The awkward bodies: everything that looks like the start of a delimiter but is not one.
std::vector<std::string> trickyBodies() {
  return {
      "",
      "x",
      "\r",
      "\r\n",
      "\r\n\r\n",
      "\r\r\r\n\r\n-",
      "plain text",
      "--" + kBoundary,                                  // boundary line without the CRLF before it
      "\n--" + kBoundary,                                // LF only
      "\r--" + kBoundary,                                // CR only
      "\r\n-" + kBoundary,                               // one dash
      "\r\n--" + kBoundary.substr(0, kBoundary.size() - 1),  // cut short at the very end
      "\r\n--" + kBoundary.substr(0, 5) + "X" + kBoundary.substr(6),  // one byte differs
      "a\r\n--" + kBoundary.substr(0, 3) + "\r\n--" + kBoundary.substr(0, 7) + "b",
      std::string("\0\r\n\0--", 6) + kBoundary,
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(MimePartScannerTest)

BOOST_AUTO_TEST_CASE(FindsTheDelimiterSplitAtEveryPossibleBufferEdge) {
  const std::string body = randomBytes(300, 7) + "\r\n--" + kBoundary.substr(0, 4) + "tail";
  const std::string stream = body + kDelimiter + "\r\nContent-Type: next\r\n\r\n";
  const std::size_t after = body.size() + kDelimiter.size() + 2;
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    Outcome out = scan(stream, {cut});
    BOOST_TEST_INFO("cut at " << cut);
    BOOST_REQUIRE(out.end == End::kNextPart);
    BOOST_REQUIRE(out.body == body);
    BOOST_REQUIRE_EQUAL(out.consumed, after);  // stops right before the next part's headers
  }
}

BOOST_AUTO_TEST_CASE(EveryPairOfCutsAroundTheDelimiterGivesTheSameBody) {
  const std::string body = "abc\r\n-";
  const std::string stream = body + kDelimiter + "--\r\nepilogue";
  for (std::size_t a = 0; a <= stream.size(); ++a) {
    for (std::size_t b = a; b <= stream.size(); ++b) {
      Outcome out = scan(stream, {a, b});
      BOOST_TEST_INFO("cuts at " << a << ", " << b);
      BOOST_REQUIRE(out.end == End::kLastPart);
      BOOST_REQUIRE(out.body == body);
      BOOST_REQUIRE_EQUAL(out.consumed, body.size() + kDelimiter.size() + 2);
    }
  }
}

BOOST_AUTO_TEST_CASE(OneByteAtATime) {
  const std::string body = randomBytes(2000, 11);
  const std::string stream = body + kDelimiter + "--";
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  Outcome out = scan(stream, cuts);
  BOOST_TEST(out.end == End::kLastPart);
  BOOST_TEST(out.body == body);
}

BOOST_AUTO_TEST_CASE(BoundaryLikeBytesInTheBodyAreBody) {
  for (const std::string& body : trickyBodies()) {
    const std::string stream = body + kDelimiter + "--";
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      Outcome out = scan(stream, {cut});
      BOOST_TEST_INFO("body of " << body.size() << " bytes, cut at " << cut);
      BOOST_REQUIRE(out.end == End::kLastPart);
      BOOST_REQUIRE(out.body == body);
    }
  }
}

BOOST_AUTO_TEST_CASE(TheCrlfBeforeTheBoundaryBelongsToTheDelimiter) {
  // A body that itself ends in CRLF keeps it; only the last CRLF before "--boundary" is framing.
  Outcome out = scan("line\r\n" + kDelimiter + "--", {});
  BOOST_TEST(out.body == "line\r\n");
  BOOST_TEST(out.end == End::kLastPart);
  Outcome crs = scan("\r\r\r" + kDelimiter + "\r\n", {2});
  BOOST_TEST(crs.body == "\r\r\r");
  BOOST_TEST(crs.end == End::kNextPart);
}

BOOST_AUTO_TEST_CASE(TransportPaddingAfterTheBoundaryIsSkipped) {
  const std::string stream = "data" + kDelimiter + " \t  \r\nContent-ID: <x>\r\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    Outcome out = scan(stream, {cut});
    BOOST_REQUIRE(out.end == End::kNextPart);
    BOOST_REQUIRE(out.body == "data");
    BOOST_REQUIRE_EQUAL(stream.substr(out.consumed), "Content-ID: <x>\r\n");
  }
}

BOOST_AUTO_TEST_CASE(TheCloseDelimiterEndsTheLastPartAndLeavesTheEpilogue) {
  const std::string stream = "data" + kDelimiter + "--\r\nepilogue";
  Outcome out = scan(stream, {});
  BOOST_TEST(out.end == End::kLastPart);
  BOOST_TEST(stream.substr(out.consumed) == "\r\nepilogue");
}

BOOST_AUTO_TEST_CASE(AMissingCloseLeavesThePartUnfinished) {
  // The stream ends (connection cut) in the body, in the middle of a delimiter, or right after it.
  for (const std::string& stream : {std::string("half a file"), "data\r\n--" + kBoundary.substr(0, 3),
                                    "data" + kDelimiter, "data" + kDelimiter + "-", "data" + kDelimiter + "  \r"}) {
    Outcome out = scan(stream, {});
    BOOST_TEST(out.end == End::kNotYet);
    BOOST_TEST(out.consumed == stream.size());
  }
  MimePartScanner scanner(kBoundary);
  const std::string cut = "data\r\n--" + kBoundary.substr(0, 3);
  std::string body;
  scanner.feed(cut.data(), cut.size(), [&](const char* b, std::size_t n) {
    body.append(b, n);
    return true;
  });
  BOOST_TEST(scanner.holdsBytes());  // the possible delimiter start is held, not given out as body
  BOOST_TEST(body == "data");
}

BOOST_AUTO_TEST_CASE(AnEmptyPartIsJustTheDelimiter) {
  Outcome last = scan(kDelimiter + "--", {});
  BOOST_TEST(last.end == End::kLastPart);
  BOOST_TEST(last.body.empty());
  BOOST_TEST(last.sink_calls == 0u);
  Outcome next = scan(kDelimiter + "\r\n", {3});
  BOOST_TEST(next.end == End::kNextPart);
  BOOST_TEST(next.body.empty());
}

BOOST_AUTO_TEST_CASE(AnythingElseAfterTheDelimiterIsMalformed) {
  for (const std::string& after : {std::string("X"), std::string("-X"), std::string(" x\r\n"), std::string("\rX"),
                                   std::string("\r\r\n")}) {
    Outcome out = scan("data" + kDelimiter + after, {});
    BOOST_TEST_INFO("after the delimiter: " << after);
    BOOST_TEST(out.end == End::kMalformed);
  }
}

BOOST_AUTO_TEST_CASE(TheBodyComesInPiecesAsLargeAsTheInput) {
  const std::string body = randomBytes(256 * 1024, 3);
  const std::string stream = body + kDelimiter + "--";
  std::vector<std::size_t> cuts;
  for (std::size_t at = 65536; at < stream.size(); at += 65536) cuts.push_back(at);
  Outcome out = scan(stream, cuts);
  BOOST_TEST(out.body == body);
  // Up to the delimiter's length may be held back at a piece's end; no piece is split smaller.
  BOOST_TEST(out.largest_piece >= 65536 - kDelimiter.size());
  BOOST_TEST(out.sink_calls <= 2 * (cuts.size() + 1));
}

BOOST_AUTO_TEST_CASE(ASinkThatRefusesStopsTheScan) {
  MimePartScanner scanner(kBoundary);
  const std::string stream = randomBytes(1000, 5) + kDelimiter + "--";
  auto step = scanner.feed(stream.data(), stream.size(), [](const char*, std::size_t) { return false; });
  BOOST_TEST(step.end == End::kStopped);
  BOOST_TEST(step.consumed < stream.size());
  auto again = scanner.feed(stream.data(), stream.size(), [](const char*, std::size_t) { return true; });
  BOOST_TEST(again.end == End::kStopped);
  BOOST_TEST(again.consumed == 0u);
}

BOOST_AUTO_TEST_CASE(AfterTheEndNothingMoreIsConsumed) {
  MimePartScanner scanner(kBoundary);
  const std::string stream = "x" + kDelimiter + "--";
  auto sink = [](const char*, std::size_t) { return true; };
  BOOST_TEST(scanner.feed(stream.data(), stream.size(), sink).end == End::kLastPart);
  auto again = scanner.feed("more", 4, sink);
  BOOST_TEST(again.consumed == 0u);
  BOOST_TEST(again.end == End::kLastPart);
}

BOOST_AUTO_TEST_CASE(UsableBoundaries) {
  BOOST_TEST(MimePartScanner::isUsableBoundary(kBoundary));
  BOOST_TEST(MimePartScanner::isUsableBoundary(std::string(MimePartScanner::kMaxBoundary, 'b')));
  BOOST_TEST(!MimePartScanner::isUsableBoundary(""));
  BOOST_TEST(!MimePartScanner::isUsableBoundary(std::string(MimePartScanner::kMaxBoundary + 1, 'b')));
  BOOST_TEST(!MimePartScanner::isUsableBoundary("a\rb"));
  BOOST_TEST(!MimePartScanner::isUsableBoundary("a\nb"));
}

BOOST_AUTO_TEST_SUITE_END()
