#pragma once
// The push channel's background delivery: threads that find channels with a due item, lease one,
// and deliver its pending items in sequence order (oldest first) until the channel has to wait
// (a retry later, queue mode) or is empty, then release it. Several gateway processes may run
// workers against one database: the channel lease (PushRepository) keeps each channel with one
// deliverer at a time, so items are delivered in order and never twice concurrently.
//
// Delivery is at least once: if the process dies after the receiver answered OK but before the
// outcome was committed, the item is sent again (same sequence number and receiversReference, so a
// receiver can recognise it). Otherwise each item is sent until it is delivered or dead, in order.
//
// Durable writes per delivery: the lease is taken once per claim and renewed only when what is left
// of it no longer outlasts the longest possible delivery; outcomes are committed in groups of up to
// `outcomes_per_commit` (and at least every `max_unrecorded_age`), so a run of OK answers costs one
// commit per group, not one or two per item. A crash can thus re-send up to that many items. An
// outcome that makes the channel wait (retry later, queue mode) is committed at once.
//
// Attachments: each item carries its submission's attachments as a ZIP (attachment_zip.h), built in
// a temp file under `temp_dir` and held in memory only while it is sent. An item whose attachments
// add up to more than `max_attachment_bytes` is not sent at all (never with part of its data): it is
// marked dead with a result text naming the total and the limit, so after raising
// push.max_attachment_bytes it can be redriven (gatewayctl). Bytes missing from the file store also
// make the item dead; a file store or temp-file I/O error leaves it pending for the next poll.
//
// Lifetime: the repositories, the file store and the client factory must outlive the worker. start() once; stop()
// (also from the destructor) wakes the threads, waits for the delivery in progress to finish (at most
// the client's timeout) and releases the leases held.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "persistence/file_store.h"
#include "persistence/push_repository.h"
#include "persistence/repositories.h"
#include "push/push_policy.h"
#include "push/receiver_client.h"

namespace gateway::push {

struct WorkerOptions {
  int threads = 1;
  std::chrono::milliseconds poll_interval{1000};  // how often idle threads look for due channels
  std::chrono::milliseconds lease{60'000};         // > longest_delivery
  std::chrono::milliseconds longest_delivery{40'000};  // the client's connect + send + receive timeouts
  int max_items_per_claim = 100;                   // then the channel is released for fairness
  int outcomes_per_commit = 32;                    // delivered items recorded per transaction
  std::chrono::milliseconds max_unrecorded_age{200};  // an outcome waits at most this long for its commit
  std::chrono::seconds keep_delivered{30 * 24 * 3600};  // delivered outbox rows are deleted after this (0: kept)
  RetryPolicy retry;
  std::string holder;                              // this process's lease name (unique per process)
  std::int64_t max_attachment_bytes = 64LL << 20;  // total attachment bytes per item, else dead
  std::string temp_dir = "/tmp";                   // where the attachments ZIP is built
};

class DeliveryWorker {
 public:
  DeliveryWorker(persistence::PushRepository& push, persistence::SubmissionRepository& submissions,
                 persistence::FileStore& files, ReceiverClientFactory clients, WorkerOptions options);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  void stop();

  // One pass as lease holder `holder`: every due channel it can lease is delivered as far as it can
  // go. Returns the number of delivery attempts made. Used by the threads (holder = options.holder +
  // "/<thread>"), and directly by tests.
  int runOnce(ReceiverClient& client, const std::string& holder);
  // Deletes delivered outbox rows older than keep_delivered, in bounded chunks; returns how many.
  // Thread 0 calls it about once an hour.
  int deleteOldDelivered();

 private:
  int deliverChannel(persistence::Id service_id, ReceiverClient& client, const std::string& holder);
  // The attempt for one item (`submission` null: it is gone): sent (or found undeliverable) and
  // decided; nullopt when its attachments could not be read now (the item stays pending and the
  // channel waits for the next poll).
  std::optional<persistence::PushAttempt> attemptItem(const persistence::PushItem& item,
                                                      const persistence::ArchivedSubmission* submission,
                                                      const persistence::DeliveryChannel& channel,
                                                      ReceiverClient& client, int& sent);
  // Commits `outcomes` (then empties it); false when they could not be recorded.
  bool record(const std::string& holder, std::vector<persistence::PushOutcome>& outcomes);
  void loop(int index);

  persistence::PushRepository& push_;
  persistence::SubmissionRepository& submissions_;
  persistence::FileStore& files_;
  ReceiverClientFactory clients_;
  WorkerOptions options_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> threads_;
};

// A lease name unique to this process: host name, pid and a random suffix.
std::string processLeaseHolder();

}  // namespace gateway::push
