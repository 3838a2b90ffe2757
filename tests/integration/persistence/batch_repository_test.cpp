// BatchRepository and the batch outbox rows SubmissionRepository writes (migration 012) against a
// fresh MariaDB database: a batch-mode service's submissions enter the outbox in their transaction,
// batches are assigned once each, due rules hold, and the log is scoped per owner.
#define BOOST_TEST_MODULE batch_repository_test
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::Parties;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;
using gateway::testing::TestDatabaseFixture;

BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

using namespace std::chrono_literals;

Database& db() { return TestDatabase::instance().database(); }

NewSubmission newSubmission(const Parties& p) {
  NewSubmission s;
  s.system_id = p.enduser_system.id;
  s.service_id = p.service.id;
  s.owner_id = p.owner.id;
  s.reportee = p.reportee;
  FormRecord form;
  form.data_format_id = "5703";
  form.data_format_version = 34;
  form.form_data = "<Skjema/>";
  s.forms.push_back(form);
  s.receipt_text = "Mottatt";
  return s;
}

Parties batchParties() {
  Parties p = seedParties(db());
  DeliveryChannel channel;
  channel.mode = DeliveryMode::kBatch;
  BOOST_REQUIRE(db().push().setChannel(p.service.code, p.service.edition, channel).ok());
  return p;
}

std::int64_t unassigned(const Parties& p) {
  return TestDatabase::instance().scalar("SELECT COUNT(*) FROM batch_outbox WHERE owner_id = ? AND batch_file_id IS NULL",
                                         {std::to_string(p.owner.id)});
}

Id submit(const Parties& p) {
  auto created = db().submissions().create(newSubmission(p));
  BOOST_REQUIRE(created.ok());
  return created->submission_id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(BatchRepository)

BOOST_AUTO_TEST_CASE(BatchModeChannelIsListedAsBatch) {
  Parties p = batchParties();
  auto channels = db().push().listChannels();
  BOOST_REQUIRE(channels.ok());
  bool found = false;
  for (const auto& c : channels.value()) {
    if (c.service_id == p.service.id) found = c.mode == DeliveryMode::kBatch;
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(OnlyBatchModeSubmissionsEnterTheOutbox) {
  Parties queue_only = seedParties(db());
  submit(queue_only);
  BOOST_TEST(unassigned(queue_only) == 0);
  Parties p = batchParties();
  submit(p);
  submit(p);
  BOOST_TEST(unassigned(p) == 2);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM push_outbox WHERE owner_id = ?",
                                             {std::to_string(p.owner.id)}) == 0);
}

BOOST_AUTO_TEST_CASE(OwnerIsDueByCountOrByAge) {
  Parties p = batchParties();
  submit(p);
  auto by_count = db().batches().dueOwners(2, 3600s, 100);
  BOOST_REQUIRE(by_count.ok());
  BOOST_TEST(std::count(by_count->begin(), by_count->end(), p.owner.id) == 0);
  submit(p);
  by_count = db().batches().dueOwners(2, 3600s, 100);
  BOOST_REQUIRE(by_count.ok());
  BOOST_TEST(std::count(by_count->begin(), by_count->end(), p.owner.id) == 1);
  auto by_age = db().batches().dueOwners(100, 0s, 100);
  BOOST_REQUIRE(by_age.ok());
  BOOST_TEST(std::count(by_age->begin(), by_age->end(), p.owner.id) == 1);
}

BOOST_AUTO_TEST_CASE(AssignBatchTakesOldestUpToMaxAndNamesTheFile) {
  Parties p = batchParties();
  std::vector<Id> ids{submit(p), submit(p), submit(p)};
  auto first = db().batches().assignBatch(p.owner.id, 2);
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(first->has_value());
  const OutboundBatch& batch = *first.value();
  BOOST_TEST(batch.submission_ids == std::vector<Id>({ids[0], ids[1]}), boost::test_tools::per_element());
  BOOST_TEST(batch.file.file_name == outboundBatchFileName(batch.file.id));
  BOOST_TEST(batch.file.owner_code == p.owner.code);
  BOOST_TEST(batch.file.item_count == 2);
  BOOST_TEST(batchFileStateName(batch.file.state) == std::string("writing"));

  auto unfinished = db().batches().unfinishedBatches(1000);
  BOOST_REQUIRE(unfinished.ok());
  bool listed = false;
  for (const auto& u : unfinished.value()) listed = listed || u.file.id == batch.file.id;
  BOOST_TEST(listed);

  BOOST_TEST(db().batches().markWritten(batch.file.id).ok());
  BOOST_TEST(db().batches().markWritten(batch.file.id).code() == StatusCode::kNotFound);
  auto second = db().batches().assignBatch(p.owner.id, 2);
  BOOST_REQUIRE(second.ok() && second->has_value());
  BOOST_TEST(second.value()->submission_ids == std::vector<Id>({ids[2]}), boost::test_tools::per_element());
  auto none = db().batches().assignBatch(p.owner.id, 2);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(!none->has_value());
}

BOOST_AUTO_TEST_CASE(ItemsAreListedInFileOrderAndScopedToTheirOwner) {
  Parties p = batchParties();
  Parties other = seedParties(db());
  std::vector<Id> ids{submit(p), submit(p)};
  auto batch = db().batches().assignBatch(p.owner.id, 10);
  BOOST_REQUIRE(batch.ok() && batch->has_value());
  const Id file_id = batch.value()->file.id;
  auto items = db().batches().items(p.owner.id, file_id);
  BOOST_REQUIRE(items.ok());
  BOOST_REQUIRE(items->size() == 2u);
  BOOST_TEST(items->at(0).submission_id == ids[0]);
  BOOST_TEST(items->at(0).position == 1);
  BOOST_TEST(items->at(1).position == 2);
  BOOST_TEST(items->at(1).service_code == p.service.code);
  BOOST_TEST(batchFileStateName(items->at(1).state) == std::string("writing"));
  BOOST_TEST(db().batches().items(other.owner.id, file_id)->empty());
  auto one = db().batches().findItem(p.owner.id, items->at(1).id);
  BOOST_REQUIRE(one.ok());
  BOOST_TEST(one->position == 2);
  BOOST_TEST(db().batches().findItem(other.owner.id, items->at(1).id).status().code() == StatusCode::kNotFound);
  BatchFileQuery query;
  query.owner_id = p.owner.id;
  query.file_name = batch.value()->file.file_name;
  BOOST_TEST(db().batches().list(query, 10)->size() == 1u);
  query.kind = "prefill";
  BOOST_TEST(db().batches().list(query, 10)->empty());
}

BOOST_AUTO_TEST_CASE(ConcurrentWritersNeverShareASubmission) {
  Parties p = batchParties();
  for (int i = 0; i < 40; ++i) submit(p);
  std::vector<std::vector<Id>> taken(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (;;) {
        auto batch = db().batches().assignBatch(p.owner.id, 3);
        if (!batch.ok() || !batch->has_value()) return;
        for (Id id : batch.value()->submission_ids) taken[t].push_back(id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::multiset<Id> all;
  for (const auto& v : taken) all.insert(v.begin(), v.end());
  BOOST_TEST(all.size() == 40u);
  BOOST_TEST(std::set<Id>(all.begin(), all.end()).size() == 40u);
}

BOOST_AUTO_TEST_CASE(InboundFilesAreLoggedAndScopedToTheirOwner) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  BatchFileRecord record;
  record.owner_id = a.owner.id;
  record.direction = BatchDirection::kInbound;
  record.file_name = "prefill-1.xml";
  record.state = BatchFileState::kFailed;
  record.kind = "prefill";
  record.error_text = std::string(3000, 'x');
  auto id = db().batches().recordInbound(record);
  BOOST_REQUIRE(id.ok());
  auto found = db().batches().find(a.owner.id, id.value());
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(found->file_name == "prefill-1.xml");
  BOOST_TEST(found->error_text.size() == 1024u);
  BOOST_TEST((found->direction == BatchDirection::kInbound));
  BOOST_TEST(db().batches().find(b.owner.id, id.value()).status().code() == StatusCode::kNotFound);

  BatchFileQuery query;
  query.owner_id = b.owner.id;
  auto listed = db().batches().list(query, 100);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->empty());
  query.owner_id = a.owner.id;
  query.direction = BatchDirection::kInbound;
  listed = db().batches().list(query, 100);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->size() == 1u);

  record.state = BatchFileState::kWriting;
  BOOST_TEST(db().batches().recordInbound(record).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()
