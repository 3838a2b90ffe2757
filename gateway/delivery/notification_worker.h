#pragma once
// One outbox worker of gatewayd (gatewayd runs `delivery.threads` of them): a background thread that
// claims due outbox messages (NotificationRepository::claim, lease + SKIP LOCKED, so several workers
// and gateway processes may run at once), sends each through its transport and records the outcome:
// sent (sent_at), pending again after retryDelay() (last_error), or dead after config.max_attempts
// or a permanent refusal. The sent messages of a claim are recorded together in one transaction
// after the claim is done, so a crash in between re-sends at most batch_size messages; failures are
// recorded at once.
//
// Lifetime: start() once, stop() once (also from the destructor); stop() wakes the thread, lets
// the message in hand finish (bounded by the transports' timeouts) and joins. Messages claimed but
// not tried (stopping, or the lease would not outlast one more send: a message is started only while
// its lease outlasts the transports' timeouts, so no other worker can claim it while it is being
// sent) are released: due again at once, their attempt not counted.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "config/gateway_config.h"
#include "delivery/sender.h"
#include "persistence/notification_repository.h"

namespace gateway::delivery {

class NotificationWorker {
 public:
  // `repository` must outlive the worker. Senders are owned.
  NotificationWorker(persistence::NotificationRepository& repository, config::DeliveryConfig config,
                 std::unique_ptr<Sender> email, std::unique_ptr<Sender> sms);
  // Production wiring: SMTP and HTTP SMS senders from `config`.
  static std::unique_ptr<NotificationWorker> create(persistence::NotificationRepository& repository,
                                                const config::DeliveryConfig& config);
  ~NotificationWorker();
  NotificationWorker(const NotificationWorker&) = delete;
  NotificationWorker& operator=(const NotificationWorker&) = delete;

  void start();
  void stop();
  // One pass: claims and sends up to batch_size messages; returns how many it handled (tests).
  int runOnce();

 private:
  void loop();
  // Sends one message; on failure records it (retry or dead). True when it was sent.
  bool deliver(const persistence::OutboxMessage& message);

  persistence::NotificationRepository& repository_;
  config::DeliveryConfig config_;
  std::unique_ptr<Sender> email_;
  std::unique_ptr<Sender> sms_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
};

}  // namespace gateway::delivery
