#include "delivery_worker.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <random>

#include "common/log.h"
#include "push/attachment_zip.h"
#include "push/data_batch.h"

namespace gateway::push {

using persistence::PushState;

DeliveryWorker::DeliveryWorker(persistence::PushRepository& push, persistence::SubmissionRepository& submissions,
                               persistence::FileStore& files, ReceiverClientFactory clients, WorkerOptions options)
    : push_(push),
      submissions_(submissions),
      files_(files),
      clients_(std::move(clients)),
      options_(std::move(options)) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this, i] { loop(i); });
  log::info("push.worker.started", {{"threads", std::to_string(threads_.size())}});
}

void DeliveryWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_.exchange(true)) return;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  if (!threads_.empty()) log::info("push.worker.stopped");
  threads_.clear();
}

void DeliveryWorker::loop(int index) {
  const std::string holder = options_.holder + "/" + std::to_string(index);
  std::unique_ptr<ReceiverClient> client = clients_();
  if (!client) {
    log::error("push.worker.no_client", {{"thread", std::to_string(index)}});
    return;
  }
  auto last_housekeeping = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (!stopping_) {
    if (index == 0 && std::chrono::steady_clock::now() - last_housekeeping >= std::chrono::hours(1)) {
      deleteOldDelivered();
      last_housekeeping = std::chrono::steady_clock::now();
    }
    const int attempts = runOnce(*client, holder);
    if (attempts > 0) continue;  // there may be more: look again at once
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_.load(); });
  }
}

int DeliveryWorker::deleteOldDelivered() {
  if (options_.keep_delivered.count() <= 0) return 0;
  constexpr int kChunk = 1000;  // short transactions, so deliveries never wait long behind one
  int total = 0;
  while (!stopping_) {
    auto deleted = push_.deleteDelivered(options_.keep_delivered, kChunk);
    if (!deleted.ok()) {
      log::warn("push.housekeeping_failed", {{"error", deleted.status().message()}});
      break;
    }
    total += deleted.value();
    if (deleted.value() < kChunk) break;
  }
  if (total > 0) log::info("push.housekeeping", {{"deleted_delivered", std::to_string(total)}});
  return total;
}

int DeliveryWorker::runOnce(ReceiverClient& client, const std::string& holder) {
  auto due = push_.dueChannels(holder, 16);
  if (!due.ok()) {
    log::warn("push.poll_failed", {{"error", due.status().message()}});
    return 0;
  }
  int attempts = 0;
  for (persistence::Id service_id : due.value()) {
    if (stopping_) break;
    attempts += deliverChannel(service_id, client, holder);
  }
  return attempts;
}

int DeliveryWorker::deliverChannel(persistence::Id service_id, ReceiverClient& client, const std::string& holder) {
  using Clock = std::chrono::steady_clock;
  auto channel = push_.claimChannel(service_id, holder, options_.lease);
  if (!channel.ok() || !channel.value()) return 0;
  Clock::time_point claimed_at = Clock::now();
  const auto leaseCoversNextDelivery = [&] {
    return Clock::now() - claimed_at + options_.longest_delivery < options_.lease;
  };

  int sent = 0;
  int handled = 0;
  std::vector<persistence::PushOutcome> unrecorded;
  Clock::time_point oldest_unrecorded;
  bool waiting = false;  // the channel has to wait (retry later, queue mode, lost lease, load failure)
  while (!waiting && !stopping_ && handled < options_.max_items_per_claim) {
    const int want = std::min(std::max(1, options_.outcomes_per_commit), options_.max_items_per_claim - handled);
    auto items = push_.pendingItems(service_id, want);
    if (!items.ok() || items.value().empty()) break;
    std::vector<persistence::Id> ids;
    for (const persistence::PushItem& item : items.value()) ids.push_back(item.submission_id);
    auto loaded = submissions_.getManyById(items.value().front().owner_id, ids);
    if (!loaded.ok()) {
      log::warn("push.load_failed", {{"service_id", std::to_string(service_id)}, {"error", loaded.status().message()}});
      break;
    }
    std::map<persistence::Id, const persistence::ArchivedSubmission*> submissions;
    for (const auto& submission : loaded.value()) submissions[submission.id] = &submission;
    for (const persistence::PushItem& item : items.value()) {
      if (stopping_ || !item.due) {
        waiting = true;
        break;
      }
      if (!leaseCoversNextDelivery()) {
        if (!record(holder, unrecorded)) {
          waiting = true;
          break;
        }
        auto renewed = push_.claimChannel(service_id, holder, options_.lease);
        if (!renewed.ok() || !renewed.value()) {
          waiting = true;
          break;
        }
        channel = std::move(renewed);
        claimed_at = Clock::now();
      }
      auto found = submissions.find(item.submission_id);
      auto attempt = attemptItem(item, found == submissions.end() ? nullptr : found->second, *channel.value(), client,
                                 sent);
      if (!attempt) {
        waiting = true;
        break;
      }
      if (unrecorded.empty()) oldest_unrecorded = Clock::now();
      unrecorded.push_back({item, std::move(*attempt)});
      ++handled;
      const bool must_wait = unrecorded.back().attempt.state == PushState::kPending;
      if (must_wait || static_cast<int>(unrecorded.size()) >= options_.outcomes_per_commit ||
          Clock::now() - oldest_unrecorded >= options_.max_unrecorded_age) {
        if (!record(holder, unrecorded) || must_wait) {
          waiting = true;
          break;
        }
      }
    }
    if (!record(holder, unrecorded)) break;
  }
  record(holder, unrecorded);
  if (Status s = push_.releaseChannel(service_id, holder); !s.ok()) {
    log::warn("push.release_failed", {{"service_id", std::to_string(service_id)}, {"error", s.message()}});
  }
  return sent;
}

std::optional<persistence::PushAttempt> DeliveryWorker::attemptItem(const persistence::PushItem& item,
                                                                    const persistence::ArchivedSubmission* submission,
                                                                    const persistence::DeliveryChannel& channel,
                                                                    ReceiverClient& client, int& sent) {
  persistence::PushAttempt attempt;
  if (submission == nullptr) {
    attempt.state = PushState::kDead;
    attempt.result_text = "the archived submission is gone";
    return attempt;
  }
  auto zip = buildAttachmentZip(files_, submission->attachments, options_.max_attachment_bytes,
                                options_.temp_dir);
  if (!zip.ok() && zip.status().code() == StatusCode::kResourceExhausted) {
    attempt.state = PushState::kDead;  // never sent with part of its data; redrive after raising the limit
    attempt.count_attempt = false;     // the receiver never saw it
    attempt.result_text = "not sent: " + zip.status().message();
    return attempt;
  }
  if (!zip.ok() && zip.status().code() != StatusCode::kUnavailable) {
    attempt.state = PushState::kDead;
    attempt.count_attempt = false;
    attempt.result_text = "not sent: attachment bytes unreadable: " + zip.status().message();
    return attempt;
  }
  if (!zip.ok()) {
    log::warn("push.attachments_failed", {{"item", std::to_string(item.id)}, {"error", zip.status().message()}});
    return std::nullopt;
  }
  DeliveryRequest request;
  request.attachments = std::move(zip).value();
  request.url = channel.receiver_url;
  request.username = channel.receiver_username;
  request.password = channel.receiver_password;
  request.receivers_reference = submission->archive_reference;
  request.sequence_number = item.sequence_number;
  request.batch = buildDataBatch(*submission, item.sequence_number, std::time(nullptr));
  const ReceiverOutcome outcome = client.deliver(request);
  ++sent;
  return decide(outcome, item.attempts, options_.retry);
}

bool DeliveryWorker::record(const std::string& holder, std::vector<persistence::PushOutcome>& outcomes) {
  if (outcomes.empty()) return true;
  const Status recorded = push_.recordAttempts(holder, outcomes);
  for (const auto& [item, attempt] : outcomes) {
    log::info("push.attempt", {{"item", std::to_string(item.id)},
                               {"service_id", std::to_string(item.service_id)},
                               {"sequence", std::to_string(item.sequence_number)},
                               {"state", persistence::pushStateName(attempt.state)},
                               {"queue_mode", attempt.channel_queue_mode ? "true" : "false"},
                               {"recorded", recorded.ok() ? "true" : recorded.message()}});
  }
  outcomes.clear();
  return recorded.ok();
}

std::string processLeaseHolder() {
  char host[128] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return std::string(host).substr(0, 48) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd() % 1000000);
}

}  // namespace gateway::push
