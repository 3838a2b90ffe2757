#pragma once
// The push channel's storage: per-service delivery channels (operator settings plus the delivery
// state the worker keeps) and the outbox of submissions to push (migration 006).
//
// Same contract as repositories.h: every method is one transaction, safe from many threads; failures
// are kUnavailable / kNotFound / kInvalidArgument / kInternal. The outbox rows themselves are written
// by SubmissionRepository::create, in the submission's transaction.
//
// Leases: a gateway process delivers a channel only while it holds the channel's lease (holder name
// + expiry, kept in the database), so two processes never deliver items of one channel at the same
// time, and a process that dies releases its channels when the lease runs out. All times are taken
// from the database clock; callers pass durations, never instants.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "persistence/records.h"

namespace gateway::persistence {

// kBatch: completed submissions are also written as batch files to the owner's SFTP drop area
// (gateway/sftp, migration 012); the push worker ignores such channels.
enum class DeliveryMode { kQueue, kPush, kBatch };

inline const char* deliveryModeName(DeliveryMode mode) {
  switch (mode) {
    case DeliveryMode::kQueue: return "queue";
    case DeliveryMode::kPush: return "push";
    case DeliveryMode::kBatch: return "batch";
  }
  return "queue";
}

struct DeliveryChannel {
  Id service_id = 0;
  Id owner_id = 0;
  std::string owner_code;
  std::string service_code;
  int service_edition = 0;
  DeliveryMode mode = DeliveryMode::kQueue;
  std::string receiver_url;
  std::string receiver_username;
  std::string receiver_password;  // as the owner gave it; filled only by claimChannel (never listed)
  bool remove_from_queue = false; // a delivered submission is also purged from the download queue
  bool queue_mode = false;        // the receiver was unreachable: only the oldest item is retried
};

enum class PushState { kPending, kDelivered, kDead };

struct PushItem {
  Id id = 0;
  Id owner_id = 0;
  Id service_id = 0;
  Id submission_id = 0;
  std::int64_t sequence_number = 0;
  PushState state = PushState::kPending;
  int attempts = 0;               // answers received (OK/FAILED/...); queue-mode tries are not counted
  bool due = false;               // next_attempt_at has passed (database clock)
  std::time_t next_attempt_at = 0;
  std::string last_result;
  std::string owner_code;
  std::string service_code;
  int service_edition = 0;
};

// What the worker records after one delivery attempt (gateway/push/push_policy.h decides it).
struct PushAttempt {
  PushState state = PushState::kPending;       // kPending: try again after retry_after
  std::chrono::milliseconds retry_after{0};
  bool count_attempt = true;                   // false in queue mode: the receiver never answered
  bool channel_queue_mode = false;             // the channel's queue_mode afterwards
  std::string result_text;                     // recorded in last_result (cut to 1024 bytes)
};

// One attempt on one item, as recordAttempts takes them.
struct PushOutcome {
  PushItem item;
  PushAttempt attempt;
};

class PushRepository {
 public:
  virtual ~PushRepository() = default;

  // Operator: sets the channel of service (code, edition). kNotFound when the service does not exist;
  // kInvalidArgument for push without a receiver URL. Switching to push starts with sequence 1 for a
  // new channel and keeps the counter of an existing one; pending items of a channel switched back
  // to queue stay pending (and are not delivered) until it is switched to push again.
  virtual Status setChannel(const std::string& service_code, int service_edition, const DeliveryChannel& channel) = 0;
  virtual Result<std::vector<DeliveryChannel>> listChannels() = 0;  // without passwords
  // Outbox rows, oldest first: every state, or only dead ones; at most `limit`.
  virtual Result<std::vector<PushItem>> listItems(bool dead_only, int limit) = 0;
  // A dead item becomes pending again (attempts 0, due now). kNotFound unless the item is dead.
  virtual Status redrive(Id item_id) = 0;

  // Worker: push-mode channels whose oldest pending item is due and whose lease is free (or expired,
  // or already held by `holder`), the longest-waiting first, at most `limit`.
  virtual Result<std::vector<Id>> dueChannels(const std::string& holder, int limit) = 0;
  // Takes (or renews) the lease on a push-mode channel for `lease`; the channel with its password,
  // or nullopt when another holder has it or it is no longer in push mode.
  virtual Result<std::optional<DeliveryChannel>> claimChannel(Id service_id, const std::string& holder,
                                                              std::chrono::milliseconds lease) = 0;
  virtual Status releaseChannel(Id service_id, const std::string& holder) = 0;
  // The channel's oldest pending items (lowest sequence numbers first), at most `limit` (>= 1).
  virtual Result<std::vector<PushItem>> pendingItems(Id service_id, int limit) = 0;
  // Records attempts on items of ONE channel, in one transaction, only while `holder` still holds
  // that channel's lease; kNotFound otherwise, or when an item is no longer pending: then nothing is
  // recorded and the items stay as they were. On kDelivered it also appends a "Sent" shipment status
  // and, when the channel says so, purges the download-queue item; on kDead an "Error" shipment
  // status with the text. The channel's queue_mode becomes that of the last outcome.
  virtual Status recordAttempts(const std::string& holder, const std::vector<PushOutcome>& outcomes) = 0;
  // Housekeeping: deletes up to `limit` delivered items whose delivery was recorded more than
  // `older_than` ago (dead and pending ones are never deleted). Returns how many were deleted.
  virtual Result<int> deleteDelivered(std::chrono::seconds older_than, int limit) = 0;

  // Conveniences over the two above.
  Result<std::optional<PushItem>> headItem(Id service_id) {
    auto items = pendingItems(service_id, 1);
    if (!items.ok()) return items.status();
    if (items.value().empty()) return std::optional<PushItem>();
    return std::optional<PushItem>(items.value().front());
  }
  Status recordAttempt(const std::string& holder, const PushItem& item, const PushAttempt& attempt) {
    return recordAttempts(holder, {PushOutcome{item, attempt}});
  }
};

inline const char* pushStateName(PushState state) {
  switch (state) {
    case PushState::kPending: return "pending";
    case PushState::kDelivered: return "delivered";
    case PushState::kDead: return "dead";
  }
  return "pending";
}

}  // namespace gateway::persistence
