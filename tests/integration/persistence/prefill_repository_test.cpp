// PrefillRepository against a fresh MariaDB database: storing with receipts, the batch-id and
// ExternalShipmentReference rules, open tasks for end users, and completion by a submission.
#define BOOST_TEST_MODULE prefill_repository_test
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <ctime>
#include <thread>
#include <vector>

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

constexpr std::time_t kHour = 3600;

Database& db() { return TestDatabase::instance().database(); }
PrefillRepository& repo() { return db().prefills(); }

PrefillInstanceRecord instance(const Parties& p, PrefillState state = PrefillState::kInstantiated) {
  PrefillInstanceRecord r;
  r.owner_id = p.owner.id;
  r.service_id = p.service.id;
  r.system_id = p.owner_system.id;
  r.reportee = p.reportee;
  r.external_shipment_reference = "esr-" + uniqueSuffix();
  r.senders_reference = "snd-" + uniqueSuffix();
  r.state = state;
  r.valid_from = std::time(nullptr) - kHour;
  r.valid_to = std::time(nullptr) + kHour;
  r.due_date = std::time(nullptr) + 2 * kHour;
  r.case_id = 17;
  r.forms.push_back({"5703", 34, "f-1", "<Skjema><Navn>Blåbær</Navn></Skjema>"});
  r.attachments.push_back({"Vedlegg", "v.pdf", "application_pdf", "a-1", 8, std::string(64, 'a'), "k-" + uniqueSuffix()});
  return r;
}

PrefillRepository::Request single(const Parties& p, const PrefillInstanceRecord& r) {
  PrefillRepository::Request request;
  request.owner_id = p.owner.id;
  request.system_id = p.owner_system.id;
  request.external_batch_id = "batch-" + uniqueSuffix();
  request.items.push_back({r, ""});
  return request;
}

std::string value(const ReceiptRecord& r, const std::string& type) {
  for (const auto& ref : r.references) {
    if (ref.type == type) return ref.value;
  }
  return "";
}

Id storedId(const ReceiptRecord& r) { return std::stoll(value(r, "ReceiversReference")); }

// Open tasks of the parties' reportee and service (other tests use the same reportee).
PrefillRepository::OpenQuery openFor(const Parties& p, const std::string& reportee) {
  PrefillRepository::OpenQuery q;
  q.reportee = reportee;
  q.now = std::time(nullptr);
  q.service_code = p.service.code;
  return q;
}
PrefillRepository::OpenQuery openFor(const Parties& p) { return openFor(p, p.reportee); }

SubmissionCreated submitFor(const Parties& p, std::optional<Id> prefill) {
  NewSubmission s;
  s.system_id = p.enduser_system.id;
  s.service_id = p.service.id;
  s.owner_id = p.owner.id;
  s.reportee = p.reportee;
  s.forms.push_back({"5703", 34, "", std::nullopt, "<a/>", true});
  s.receipt_text = "Mottatt";
  s.prefill_instance_id = prefill;
  auto created = db().submissions().create(s);
  if (!created.ok()) throw std::runtime_error(created.status().message());
  return created.value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PrefillRepositoryTests)

BOOST_AUTO_TEST_CASE(StoresATaskWithItsPreFillReceipt) {
  Parties p = seedParties(db());
  auto in = instance(p);
  auto request = single(p, in);
  auto receipt = repo().store(request);
  BOOST_REQUIRE_MESSAGE(receipt.ok(), receipt.status().message());
  BOOST_TEST(receipt->type == "PreFill");
  BOOST_TEST((receipt->status == ReceiptStatus::kOk));
  BOOST_TEST(receipt->owner_id.value_or(0) == p.owner.id);
  BOOST_TEST(!receipt->system_id.has_value());
  BOOST_TEST(value(receipt.value(), "BatchReference") == request.external_batch_id);
  BOOST_TEST(value(receipt.value(), "ExternalShipmentReference") == in.external_shipment_reference);
  BOOST_TEST(value(receipt.value(), "SendersReference") == in.senders_reference);

  auto found = repo().find(storedId(receipt.value()));
  BOOST_REQUIRE(found.ok());
  BOOST_REQUIRE(found->has_value());
  const auto& f = found->value();
  BOOST_TEST((f.state == PrefillState::kInstantiated));
  BOOST_TEST(f.reportee == p.reportee);
  BOOST_TEST(f.service_code == p.service.code);
  BOOST_TEST(f.owner_code == p.owner.code);
  BOOST_TEST(f.valid_from == in.valid_from);
  BOOST_TEST(f.valid_to == in.valid_to);
  BOOST_TEST(f.due_date.value_or(0) == *in.due_date);
  BOOST_TEST(f.case_id.value_or(0) == 17);

  // The receipt is readable through the receipt repository by the owner only.
  auto by_ref = db().receipts().findByReferences(ReceiptScope{p.owner.id, std::nullopt},
                                                 {{"BatchReference", request.external_batch_id}}, 5);
  BOOST_REQUIRE(by_ref.ok());
  BOOST_TEST(by_ref->size() == 1u);
  Parties other = seedParties(db());
  auto hidden = db().receipts().findByReferences(ReceiptScope{other.owner.id, std::nullopt},
                                                 {{"BatchReference", request.external_batch_id}}, 5);
  BOOST_REQUIRE(hidden.ok());
  BOOST_TEST(hidden->empty());
}

BOOST_AUTO_TEST_CASE(ARepeatedBatchIdWritesNothingAndFindsTheFirstReceipt) {
  Parties p = seedParties(db());
  auto request = single(p, instance(p));
  auto first = repo().store(request);
  BOOST_REQUIRE(first.ok());
  request.items[0].instance.external_shipment_reference = "esr-" + uniqueSuffix();
  auto second = repo().store(request);
  BOOST_TEST((second.status().code() == StatusCode::kAlreadyExists));
  auto earlier = repo().findBatchReceipt(p.owner.id, request.external_batch_id);
  BOOST_REQUIRE(earlier.ok());
  BOOST_REQUIRE(earlier->has_value());
  BOOST_TEST(earlier->value().id == first->id);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM prefill_instance WHERE owner_id = ?",
                                             {std::to_string(p.owner.id)}) == 1);
  // Another owner may use the same batch id.
  Parties other = seedParties(db());
  auto theirs = single(other, instance(other));
  theirs.external_batch_id = request.external_batch_id;
  BOOST_TEST(repo().store(theirs).ok());
}

BOOST_AUTO_TEST_CASE(AReusedShipmentReferenceFailsASingleRequest) {
  Parties p = seedParties(db());
  auto in = instance(p);
  BOOST_REQUIRE(repo().store(single(p, in)).ok());
  auto again = repo().store(single(p, in));
  BOOST_TEST((again.status().code() == StatusCode::kAlreadyExists));
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM owner_batch WHERE owner_id = ?",
                                             {std::to_string(p.owner.id)}) == 1);
}

BOOST_AUTO_TEST_CASE(ABatchGivesEachItemASubReceipt) {
  Parties p = seedParties(db());
  PrefillRepository::Request request;
  request.owner_id = p.owner.id;
  request.system_id = p.owner_system.id;
  request.external_batch_id = "batch-" + uniqueSuffix();
  request.sub_receipts = true;
  auto a = instance(p, PrefillState::kSaved);
  auto rejected = instance(p, PrefillState::kSaved);
  auto dup = a;  // same ExternalShipmentReference as the first item
  request.items = {{a, ""}, {rejected, "Reportee must be valid."}, {dup, ""}};
  auto receipt = repo().store(request);
  BOOST_REQUIRE_MESSAGE(receipt.ok(), receipt.status().message());
  BOOST_TEST((receipt->status == ReceiptStatus::kValidationFailed));
  BOOST_TEST(receipt->text == "1 of 3 prefilled form tasks stored.");
  BOOST_REQUIRE(receipt->sub_receipts.size() == 3u);
  BOOST_TEST((receipt->sub_receipts[0].status == ReceiptStatus::kOk));
  BOOST_TEST(!value(receipt->sub_receipts[0], "ReceiversReference").empty());
  BOOST_TEST((receipt->sub_receipts[1].status == ReceiptStatus::kValidationFailed));
  BOOST_TEST(receipt->sub_receipts[1].text == "Reportee must be valid.");
  BOOST_TEST(value(receipt->sub_receipts[1], "ExternalShipmentReference") == rejected.external_shipment_reference);
  BOOST_TEST((receipt->sub_receipts[2].status == ReceiptStatus::kValidationFailed));
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM prefill_instance WHERE owner_id = ?",
                                             {std::to_string(p.owner.id)}) == 1);
}

BOOST_AUTO_TEST_CASE(OpenTasksAreInstantiatedAndWithinTheirValidity) {
  Parties p = seedParties(db());
  auto open = repo().store(single(p, instance(p)));
  BOOST_REQUIRE(repo().store(single(p, instance(p, PrefillState::kSaved))).ok());
  auto future = instance(p);
  future.valid_from = std::time(nullptr) + kHour;
  future.valid_to = std::time(nullptr) + 2 * kHour;
  BOOST_REQUIRE(repo().store(single(p, future)).ok());
  auto expired = instance(p);
  expired.valid_from = std::time(nullptr) - 2 * kHour;
  expired.valid_to = std::time(nullptr) - kHour;
  BOOST_REQUIRE(repo().store(single(p, expired)).ok());

  auto listed = repo().listOpen(openFor(p));
  BOOST_REQUIRE(listed.ok());
  BOOST_REQUIRE(listed->size() == 1u);
  const auto& t = listed->front();
  BOOST_TEST(t.id == storedId(open.value()));
  BOOST_REQUIRE(t.forms.size() == 1u);
  BOOST_TEST(t.forms[0].form_data == "<Skjema><Navn>Blåbær</Navn></Skjema>");
  BOOST_TEST(t.forms[0].senders_reference == "f-1");
  BOOST_REQUIRE(t.attachments.size() == 1u);
  BOOST_TEST(t.attachments[0].attachment_type == "application_pdf");

  auto q = openFor(p);
  q.service_code = "no-such-code";
  BOOST_TEST(repo().listOpen(q)->empty());
  BOOST_TEST(repo().listOpen(openFor(p, "01019010046"))->empty());
}

BOOST_AUTO_TEST_CASE(EachOpenTaskCarriesItsOwnFormsAndAttachments) {
  Parties p = seedParties(db());
  auto first = instance(p);
  auto second = instance(p);
  second.forms[0].form_data = "<Skjema><Navn>Andre</Navn></Skjema>";
  second.forms.push_back({"5703", 34, "f-2", "<Underskjema/>"});
  second.attachments.clear();
  const Id first_id = storedId(repo().store(single(p, first)).value());
  const Id second_id = storedId(repo().store(single(p, second)).value());
  auto listed = repo().listOpen(openFor(p));
  BOOST_REQUIRE(listed.ok());
  BOOST_REQUIRE(listed->size() == 2u);
  BOOST_TEST(listed->at(0).id == first_id);
  BOOST_TEST(listed->at(0).forms.size() == 1u);
  BOOST_TEST(listed->at(0).attachments.size() == 1u);
  BOOST_TEST(listed->at(1).id == second_id);
  BOOST_REQUIRE(listed->at(1).forms.size() == 2u);
  BOOST_TEST(listed->at(1).forms[0].form_data == "<Skjema><Navn>Andre</Navn></Skjema>");
  BOOST_TEST(listed->at(1).forms[1].form_data == "<Underskjema/>");
  BOOST_TEST(listed->at(1).attachments.empty());
}

BOOST_AUTO_TEST_CASE(ASubmissionCompletesTheTaskOnce) {
  Parties p = seedParties(db());
  const Id id = storedId(repo().store(single(p, instance(p))).value());
  auto created = submitFor(p, id);
  auto found = repo().find(id);
  BOOST_TEST((found->value().state == PrefillState::kCompleted));
  BOOST_TEST(found->value().submission_id.value_or(0) == created.submission_id);
  BOOST_TEST(repo().listOpen(openFor(p))->empty());

  // A second submission for the same task fails and leaves nothing behind.
  const auto before = TestDatabase::instance().scalar("SELECT COUNT(*) FROM submission");
  BOOST_CHECK_THROW(submitFor(p, id), std::runtime_error);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM submission") == before);
}

BOOST_AUTO_TEST_CASE(OfConcurrentSubmissionsForOneTaskExactlyOneCompletesIt) {
  Parties p = seedParties(db());
  const Id id = storedId(repo().store(single(p, instance(p))).value());
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      try {
        submitFor(p, id);
        ++succeeded;
      } catch (const std::runtime_error&) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(succeeded.load() == 1);
  BOOST_TEST(refused.load() == 3);
  BOOST_TEST(TestDatabase::instance().scalar("SELECT COUNT(*) FROM submission WHERE service_id = ?",
                                             {std::to_string(p.service.id)}) == 1);
}

BOOST_AUTO_TEST_CASE(ASubmissionCannotCompleteAnotherReporteesOrAnExpiredTask) {
  Parties p = seedParties(db());
  auto other = instance(p);
  other.reportee = "01019010046";
  const Id other_id = storedId(repo().store(single(p, other)).value());
  BOOST_CHECK_THROW(submitFor(p, other_id), std::runtime_error);
  auto saved = repo().store(single(p, instance(p, PrefillState::kSaved)));
  BOOST_CHECK_THROW(submitFor(p, storedId(saved.value())), std::runtime_error);
  BOOST_TEST((repo().find(other_id)->value().state == PrefillState::kInstantiated));
}

BOOST_AUTO_TEST_SUITE_END()
