// ReceiptRepository against a fresh MariaDB database: scope, history, references, sub-receipts.
#define BOOST_TEST_MODULE receipt_repository_test
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <ctime>
#include <thread>

#include "support/test_database.h"

using namespace gateway;
using namespace gateway::persistence;
using gateway::testing::Parties;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;
using gateway::testing::uniqueSuffix;

using gateway::testing::TestDatabaseFixture;
BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

Database& db() { return TestDatabase::instance().database(); }
ReceiptRepository& repo() { return db().receipts(); }

ReceiptScope ownerScope(const Parties& p) { return ReceiptScope{p.owner.id, std::nullopt}; }
ReceiptScope systemScope(const Parties& p) { return ReceiptScope{std::nullopt, p.enduser_system.id}; }

ReceiptRecord newReceipt(const std::string& type = "PreFill") {
  ReceiptRecord r;
  r.type = type;
  r.status = ReceiptStatus::kOk;
  r.text = "first text";
  r.references = {{"SendersReference", "snd-" + uniqueSuffix()}, {"BatchReference", "b-" + uniqueSuffix()}};
  ReceiptRecord sub;
  sub.status = ReceiptStatus::kNotSet;
  sub.text = "sub text";
  sub.references = {{"WorkFlowReference", "wf-" + uniqueSuffix()}};
  r.sub_receipts.push_back(sub);
  return r;
}

std::string value(const ReceiptRecord& r, const std::string& type) {
  for (const auto& ref : r.references) {
    if (ref.type == type) return ref.value;
  }
  return "";
}

// A receipt of a real submission (type FormTask, owner + end-user system).
SubmissionCreated submit(const Parties& p) {
  NewSubmission s;
  s.system_id = p.enduser_system.id;
  s.service_id = p.service.id;
  s.owner_id = p.owner.id;
  s.reportee = p.reportee;
  s.end_user_system_reference = "eu-" + uniqueSuffix();
  FormRecord f;
  f.data_format_id = "5703";
  f.data_format_version = 34;
  f.form_data = "<a/>";
  s.forms.push_back(f);
  s.receipt_text = "Mottatt";
  auto created = db().submissions().create(s);
  BOOST_REQUIRE(created.ok());
  return created.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ReceiptRepositoryTests)

BOOST_AUTO_TEST_CASE(CreateAndGetWithReferencesAndSubReceipts) {
  Parties p = seedParties(db());
  ReceiptRecord in = newReceipt();
  auto created = repo().create(ownerScope(p), in);
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
  BOOST_TEST(created->id > 0);
  BOOST_TEST(!created->parent_id.has_value());
  BOOST_TEST(created->type == "PreFill");
  BOOST_TEST((created->status == ReceiptStatus::kOk));
  BOOST_TEST(created->text == "first text");
  BOOST_TEST(created->history.empty());
  BOOST_TEST(created->owner_id.value_or(0) == p.owner.id);
  BOOST_TEST(!created->system_id.has_value());
  BOOST_TEST(created->references.size() == 2u);
  BOOST_REQUIRE_EQUAL(created->sub_receipts.size(), 1u);
  const ReceiptRecord& sub = created->sub_receipts[0];
  BOOST_TEST(sub.parent_id.value_or(0) == created->id);
  BOOST_TEST(sub.type == "PreFill");  // inherited
  BOOST_TEST(sub.text == "sub text");
  BOOST_TEST(value(sub, "WorkFlowReference") == in.sub_receipts[0].references[0].value);
  BOOST_TEST(sub.owner_id.value_or(0) == p.owner.id);

  auto got = repo().get(ownerScope(p), created->id);
  BOOST_REQUIRE(got.ok());
  BOOST_TEST(got->text == "first text");
  BOOST_TEST(value(got.value(), "SendersReference") == in.references[0].value);
  BOOST_TEST(got->sub_receipts.size() == 1u);

  // A sub-receipt can be read on its own, without children.
  auto got_sub = repo().get(ownerScope(p), sub.id);
  BOOST_REQUIRE(got_sub.ok());
  BOOST_TEST(got_sub->parent_id.value_or(0) == created->id);
  BOOST_TEST(got_sub->sub_receipts.empty());
}

BOOST_AUTO_TEST_CASE(ScopeHidesOtherPartiesReceipts) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  auto submitted = submit(a);
  const Id id = submitted.receipt.id;

  BOOST_TEST(repo().get(ownerScope(a), id).ok());
  BOOST_TEST(repo().get(systemScope(a), id).ok());
  BOOST_TEST(repo().get(ReceiptScope{a.owner.id, a.enduser_system.id}, id).ok());
  BOOST_TEST(repo().get(ownerScope(b), id).status().code() == StatusCode::kNotFound);
  BOOST_TEST(repo().get(systemScope(b), id).status().code() == StatusCode::kNotFound);
  BOOST_TEST(repo().get(ownerScope(a), id + 1000000).status().code() == StatusCode::kNotFound);

  const std::string ar = submitted.archive_reference;
  BOOST_TEST(repo().findByReferences(ownerScope(b), {{"ArchiveReference", ar}}, 10)->empty());
  BOOST_TEST(repo().findByReferences(systemScope(b), {{"ArchiveReference", ar}}, 10)->empty());
  BOOST_TEST(repo().findByReferences(systemScope(a), {{"ArchiveReference", ar}}, 10)->size() == 1u);

  BOOST_TEST(repo().list(ownerScope(b), "FormTask", std::nullopt, std::nullopt, 100)->empty());
  BOOST_TEST(repo().list(systemScope(b), "FormTask", std::nullopt, std::nullopt, 100)->empty());

  ReceiptRepository::Update u;
  u.receipt_id = id;
  u.status = ReceiptStatus::kRejected;
  u.text = "not yours";
  BOOST_TEST(repo().update(ownerScope(b), u).status().code() == StatusCode::kNotFound);
  u.receipt_id.reset();
  u.archive_reference = ar;
  BOOST_TEST(repo().update(ownerScope(b), u).status().code() == StatusCode::kNotFound);
  BOOST_TEST(repo().get(ownerScope(a), id)->text == "Mottatt");

  ReceiptRecord child;
  child.type = "FormTask";
  child.parent_id = id;
  BOOST_TEST(repo().create(ownerScope(b), child).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(EmptyScopeIsRefusedEverywhere) {
  ReceiptScope none;
  BOOST_TEST(repo().get(none, 1).status().code() == StatusCode::kPermissionDenied);
  BOOST_TEST(repo().findByReferences(none, {{"ArchiveReference", "AR1"}}, 10).status().code() ==
             StatusCode::kPermissionDenied);
  BOOST_TEST(repo().list(none, "FormTask", std::nullopt, std::nullopt, 10).status().code() ==
             StatusCode::kPermissionDenied);
  BOOST_TEST(repo().create(none, newReceipt()).status().code() == StatusCode::kPermissionDenied);
  ReceiptRepository::Update u;
  u.receipt_id = 1;
  BOOST_TEST(repo().update(none, u).status().code() == StatusCode::kPermissionDenied);
}

BOOST_AUTO_TEST_CASE(UpdateMovesOldTextToTopOfHistory) {
  Parties p = seedParties(db());
  auto created = repo().create(ownerScope(p), newReceipt());
  BOOST_REQUIRE(created.ok());

  ReceiptRepository::Update u;
  u.receipt_id = created->id;
  u.status = ReceiptStatus::kValidationFailed;
  u.text = "second text";
  u.add_references = {{"ReceiversReference", "rcv-1"}, {"SendersReference", created->references[0].value}};
  auto updated = repo().update(ownerScope(p), u);
  BOOST_REQUIRE_MESSAGE(updated.ok(), updated.status().message());
  BOOST_TEST(updated->text == "second text");
  BOOST_TEST((updated->status == ReceiptStatus::kValidationFailed));
  BOOST_TEST(updated->history.find("first text") != std::string::npos);
  BOOST_TEST(updated->history.find('\n') == std::string::npos);
  BOOST_TEST(updated->references.size() == 3u);  // the repeated SendersReference is not stored twice
  BOOST_TEST(value(updated.value(), "ReceiversReference") == "rcv-1");
  BOOST_TEST(updated->last_changed >= created->last_changed);

  u.text = "third text";
  u.status = ReceiptStatus::kOk;
  u.add_references.clear();
  auto again = repo().update(ownerScope(p), u);
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again->text == "third text");
  auto newline = again->history.find('\n');
  BOOST_REQUIRE(newline != std::string::npos);
  BOOST_TEST(again->history.substr(0, newline).find("second text") != std::string::npos);  // newest first
  BOOST_TEST(again->history.substr(newline + 1).find("first text") != std::string::npos);
  BOOST_TEST(again->history.substr(0, 4) == std::to_string(1900 + [] {
               std::time_t t = std::time(nullptr);
               std::tm tm{};
               gmtime_r(&t, &tm);
               return tm.tm_year;
             }()));  // starts with the UTC timestamp of the replaced text
}

BOOST_AUTO_TEST_CASE(UpdateByArchiveReferenceFindsTheSubmissionReceipt) {
  Parties p = seedParties(db());
  auto submitted = submit(p);
  ReceiptRepository::Update u;
  u.archive_reference = submitted.archive_reference;
  u.status = ReceiptStatus::kOk;
  u.text = "Behandlet";
  auto updated = repo().update(ownerScope(p), u);
  BOOST_REQUIRE_MESSAGE(updated.ok(), updated.status().message());
  BOOST_TEST(updated->id == submitted.receipt.id);
  BOOST_TEST(updated->text == "Behandlet");
  BOOST_TEST(updated->history.find("Mottatt") != std::string::npos);
  // The end-user system sees the owner's update.
  BOOST_TEST(repo().get(systemScope(p), submitted.receipt.id)->text == "Behandlet");

  u.archive_reference = "AR0";
  BOOST_TEST(repo().update(ownerScope(p), u).status().code() == StatusCode::kNotFound);
  u.receipt_id = submitted.receipt.id;
  u.archive_reference = submitted.archive_reference;
  BOOST_TEST(repo().update(ownerScope(p), u).status().code() == StatusCode::kInvalidArgument);
  u.archive_reference = "";  // empty means not given
  BOOST_TEST(repo().update(ownerScope(p), u).ok());
}

BOOST_AUTO_TEST_CASE(UpdateAppliesSubReceiptsAllOrNothing) {
  Parties p = seedParties(db());
  auto created = repo().create(ownerScope(p), newReceipt());
  BOOST_REQUIRE(created.ok());
  const Id sub_id = created->sub_receipts.at(0).id;

  ReceiptRepository::Update u;
  u.receipt_id = created->id;
  u.status = ReceiptStatus::kOk;
  u.text = "main updated";
  ReceiptRepository::Update existing;
  existing.receipt_id = sub_id;
  existing.status = ReceiptStatus::kRejected;
  existing.text = "sub updated";
  existing.add_references = {{"ParentReference", "p-1"}};
  ReceiptRepository::Update added;
  added.status = ReceiptStatus::kOk;
  added.text = "new sub";
  u.sub_receipts = {existing, added};
  auto updated = repo().update(ownerScope(p), u);
  BOOST_REQUIRE_MESSAGE(updated.ok(), updated.status().message());
  BOOST_REQUIRE_EQUAL(updated->sub_receipts.size(), 2u);
  BOOST_TEST(updated->sub_receipts[0].id == sub_id);
  BOOST_TEST(updated->sub_receipts[0].text == "sub updated");
  BOOST_TEST(updated->sub_receipts[0].history.find("sub text") != std::string::npos);
  BOOST_TEST(value(updated->sub_receipts[0], "ParentReference") == "p-1");
  BOOST_TEST(updated->sub_receipts[1].text == "new sub");
  BOOST_TEST(updated->sub_receipts[1].type == "PreFill");
  BOOST_TEST(updated->sub_receipts[1].owner_id.value_or(0) == p.owner.id);

  // A sub-receipt id that is not a child of this receipt: nothing at all changes.
  auto other = repo().create(ownerScope(p), newReceipt());
  BOOST_REQUIRE(other.ok());
  ReceiptRepository::Update bad;
  bad.receipt_id = created->id;
  bad.status = ReceiptStatus::kRejected;
  bad.text = "must not stick";
  ReceiptRepository::Update new_sub;
  new_sub.text = "must not stick either";
  ReceiptRepository::Update foreign;
  foreign.receipt_id = other->sub_receipts.at(0).id;
  foreign.text = "hijack";
  bad.sub_receipts = {new_sub, foreign};
  BOOST_TEST(repo().update(ownerScope(p), bad).status().code() == StatusCode::kNotFound);
  auto after = repo().get(ownerScope(p), created->id);
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(after->text == "main updated");
  BOOST_TEST(after->history == updated->history);
  BOOST_TEST(after->sub_receipts.size() == 2u);
  BOOST_TEST(repo().get(ownerScope(p), other->sub_receipts.at(0).id)->text == "sub text");

  // Sub-receipts of sub-receipts are refused.
  ReceiptRepository::Update deep;
  deep.receipt_id = sub_id;
  deep.sub_receipts = {ReceiptRepository::Update{}};
  BOOST_TEST(repo().update(ownerScope(p), deep).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(FindByReferencesNeedsAllOfThem) {
  Parties p = seedParties(db());
  ReceiptRecord in = newReceipt();
  auto created = repo().create(ownerScope(p), in);
  BOOST_REQUIRE(created.ok());
  const auto& senders = in.references[0];
  const auto& batch = in.references[1];

  auto both = repo().findByReferences(ownerScope(p), {senders, batch}, 10);
  BOOST_REQUIRE(both.ok());
  BOOST_REQUIRE_EQUAL(both->size(), 1u);
  BOOST_TEST(both->front().id == created->id);
  BOOST_TEST(both->front().sub_receipts.size() == 1u);

  BOOST_TEST(repo().findByReferences(ownerScope(p), {senders, {"BatchReference", "other"}}, 10)->empty());
  // A reference carried only by a sub-receipt does not find main receipts.
  BOOST_TEST(repo().findByReferences(ownerScope(p), {in.sub_receipts[0].references[0]}, 10)->empty());
  BOOST_TEST(repo().findByReferences(ownerScope(p), {}, 10).status().code() == StatusCode::kInvalidArgument);
  // Values compare exactly.
  BOOST_TEST(repo().findByReferences(ownerScope(p), {{senders.type, senders.value + " "}}, 10)->empty());
}

BOOST_AUTO_TEST_CASE(ListByTypeAndPeriodNewestFirst) {
  Parties p = seedParties(db());
  const std::string type = "Correspondence";
  std::vector<Id> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = repo().create(ownerScope(p), newReceipt(type));
    BOOST_REQUIRE(r.ok());
    ids.push_back(r->id);
  }
  BOOST_REQUIRE(repo().create(ownerScope(p), newReceipt("PreFill")).ok());

  auto all = repo().list(ownerScope(p), type, std::nullopt, std::nullopt, 100);
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE_EQUAL(all->size(), 3u);
  BOOST_TEST(all->at(0).id == ids[2]);
  BOOST_TEST(all->at(2).id == ids[0]);
  BOOST_TEST(all->at(0).sub_receipts.size() == 1u);
  for (const auto& r : all.value()) BOOST_TEST(r.type == type);

  BOOST_TEST(repo().list(ownerScope(p), type, std::nullopt, std::nullopt, 2)->size() == 2u);
  const std::time_t now = std::time(nullptr);
  BOOST_TEST(repo().list(ownerScope(p), type, now - 60, now + 60, 100)->size() == 3u);
  BOOST_TEST(repo().list(ownerScope(p), type, now + 60, std::nullopt, 100)->empty());
  BOOST_TEST(repo().list(ownerScope(p), type, std::nullopt, now - 60, 100)->empty());
  BOOST_TEST(repo().list(ownerScope(p), type, all->at(0).last_changed, all->at(0).last_changed, 100)->size() >= 1u);
}

BOOST_AUTO_TEST_CASE(ConcurrentUpdatesKeepEveryText) {
  Parties p = seedParties(db());
  auto created = repo().create(ownerScope(p), newReceipt());
  BOOST_REQUIRE(created.ok());
  constexpr int kThreads = 4, kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ReceiptRepository::Update u;
        u.receipt_id = created->id;
        u.status = ReceiptStatus::kOk;
        u.text = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!repo().update(ownerScope(p), u).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(failures.load() == 0);
  auto after = repo().get(ownerScope(p), created->id);
  BOOST_REQUIRE(after.ok());
  // Every text but the current one is in the history, plus the original.
  std::size_t lines = 1;
  for (char c : after->history) lines += c == '\n';
  BOOST_TEST(lines == static_cast<std::size_t>(kThreads * kEach));
  BOOST_TEST(after->history.find("first text") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
