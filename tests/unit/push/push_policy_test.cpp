// The push channel's rules (gateway/push/push_policy.h): what each receiver answer does to the item
// and its channel, the backoff, and reading OnlineBatchReceipt strings.
#define BOOST_TEST_MODULE push_policy_test
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "push/push_policy.h"

using namespace gateway::push;
using gateway::persistence::PushState;
using std::chrono::milliseconds;

namespace {

RetryPolicy policy() {
  RetryPolicy p;
  p.max_attempts = 4;
  p.backoff_initial = milliseconds(100);
  p.backoff_max = milliseconds(350);
  p.queue_retry_interval = milliseconds(1000);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PushPolicy)

BOOST_AUTO_TEST_CASE(OkDeliversAndLeavesQueueMode) {
  const auto a = decide({OutcomeKind::kOk, "takk"}, 2, policy());
  BOOST_TEST((a.state == PushState::kDelivered));
  BOOST_TEST(!a.channel_queue_mode);
  BOOST_TEST(a.result_text == "OK: takk");
}

BOOST_AUTO_TEST_CASE(FailedRetriesWithDoublingBackoffCapped) {
  const int expected_ms[] = {100, 200, 350};  // 400 is capped at 350
  for (int before = 0; before < 3; ++before) {
    const auto a = decide({OutcomeKind::kFailed, "busy"}, before, policy());
    BOOST_TEST_CONTEXT("attempts before " << before) {
      BOOST_TEST((a.state == PushState::kPending));
      BOOST_TEST(a.count_attempt);
      BOOST_TEST(!a.channel_queue_mode);
      BOOST_TEST(a.retry_after.count() == expected_ms[before]);
      BOOST_TEST(a.result_text == "FAILED: busy");
    }
  }
}

BOOST_AUTO_TEST_CASE(FailedIsDeadAtMaxAttempts) {
  const auto a = decide({OutcomeKind::kFailed, "busy"}, 3, policy());
  BOOST_TEST((a.state == PushState::kDead));
  BOOST_TEST(a.result_text.find("FAILED: busy") == 0u);
  BOOST_TEST(a.result_text.find("4 attempts") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(DoNotRetryIsDeadAtOnceWithTheText) {
  const auto a = decide({OutcomeKind::kFailedDoNotRetry, "ugyldig skjema"}, 0, policy());
  BOOST_TEST((a.state == PushState::kDead));
  BOOST_TEST(a.result_text == "FAILED_DO_NOT_RETRY: ugyldig skjema");
  BOOST_TEST(!a.channel_queue_mode);
}

BOOST_AUTO_TEST_CASE(UnavailableEntersQueueModeWithoutCountingTowardsDeath) {
  for (int before : {0, 3, 100}) {
    const auto a = decide({OutcomeKind::kUnavailable, "connection refused"}, before, policy());
    BOOST_TEST((a.state == PushState::kPending));
    BOOST_TEST(a.channel_queue_mode);
    BOOST_TEST(!a.count_attempt);
    BOOST_TEST(a.retry_after.count() == 1000);
    BOOST_TEST(a.result_text == "receiver unavailable: connection refused");
  }
}

struct ReceiptCase {
  const char* text;
  OutcomeKind kind;
  const char* message;
};
std::ostream& operator<<(std::ostream& os, const ReceiptCase& c) { return os << c.text; }

const ReceiptCase kReceipts[] = {
    {"<OnlineBatchReceipt><Result resultCode=\"OK\">Mottatt</Result></OnlineBatchReceipt>", OutcomeKind::kOk, "Mottatt"},
    {"<?xml version=\"1.0\"?><OnlineBatchReceipt><Result resultCode=\"FAILED\">opptatt</Result></OnlineBatchReceipt>",
     OutcomeKind::kFailed, "opptatt"},
    {"<OnlineBatchReceipt><Result resultCode=\"FAILED_DO_NOT_RETRY\">feil i data</Result></OnlineBatchReceipt>",
     OutcomeKind::kFailedDoNotRetry, "feil i data"},
    // Receivers that escape their markup once more (as NAV's does).
    {"&lt;OnlineBatchReceipt&gt;&lt;Result resultCode=&quot;OK&quot;&gt;ok&lt;/Result&gt;&lt;/OnlineBatchReceipt&gt;",
     OutcomeKind::kOk, "ok"},
    {"<OnlineBatchReceipt><Result resultCode=\"MAYBE\">?</Result></OnlineBatchReceipt>", OutcomeKind::kFailed,
     "unrecognised receipt"},
    {"<OnlineBatchReceipt/>", OutcomeKind::kFailed, "unrecognised receipt"},
    {"<Other><Result resultCode=\"OK\"/></Other>", OutcomeKind::kFailed, "unrecognised receipt"},
    {"OK", OutcomeKind::kFailed, "unrecognised receipt"},
    {"", OutcomeKind::kFailed, "unrecognised receipt"},
    {"<OnlineBatchReceipt><Result resultCode=\"OK\">", OutcomeKind::kFailed, "unrecognised receipt"},
};

BOOST_DATA_TEST_CASE(ReadsOnlineBatchReceipts, boost::unit_test::data::make(kReceipts), c) {
  const ReceiverOutcome o = parseReceipt(c.text);
  BOOST_TEST((o.kind == c.kind));
  BOOST_TEST(o.text == c.message);
}

BOOST_AUTO_TEST_SUITE_END()
