#pragma once
// The push channel's rules, as a pure function: what one answer from a service owner's
// OnlineBatchReceiver means for the item and its channel. No I/O, no clock: callers pass the
// attempts made so far and get back durations.
//
//   OK                    -> delivered; the channel leaves queue mode; the next item follows at once.
//   FAILED                -> retried after an exponential backoff (initial * 2^(n-1), capped) until
//                            max_attempts answers of FAILED, then dead (the text is kept).
//   FAILED_DO_NOT_RETRY   -> dead at once, the text kept; the next item follows.
//   fault / network error -> the channel enters queue mode: the same (oldest) item is retried every
//                            queue_retry_interval, indefinitely, and no later item is sent before it.
//                            These tries do not count towards max_attempts (the receiver never judged
//                            the item).
// Order: an item that is pending blocks the items behind it in its channel in every case above.

#include <chrono>
#include <string>

#include "persistence/push_repository.h"

namespace gateway::push {

enum class OutcomeKind { kOk, kFailed, kFailedDoNotRetry, kUnavailable };

// One delivery attempt as the receiver (or the network) answered it.
struct ReceiverOutcome {
  OutcomeKind kind = OutcomeKind::kUnavailable;
  std::string text;  // the receipt's free text, the fault string or the network error (no credentials)
};

struct RetryPolicy {
  int max_attempts = 5;                                  // FAILED answers before the item is dead (>= 1)
  std::chrono::milliseconds backoff_initial{10'000};
  std::chrono::milliseconds backoff_max{3'600'000};
  std::chrono::milliseconds queue_retry_interval{60'000};
};

// `attempts_before`: answers already recorded for this pending item (all FAILED, since any other answer
// ends it; a redrive starts again at 0).
persistence::PushAttempt decide(const ReceiverOutcome& outcome, int attempts_before, const RetryPolicy& policy);

// Reads the ReceiveOnlineBatchExternalAttachmentResult string: an OnlineBatchReceipt document
// (<OnlineBatchReceipt><Result resultCode="...">text</Result></OnlineBatchReceipt>), also when the
// receiver escaped its markup once more (&lt;OnlineBatchReceipt&gt;..., as some receivers do). A
// missing, malformed or unknown receipt is kFailed ("unrecognised receipt"): the receiver answered,
// so it is retried with backoff rather than treated as down.
ReceiverOutcome parseReceipt(const std::string& result);

}  // namespace gateway::push
