// BatchLogging rules (gateway/core/batch_logging_service.h) against an in-memory batch log.
#define BOOST_TEST_MODULE batch_logging_service_test
#include <boost/test/unit_test.hpp>

#include "core/batch_logging_service.h"
#include "fake_database.h"

using namespace gateway;
using namespace gateway::persistence;

namespace gateway {
inline std::ostream& boost_test_print_type(std::ostream& out, StatusCode code) { return out << static_cast<int>(code); }
}  // namespace gateway

namespace {

// The batch log of two owners; list() applies the owner, id, name and kind filters.
class FakeBatches : public BatchRepository {
 public:
  std::vector<BatchFileRecord> files;
  std::vector<BatchItemRecord> all_items;
  std::map<Id, Id> item_owner;

  Result<std::vector<Id>> dueOwners(int, std::chrono::seconds, int) override { return std::vector<Id>{}; }
  Result<std::optional<OutboundBatch>> assignBatch(Id, int) override { return std::optional<OutboundBatch>(); }
  Result<std::vector<OutboundBatch>> unfinishedBatches(int) override { return std::vector<OutboundBatch>{}; }
  Status markWritten(Id) override { return Status::Ok(); }
  Result<Id> recordInbound(const BatchFileRecord&) override { return Id{0}; }
  Result<std::vector<BatchFileRecord>> list(const BatchFileQuery& q, int) override {
    std::vector<BatchFileRecord> out;
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
      if (q.owner_id && it->owner_id != *q.owner_id) continue;
      if (q.batch_file_id && it->id != *q.batch_file_id) continue;
      if (q.file_name && it->file_name != *q.file_name) continue;
      if (q.kind && it->kind != *q.kind) continue;
      out.push_back(*it);
    }
    return out;
  }
  Result<BatchFileRecord> find(Id, Id) override { return Status::NotFound("unused"); }
  Result<std::vector<Id>> submissionsOf(Id, Id) override { return std::vector<Id>{}; }
  Result<std::vector<BatchItemRecord>> items(Id owner_id, Id batch_file_id) override {
    std::vector<BatchItemRecord> out;
    for (const auto& i : all_items) {
      if (i.batch_file_id == batch_file_id && item_owner[i.id] == owner_id) out.push_back(i);
    }
    return out;
  }
  Result<BatchItemRecord> findItem(Id owner_id, Id item_id) override {
    for (const auto& i : all_items) {
      if (i.id == item_id && item_owner[i.id] == owner_id) return i;
    }
    return Status::NotFound("no such data item");
  }
};

class Database : public testing::FakeDatabase {
 public:
  FakeBatches batches_;
  BatchRepository& batches() override { return batches_; }
};

struct Fixture {
  Fixture() : service(db) {
    owner.id = 1;
    owner.role = SystemRole::kServiceOwner;
    owner.owner_id = 10;
    owner.owner_code = "ETAT";
    auto file = [&](Id id, Id owner_id, BatchDirection d, BatchFileState s, const std::string& kind) {
      BatchFileRecord f;
      f.id = id;
      f.owner_id = owner_id;
      f.direction = d;
      f.state = s;
      f.kind = kind;
      f.file_name = "f" + std::to_string(id) + ".xml";
      f.error_text = s == BatchFileState::kFailed ? "line 3: bad" : "";
      db.batches_.files.push_back(f);
    };
    file(1, 10, BatchDirection::kInbound, BatchFileState::kProcessed, "prefill");
    file(2, 10, BatchDirection::kInbound, BatchFileState::kFailed, "prefill");
    file(3, 10, BatchDirection::kOutbound, BatchFileState::kWritten, "submissions");
    file(4, 20, BatchDirection::kInbound, BatchFileState::kFailed, "subscription");  // another owner
    file(5, 10, BatchDirection::kInbound, BatchFileState::kFailed, "subscription");
    db.batches_.all_items.push_back({7, 3, 70, "4711", 1, 1, BatchFileState::kWritten});
    db.batches_.item_owner[7] = 10;
  }
  Database db;
  core::BatchLoggingService service;
  SystemRecord owner;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(BatchLoggingService, Fixture)

BOOST_AUTO_TEST_CASE(OverviewListsOnlyTheOwnersBatchesWithTheirIssues) {
  auto report = service.status(owner, {}, false);
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(report->batches.size() == 4u);
  for (const auto& b : report->batches) BOOST_TEST(b.owner_id == 10);
  BOOST_REQUIRE(report->issues.size() == 2u);
  BOOST_TEST(report->issues[0].batch_id == 2);
  BOOST_TEST(report->issues[0].description == "line 3: bad");
  BOOST_TEST(report->issues[1].batch_id == 5);
  BOOST_TEST(report->items.empty());
}

BOOST_AUTO_TEST_CASE(DetailedAddsTheItemsOfOutboundBatches) {
  auto report = service.status(owner, {}, true);
  BOOST_REQUIRE(report.ok());
  BOOST_REQUIRE(report->items.size() == 1u);
  BOOST_TEST(report->items[0].submission_id == 70);
}

BOOST_AUTO_TEST_CASE(FiltersByKindIssueAndSequence) {
  core::BatchLogQuery q;
  q.kind = "subscription";
  BOOST_TEST(service.status(owner, q, false)->batches.size() == 1u);
  q = {};
  q.from_issue_id = 3;
  BOOST_TEST(service.status(owner, q, false)->issues.size() == 1u);
  q = {};
  q.sequence = 2;
  BOOST_TEST(service.status(owner, q, false)->batches.size() == 1u);
  q.batch_id = 3;  // contradicts the sequence
  BOOST_TEST(service.status(owner, q, false)->batches.empty());
  q = {};
  q.unknown_kind = true;
  BOOST_TEST(service.status(owner, q, false)->batches.empty());
}

BOOST_AUTO_TEST_CASE(RefusesAnotherOwnersCodeAndAnInvertedTimeRange) {
  core::BatchLogQuery q;
  q.system_user_code = "ETAT2";
  BOOST_TEST(service.status(owner, q, false).status().code() == StatusCode::kPermissionDenied);
  q.system_user_code = "ETAT";
  BOOST_TEST(service.status(owner, q, false).ok());
  q.from = 200;
  q.to = 100;
  BOOST_TEST(service.status(owner, q, false).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(DataItemIsScopedToTheOwner) {
  BOOST_TEST(service.dataItem(owner, 7).ok());
  SystemRecord other = owner;
  other.owner_id = 20;
  BOOST_TEST(service.dataItem(other, 7).status().code() == StatusCode::kNotFound);
  BOOST_TEST(service.dataItem(owner, 8).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_SUITE_END()
