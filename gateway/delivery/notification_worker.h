#pragma once
// The outbox worker of gatewayd: one background thread that claims due outbox messages
// (NotificationRepository::claim, lease + SKIP LOCKED, so several gateway processes may run it at
// once), sends each through its transport and records the outcome: sent (sent_at), pending again
// after retryDelay() (last_error), or dead after config.max_attempts or a permanent refusal.
//
// Lifetime: start() once, stop() once (also from the destructor); stop() wakes the thread, lets
// the message in hand finish (bounded by the transports' timeouts) and joins. Messages claimed but
// not yet sent when stopping stay "sending" until their lease expires, then any worker resends them.
// A message is started only while its lease still outlasts the longest send (the transports'
// timeouts), so no other worker can claim it while it is being sent.

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
  void deliver(const persistence::OutboxMessage& message);

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
