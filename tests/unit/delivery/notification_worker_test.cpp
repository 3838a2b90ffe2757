#define BOOST_TEST_MODULE delivery_worker
#include <boost/test/unit_test.hpp>

#include <ctime>
#include <deque>

#include "delivery/notification_worker.h"

using namespace gateway;
using namespace gateway::persistence;

namespace {

// Hands out the queued messages once each and records what the worker reports.
class ScriptedOutbox : public NotificationRepository {
 public:
  std::deque<OutboxMessage> due;
  std::vector<Id> sent;
  struct Failure {
    Id id;
    std::string error;
    std::optional<std::time_t> retry_at;
  };
  std::vector<Failure> failed;

  Status putTemplate(const NotificationTemplateRecord&) override { return Status::Ok(); }
  Result<std::vector<NotificationTemplateRecord>> templatesOf(const std::string&) override { return std::vector<NotificationTemplateRecord>(); }
  Result<std::vector<NotificationTemplateRecord>> listTemplates() override { return std::vector<NotificationTemplateRecord>(); }
  Result<std::vector<Id>> enqueue(const std::vector<OutboxMessage>&) override { return std::vector<Id>(); }
  Result<std::vector<OutboxMessage>> claim(int limit, int) override {
    std::vector<OutboxMessage> out;
    while (!due.empty() && static_cast<int>(out.size()) < limit) {
      out.push_back(due.front());
      due.pop_front();
    }
    return out;
  }
  Status markSent(Id id, std::int64_t) override {
    sent.push_back(id);
    return Status::Ok();
  }
  int commits = 0;  // markAllSent calls
  Result<int> markAllSent(const std::vector<OutboxLease>& done) override {
    ++commits;
    for (const auto& m : done) sent.push_back(m.id);
    return static_cast<int>(done.size());
  }
  std::vector<Id> released;
  Status release(const std::vector<OutboxLease>& unsent) override {
    for (const auto& m : unsent) released.push_back(m.id);
    return Status::Ok();
  }
  Status markFailed(Id id, std::int64_t, const std::string& error, std::optional<std::time_t> retry_at) override {
    failed.push_back({id, error, retry_at});
    return Status::Ok();
  }
  Result<std::vector<OutboxMessage>> list(const OutboxQuery&) override { return std::vector<OutboxMessage>(); }
  Result<std::optional<OutboxMessage>> get(Id) override { return std::optional<OutboxMessage>(); }
  Status redrive(Id) override { return Status::Ok(); }
};

class ScriptedSender : public delivery::Sender {
 public:
  Status next = Status::Ok();
  std::vector<Id> seen;
  Status send(const OutboxMessage& m) override {
    seen.push_back(m.id);
    return next;
  }
};

OutboxMessage message(Id id, OutboxTransport t, int attempts) {
  OutboxMessage m;
  m.id = id;
  m.transport = t;
  m.attempts = attempts;
  return m;
}

struct Fixture {
  ScriptedOutbox outbox;
  ScriptedSender* email = new ScriptedSender;
  ScriptedSender* sms = new ScriptedSender;
  config::DeliveryConfig config;
  std::unique_ptr<delivery::NotificationWorker> worker;
  Fixture() {
    config.max_attempts = 3;
    config.backoff_base_seconds = 10;
    config.backoff_max_seconds = 100;
    worker = std::make_unique<delivery::NotificationWorker>(outbox, config, std::unique_ptr<delivery::Sender>(email),
                                                        std::unique_ptr<delivery::Sender>(sms));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(DeliveryWorkerTests, Fixture)

BOOST_AUTO_TEST_CASE(EachTransportGoesToItsSender) {
  outbox.due = {message(1, OutboxTransport::kEmail, 1), message(2, OutboxTransport::kSms, 1)};
  BOOST_TEST(worker->runOnce() == 2);
  BOOST_TEST(email->seen == std::vector<Id>{1});
  BOOST_TEST(sms->seen == std::vector<Id>{2});
  BOOST_TEST(outbox.sent == (std::vector<Id>{1, 2}));
  BOOST_TEST(outbox.commits == 1);  // both recorded in one commit
}

BOOST_AUTO_TEST_CASE(FailuresAreRecordedAloneAndTheRestTogether) {
  outbox.due = {message(1, OutboxTransport::kEmail, 1), message(2, OutboxTransport::kSms, 1),
                message(3, OutboxTransport::kEmail, 1)};
  sms->next = Status::Unavailable("gateway down");
  BOOST_TEST(worker->runOnce() == 3);
  BOOST_TEST(outbox.sent == (std::vector<Id>{1, 3}));
  BOOST_TEST(outbox.commits == 1);
  BOOST_REQUIRE(outbox.failed.size() == 1u);
  BOOST_TEST(outbox.failed[0].id == 2);
}

BOOST_AUTO_TEST_CASE(TemporaryFailureIsRetriedWithBackoff) {
  email->next = Status::Unavailable("relay down");
  outbox.due = {message(1, OutboxTransport::kEmail, 2)};
  const std::time_t before = std::time(nullptr);
  worker->runOnce();
  BOOST_REQUIRE(outbox.failed.size() == 1u);
  BOOST_REQUIRE(outbox.failed[0].retry_at.has_value());
  BOOST_TEST(*outbox.failed[0].retry_at >= before + 20);  // second attempt failed: 10 * 2
  BOOST_TEST(*outbox.failed[0].retry_at <= std::time(nullptr) + 20);
  BOOST_TEST(outbox.failed[0].error == "relay down");
}

BOOST_AUTO_TEST_CASE(LastAttemptMakesTheMessageDead) {
  email->next = Status::Unavailable("relay down");
  outbox.due = {message(1, OutboxTransport::kEmail, 3)};
  worker->runOnce();
  BOOST_REQUIRE(outbox.failed.size() == 1u);
  BOOST_TEST(!outbox.failed[0].retry_at.has_value());
}

BOOST_AUTO_TEST_CASE(PermanentRefusalIsDeadAtOnce) {
  sms->next = Status::InvalidArgument("HTTP 400");
  outbox.due = {message(1, OutboxTransport::kSms, 1)};
  worker->runOnce();
  BOOST_REQUIRE(outbox.failed.size() == 1u);
  BOOST_TEST(!outbox.failed[0].retry_at.has_value());
}

BOOST_AUTO_TEST_CASE(StartAndStopAreClean) {
  outbox.due = {message(1, OutboxTransport::kEmail, 1)};
  worker->start();
  for (int i = 0; i < 200 && outbox.sent.empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  worker->stop();
  BOOST_TEST(outbox.sent == std::vector<Id>{1});
  worker->stop();  // idempotent
}

BOOST_AUTO_TEST_CASE(NothingIsStartedWhenTheLeaseIsShorterThanASend) {
  config::DeliveryConfig short_lease;
  short_lease.lease_seconds = 5;
  short_lease.smtp.timeout_seconds = 10;
  ScriptedSender* e = new ScriptedSender;
  delivery::NotificationWorker w(outbox, short_lease, std::unique_ptr<delivery::Sender>(e),
                             std::make_unique<ScriptedSender>());
  outbox.due = {message(1, OutboxTransport::kEmail, 1)};
  BOOST_TEST(w.runOnce() == 0);
  BOOST_TEST(e->seen.empty());
  BOOST_TEST(outbox.sent.empty());
  BOOST_TEST(outbox.released == std::vector<Id>{1});  // handed back untried, not left to its lease
}

BOOST_AUTO_TEST_SUITE_END()
