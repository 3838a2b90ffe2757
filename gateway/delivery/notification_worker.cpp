#include "delivery/notification_worker.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "common/log.h"
#include "delivery/backoff.h"
#include "delivery/sms_sender.h"
#include "delivery/smtp_sender.h"

namespace gateway::delivery {

NotificationWorker::NotificationWorker(persistence::NotificationRepository& repository, config::DeliveryConfig config,
                               std::unique_ptr<Sender> email, std::unique_ptr<Sender> sms)
    : repository_(repository), config_(std::move(config)), email_(std::move(email)), sms_(std::move(sms)) {}

std::unique_ptr<NotificationWorker> NotificationWorker::create(persistence::NotificationRepository& repository,
                                                       const config::DeliveryConfig& config) {
  static const bool curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;  // once per process
  (void)curl_ready;
  return std::make_unique<NotificationWorker>(repository, config, std::make_unique<SmtpSender>(config.smtp),
                                          std::make_unique<SmsSender>(config.sms));
}

NotificationWorker::~NotificationWorker() { stop(); }

void NotificationWorker::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
  log::info("delivery.started", {{"batch_size", std::to_string(config_.batch_size)},
                                 {"max_attempts", std::to_string(config_.max_attempts)}});
}

void NotificationWorker::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  log::info("delivery.stopped", {});
}

void NotificationWorker::loop() {
  while (!stopping_) {
    const int handled = runOnce();
    if (handled >= config_.batch_size) continue;  // more may be due right away
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(config_.poll_interval_ms), [this] { return stopping_.load(); });
  }
}

int NotificationWorker::runOnce() {
  auto claimed = repository_.claim(config_.batch_size, config_.lease_seconds);
  if (!claimed.ok()) {
    log::warn("delivery.claim_failed", {{"error", claimed.status().message()}});
    return 0;
  }
  // A message is only started while its lease outlasts the longest send, so a slow relay never lets
  // another worker claim a message this one is still sending; the rest wait for their lease to end.
  const auto claimed_at = std::chrono::steady_clock::now();
  const auto longest_send =
      std::chrono::seconds(std::max(config_.smtp.timeout_seconds, config_.sms.timeout_seconds) + 1);
  const auto lease = std::chrono::seconds(config_.lease_seconds);
  int handled = 0;
  std::vector<persistence::OutboxLease> sent;
  std::vector<persistence::OutboxLease> untried;
  for (const persistence::OutboxMessage& message : claimed.value()) {
    if (!untried.empty() || stopping_ || std::chrono::steady_clock::now() - claimed_at + longest_send >= lease) {
      untried.push_back({message.id, message.lease_token});
      continue;
    }
    if (deliver(message)) sent.push_back({message.id, message.lease_token});
    ++handled;
  }
  // One commit for the batch's successes: a crash before it re-sends at most batch_size messages.
  if (!sent.empty()) {
    auto recorded = repository_.markAllSent(sent);
    if (!recorded.ok() || recorded.value() != static_cast<int>(sent.size())) {
      log::warn("delivery.sent_not_recorded",
                {{"sent", std::to_string(sent.size())},
                 {"recorded", recorded.ok() ? std::to_string(recorded.value()) : recorded.status().message()}});
    }
  }
  if (!untried.empty()) {
    Status s = repository_.release(untried);
    log::info("delivery.released", {{"messages", std::to_string(untried.size())},
                                    {"recorded", s.ok() ? "yes" : s.message()}});
  }
  return handled;
}

bool NotificationWorker::deliver(const persistence::OutboxMessage& m) {
  Sender& sender = m.transport == persistence::OutboxTransport::kSms ? *sms_ : *email_;
  const Status sent = sender.send(m);
  const std::string id = std::to_string(m.id);
  const char* transport = persistence::outboxTransportName(m.transport);
  if (sent.ok()) {
    log::info("delivery.sent", {{"id", id}, {"transport", transport}, {"attempt", std::to_string(m.attempts)}});
    return true;
  }
  const bool permanent = sent.code() == StatusCode::kInvalidArgument;
  std::optional<std::time_t> retry_at;
  if (!permanent && m.attempts < config_.max_attempts) {
    retry_at = std::time(nullptr) +
               retryDelay(m.attempts, config_.backoff_base_seconds, config_.backoff_max_seconds).count();
  }
  Status s = repository_.markFailed(m.id, m.lease_token, sent.message(), retry_at);
  (retry_at ? log::warn : log::error)(retry_at ? "delivery.retry" : "delivery.dead",
                                      {{"id", id}, {"transport", transport}, {"attempt", std::to_string(m.attempts)},
                                       {"error", sent.message()}, {"recorded", s.ok() ? "yes" : s.message()}});
  return false;
}

}  // namespace gateway::delivery
