// SubmissionRepository against a fresh MariaDB database: archiving, the duplicate rule, rollback,
// the download queue, archived form sets, shipment status, and owner scoping.
#define BOOST_TEST_MODULE submission_repository_test
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
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
SubmissionRepository& repo() { return db().submissions(); }

NewSubmission newSubmission(const Parties& p, const std::string& end_user_ref = "") {
  NewSubmission s;
  s.system_id = p.enduser_system.id;
  s.service_id = p.service.id;
  s.owner_id = p.owner.id;
  s.reportee = p.reportee;
  s.external_shipment_reference = "ext-" + uniqueSuffix();
  s.end_user_system_reference = end_user_ref;
  s.case_id = 77;
  FormRecord form;
  form.data_format_id = "5703";
  form.data_format_version = 34;
  form.end_user_system_reference = end_user_ref;
  form.form_data = "<Skjema><felt>æøå &amp; ☃</felt></Skjema>";
  s.forms.push_back(form);
  FormRecord sub = form;
  sub.parent_reference = 1;
  sub.completed = false;
  sub.form_data = "<Underskjema/>";
  s.forms.push_back(sub);
  AttachmentRecord a;
  a.name = "Vedlegg";
  a.file_name = "vedlegg.pdf";
  a.attachment_type_name = "application/pdf";
  a.end_user_system_reference = "att-1";
  a.encrypted = true;
  a.size = 12345;
  a.sha256_hex = std::string(64, 'a');
  a.storage_key = "0123456789abcdef0123456789abcdef";
  s.attachments.push_back(a);
  s.receipt_text = "Mottatt";
  return s;
}

std::int64_t count(const std::string& sql, const std::vector<std::string>& params) {
  return TestDatabase::instance().scalar(sql, params);
}

std::int64_t rowsOfSystem(Id system_id) {
  const std::string id = std::to_string(system_id);
  return count("SELECT COUNT(*) FROM submission WHERE system_id = ?", {id}) +
         count("SELECT COUNT(*) FROM receipt WHERE system_id = ?", {id}) +
         count("SELECT COUNT(*) FROM end_user_reference WHERE system_id = ?", {id}) +
         count("SELECT COUNT(*) FROM submission_form f JOIN submission s ON s.id = f.submission_id WHERE s.system_id = ?",
               {id}) +
         count("SELECT COUNT(*) FROM download_queue q JOIN submission s ON s.id = q.submission_id WHERE s.system_id = ?",
               {id});
}

bool hasReference(const ReceiptRecord& r, const std::string& type, const std::string& value) {
  for (const auto& ref : r.references) {
    if (ref.type == type && ref.value == value) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SubmissionRepositoryTests)

BOOST_AUTO_TEST_CASE(CreateStoresEverythingAndReadsBack) {
  Parties p = seedParties(db());
  NewSubmission in = newSubmission(p, "eu-" + uniqueSuffix());
  const std::time_t before = std::time(nullptr);
  auto created = repo().create(in);
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
  BOOST_TEST(created->submission_id > 0);
  BOOST_TEST(created->archive_reference == "AR" + std::to_string(created->submission_id));

  const ReceiptRecord& receipt = created->receipt;
  BOOST_TEST(receipt.id > 0);
  BOOST_TEST(receipt.type == "FormTask");
  BOOST_TEST((receipt.status == ReceiptStatus::kOk));
  BOOST_TEST(receipt.text == "Mottatt");
  BOOST_TEST(receipt.owner_id.value_or(0) == p.owner.id);
  BOOST_TEST(receipt.system_id.value_or(0) == p.enduser_system.id);
  BOOST_TEST(receipt.last_changed >= before - 1);
  BOOST_TEST(receipt.last_changed <= std::time(nullptr) + 1);
  BOOST_TEST(hasReference(receipt, "ArchiveReference", created->archive_reference));
  BOOST_TEST(hasReference(receipt, "EndUserSystemReference", in.end_user_system_reference));
  BOOST_TEST(hasReference(receipt, "ExternalShipmentReference", in.external_shipment_reference));

  // The stored receipt is the one returned.
  auto stored = db().receipts().get(ReceiptScope{std::nullopt, p.enduser_system.id}, receipt.id);
  BOOST_REQUIRE(stored.ok());
  BOOST_TEST(stored->references.size() == 3u);
  BOOST_TEST(stored->last_changed == receipt.last_changed);

  auto archived = repo().getByArchiveReference(p.owner.id, created->archive_reference);
  BOOST_REQUIRE_MESSAGE(archived.ok(), archived.status().message());
  BOOST_TEST(archived->id == created->submission_id);
  BOOST_TEST(archived->owner_id == p.owner.id);
  BOOST_TEST(archived->system_id == p.enduser_system.id);
  BOOST_TEST(archived->service_code == p.service.code);
  BOOST_TEST(archived->service_name == p.service.name);
  BOOST_TEST(archived->service_edition == 1);
  BOOST_TEST(archived->reportee == p.reportee);
  BOOST_TEST(archived->case_id.value_or(0) == 77);
  BOOST_TEST(archived->archived_at >= before - 1);
  BOOST_REQUIRE_EQUAL(archived->forms.size(), 2u);
  BOOST_TEST(archived->forms[0].form_data == in.forms[0].form_data);
  BOOST_TEST(archived->forms[0].data_format_id == "5703");
  BOOST_TEST(archived->forms[0].data_format_version == 34);
  BOOST_TEST(archived->forms[0].completed);
  BOOST_TEST(!archived->forms[0].parent_reference.has_value());
  BOOST_TEST(archived->forms[1].parent_reference.value_or(0) == 1);
  BOOST_TEST(!archived->forms[1].completed);
  BOOST_REQUIRE_EQUAL(archived->attachments.size(), 1u);
  const AttachmentRecord& a = archived->attachments[0];
  BOOST_TEST(a.id > 0);
  BOOST_TEST(a.name == "Vedlegg");
  BOOST_TEST(a.file_name == "vedlegg.pdf");
  BOOST_TEST(a.attachment_type_name == "application/pdf");
  BOOST_TEST(a.end_user_system_reference == "att-1");
  BOOST_TEST(a.encrypted);
  BOOST_TEST(a.size == 12345);
  BOOST_TEST(a.sha256_hex == std::string(64, 'a'));
  BOOST_TEST(a.storage_key == "0123456789abcdef0123456789abcdef");

  auto by_id = repo().getById(p.owner.id, created->submission_id);
  BOOST_REQUIRE(by_id.ok());
  BOOST_TEST(by_id->archive_reference == created->archive_reference);

  // One queue item and one NotSent status entry.
  auto queue = repo().listQueue(p.owner.id, std::nullopt, 10);
  BOOST_REQUIRE(queue.ok());
  BOOST_REQUIRE_EQUAL(queue->size(), 1u);
  BOOST_TEST(queue->front().archive_reference == created->archive_reference);
  BOOST_TEST(queue->front().reportee == p.reportee);
  BOOST_TEST(queue->front().service_code == p.service.code);
  BOOST_TEST(queue->front().service_edition == 1);
  BOOST_TEST(queue->front().archived_at == archived->archived_at);

  SubmissionRepository::ShipmentQuery q;
  q.archive_reference = created->archive_reference;
  auto status = repo().shipmentStatus(p.owner.id, q, 10);
  BOOST_REQUIRE(status.ok());
  BOOST_REQUIRE_EQUAL(status->items.size(), 1u);
  BOOST_REQUIRE_EQUAL(status->items[0].log.size(), 1u);
  BOOST_TEST((status->items[0].log[0].status == ShipmentStatus::kNotSent));
}

BOOST_AUTO_TEST_CASE(WithoutEndUserReferenceEverySubmissionIsNew) {
  Parties p = seedParties(db());
  NewSubmission in = newSubmission(p);
  in.external_shipment_reference.clear();
  auto first = repo().create(in);
  auto second = repo().create(in);
  BOOST_REQUIRE(first.ok() && second.ok());
  BOOST_TEST(first->submission_id != second->submission_id);
  BOOST_TEST(first->receipt.references.size() == 1u);  // ArchiveReference only
  BOOST_TEST(!repo().findReceiptByEndUserReference(p.enduser_system.id, "")->has_value());
}

BOOST_AUTO_TEST_CASE(DuplicateEndUserReferenceIsRefusedWithoutExtraRows) {
  Parties p = seedParties(db());
  const std::string ref = "dup-" + uniqueSuffix();
  auto first = repo().create(newSubmission(p, ref));
  BOOST_REQUIRE(first.ok());
  const auto rows_before = rowsOfSystem(p.enduser_system.id);

  auto again = repo().create(newSubmission(p, ref));
  BOOST_TEST(again.status().code() == StatusCode::kAlreadyExists);
  BOOST_TEST(rowsOfSystem(p.enduser_system.id) == rows_before);

  auto earlier = repo().findReceiptByEndUserReference(p.enduser_system.id, ref);
  BOOST_REQUIRE(earlier.ok() && earlier->has_value());
  BOOST_TEST(earlier.value()->id == first->receipt.id);
  BOOST_TEST(hasReference(*earlier.value(), "ArchiveReference", first->archive_reference));

  // The rule is per system: another end-user system may use the same reference.
  Parties other = seedParties(db());
  BOOST_TEST(repo().create(newSubmission(other, ref)).ok());
  BOOST_TEST(!repo().findReceiptByEndUserReference(other.enduser_system.id, "unused-" + ref)->has_value());
}

BOOST_AUTO_TEST_CASE(ConcurrentDuplicatesStoreExactlyOne) {
  Parties p = seedParties(db());
  const std::string ref = "race-" + uniqueSuffix();
  std::atomic<int> created{0}, duplicates{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = repo().create(newSubmission(p, ref));
      if (r.ok()) {
        ++created;
      } else if (r.status().code() == StatusCode::kAlreadyExists) {
        ++duplicates;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(created.load() == 1);
  BOOST_TEST(duplicates.load() == 5);
  BOOST_TEST(other.load() == 0);
  BOOST_TEST(count("SELECT COUNT(*) FROM submission WHERE system_id = ?", {std::to_string(p.enduser_system.id)}) == 1);
}

BOOST_AUTO_TEST_CASE(ConcurrentSubmissionsShareTransactionsButFailAlone) {
  // Many at once are written together by group commit; one bad submission (a value too long) and one
  // reused end-user reference among them fail alone, and every other caller gets its own receipt.
  Parties p = seedParties(db());
  const std::string reused = "reused-" + uniqueSuffix();
  BOOST_REQUIRE(repo().create(newSubmission(p, reused)).ok());
  constexpr int kCallers = 40, kTooLong = 7, kReused = 23;
  std::vector<NewSubmission> inputs;
  for (int i = 0; i < kCallers; ++i) inputs.push_back(newSubmission(p, "many-" + std::to_string(i) + "-" + uniqueSuffix()));
  inputs[kTooLong].forms[1].data_format_id = std::string(200, '9');
  inputs[kReused] = newSubmission(p, reused);
  std::vector<Result<SubmissionCreated>> results(kCallers, Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) threads.emplace_back([&, i] { results[i] = repo().create(inputs[i]); });
  for (auto& t : threads) t.join();

  std::set<Id> ids;
  for (int i = 0; i < kCallers; ++i) {
    if (i == kTooLong) {
      BOOST_TEST(results[i].status().code() == StatusCode::kInvalidArgument);
      continue;
    }
    if (i == kReused) {
      BOOST_TEST(results[i].status().code() == StatusCode::kAlreadyExists);
      continue;
    }
    BOOST_TEST_REQUIRE(results[i].ok(), i << ": " << results[i].status().message());
    const SubmissionCreated& c = results[i].value();
    ids.insert(c.submission_id);
    BOOST_TEST(hasReference(c.receipt, "EndUserSystemReference", inputs[i].end_user_system_reference));
    BOOST_TEST(hasReference(c.receipt, "ArchiveReference", c.archive_reference));
    // What was stored under this archive reference is this caller's submission.
    auto stored = repo().getByArchiveReference(p.owner.id, c.archive_reference);
    BOOST_TEST_REQUIRE(stored.ok());
    BOOST_TEST(stored->forms.at(0).end_user_system_reference == inputs[i].end_user_system_reference);
    auto receipt = repo().findReceiptByEndUserReference(p.enduser_system.id, inputs[i].end_user_system_reference);
    BOOST_TEST_REQUIRE(receipt.ok());
    BOOST_TEST_REQUIRE(receipt.value().has_value());
    BOOST_TEST(receipt.value()->id == c.receipt.id);
  }
  BOOST_TEST(ids.size() == static_cast<std::size_t>(kCallers - 2));
  // The reused reference's first submission plus the 38 new ones; nothing of the two refused.
  BOOST_TEST(count("SELECT COUNT(*) FROM submission WHERE system_id = ?", {std::to_string(p.enduser_system.id)}) ==
             kCallers - 1);
  BOOST_TEST(count("SELECT COUNT(*) FROM download_queue q JOIN submission s ON s.id = q.submission_id "
                   "WHERE s.system_id = ?",
                   {std::to_string(p.enduser_system.id)}) == kCallers - 1);
}

BOOST_AUTO_TEST_CASE(FailureMidTransactionLeavesNothing) {
  Parties p = seedParties(db());
  NewSubmission in = newSubmission(p, "fail-" + uniqueSuffix());
  // The second form's data format id is longer than its column: the submission row and first form
  // are written before the statement fails.
  in.forms[1].data_format_id = std::string(200, '9');
  auto r = repo().create(in);
  BOOST_TEST(r.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(rowsOfSystem(p.enduser_system.id) == 0);
  BOOST_TEST(count("SELECT COUNT(*) FROM submission_attachment WHERE storage_key = ? AND submission_id NOT IN "
                   "(SELECT id FROM submission)",
                   {in.attachments[0].storage_key}) == 0);
  // And the reference stays free.
  BOOST_TEST(repo().create(newSubmission(p, in.end_user_system_reference)).ok());
}

BOOST_AUTO_TEST_CASE(ServiceOfAnotherOwnerIsRefused) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  NewSubmission in = newSubmission(a);
  in.service_id = b.service.id;  // owner A does not own this service
  BOOST_TEST(repo().create(in).status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(rowsOfSystem(a.enduser_system.id) == 0);
}

BOOST_AUTO_TEST_CASE(QueueIsOldestFirstLimitedAndFilteredByService) {
  Parties p = seedParties(db());
  ServiceRecord second;
  second.owner_code = p.owner.code;
  second.code = "Q" + uniqueSuffix();
  second.edition = 2;
  second.name = "second";
  second.formats = {{"5703", 34}};
  auto second_service = db().provisioning().addService(second);
  BOOST_REQUIRE(second_service.ok());

  std::vector<std::string> refs;
  for (int i = 0; i < 5; ++i) {
    NewSubmission in = newSubmission(p);
    if (i % 2 == 1) in.service_id = second_service->id;
    auto r = repo().create(in);
    BOOST_REQUIRE(r.ok());
    refs.push_back(r->archive_reference);
  }
  auto all = repo().listQueue(p.owner.id, std::nullopt, 100);
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE_EQUAL(all->size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(all->at(i).archive_reference == refs[i]);

  auto limited = repo().listQueue(p.owner.id, std::nullopt, 2);
  BOOST_REQUIRE_EQUAL(limited->size(), 2u);
  BOOST_TEST(limited->at(0).archive_reference == refs[0]);
  BOOST_TEST(limited->at(1).archive_reference == refs[1]);

  auto filtered = repo().listQueue(p.owner.id, second.code, 100);
  BOOST_REQUIRE_EQUAL(filtered->size(), 2u);
  BOOST_TEST(filtered->at(0).archive_reference == refs[1]);
  BOOST_TEST(filtered->at(1).archive_reference == refs[3]);
  BOOST_TEST(filtered->at(0).service_edition == 2);

  BOOST_TEST(repo().listQueue(p.owner.id, std::nullopt, 0)->empty());
}

BOOST_AUTO_TEST_CASE(PurgeHidesItemOnceAndOnlyForItsOwner) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  auto first = repo().create(newSubmission(a));
  auto second = repo().create(newSubmission(a));
  BOOST_REQUIRE(first.ok() && second.ok());

  BOOST_TEST(repo().purgeQueueItem(b.owner.id, first->archive_reference).code() == StatusCode::kNotFound);
  BOOST_TEST(repo().listQueue(a.owner.id, std::nullopt, 10)->size() == 2u);

  BOOST_REQUIRE(repo().purgeQueueItem(a.owner.id, first->archive_reference).ok());
  auto queue = repo().listQueue(a.owner.id, std::nullopt, 10);
  BOOST_REQUIRE_EQUAL(queue->size(), 1u);
  BOOST_TEST(queue->front().archive_reference == second->archive_reference);
  BOOST_TEST(repo().purgeQueueItem(a.owner.id, first->archive_reference).code() == StatusCode::kNotFound);
  BOOST_TEST(repo().purgeQueueItem(a.owner.id, "AR999999999999").code() == StatusCode::kNotFound);

  // Purged items stay archived.
  BOOST_TEST(repo().getByArchiveReference(a.owner.id, first->archive_reference).ok());
}

BOOST_AUTO_TEST_CASE(OtherOwnersCannotReadOrTouchArchivedSubmissions) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  auto created = repo().create(newSubmission(a));
  BOOST_REQUIRE(created.ok());
  BOOST_TEST(repo().getByArchiveReference(b.owner.id, created->archive_reference).status().code() ==
             StatusCode::kNotFound);
  BOOST_TEST(repo().getById(b.owner.id, created->submission_id).status().code() == StatusCode::kNotFound);
  BOOST_TEST(repo().appendShipmentStatus(b.owner.id, created->archive_reference, ShipmentStatus::kSent, "x").code() ==
             StatusCode::kNotFound);
  SubmissionRepository::ShipmentQuery q;
  q.archive_reference = created->archive_reference;
  BOOST_TEST(repo().shipmentStatus(b.owner.id, q, 10)->items.empty());
  BOOST_TEST(repo().listQueue(b.owner.id, std::nullopt, 10)->empty());
  BOOST_TEST(repo().getById(a.owner.id, created->submission_id + 1000000).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(ManyAreReadTogetherAndOnlyTheOwnersOnes) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  std::vector<Id> ids;
  for (int i = 0; i < 3; ++i) {
    auto created = repo().create(newSubmission(a));
    BOOST_REQUIRE(created.ok());
    ids.push_back(created->submission_id);
  }
  auto other = repo().create(newSubmission(b));
  BOOST_REQUIRE(other.ok());
  auto many = repo().getManyById(a.owner.id, {ids[2], other->submission_id, ids[0], ids[1] + 1000000, ids[1]});
  BOOST_REQUIRE(many.ok());
  BOOST_REQUIRE(many->size() == 3u);  // b's and the unknown id are left out
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(many->at(i).id == ids[i]);  // ordered by id
    BOOST_TEST(many->at(i).owner_id == a.owner.id);
    auto one = repo().getById(a.owner.id, ids[i]);
    BOOST_REQUIRE(one.ok());
    BOOST_TEST(many->at(i).forms.size() == one->forms.size());
    BOOST_TEST(many->at(i).forms.at(0).form_data == one->forms.at(0).form_data);
  }
}

BOOST_AUTO_TEST_CASE(StreamedAttachmentsJoinOnlyTheSubmittersFormTaskAndAreReadOnlyByItsOwner) {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  auto created = repo().create(newSubmission(a));
  BOOST_REQUIRE(created.ok());
  const Id element = created->submission_id;

  auto found = repo().findSubmittedBy(a.enduser_system.id, element);
  BOOST_REQUIRE(found.ok());
  BOOST_TEST(found->reportee == a.reportee);
  BOOST_TEST(found->attachment_count == 1);  // the one newSubmission() carries
  BOOST_TEST(repo().findSubmittedBy(b.enduser_system.id, element).status().code() == StatusCode::kNotFound);

  AttachmentRecord big;
  big.name = "Stor";
  big.file_name = "stor.bin";
  big.size = 300000000;
  big.sha256_hex = std::string(64, 'b');
  big.storage_key = "fedcba9876543210fedcba9876543210";
  BOOST_TEST(repo().addAttachment(b.enduser_system.id, element, big).status().code() == StatusCode::kNotFound);
  auto id = repo().addAttachment(a.enduser_system.id, element, big);
  BOOST_REQUIRE_MESSAGE(id.ok(), id.status().message());
  BOOST_TEST(repo().findSubmittedBy(a.enduser_system.id, element)->attachment_count == 2);

  auto row = repo().findAttachment(a.owner.id, id.value());
  BOOST_REQUIRE(row.ok());
  BOOST_TEST(row->file_name == "stor.bin");
  BOOST_TEST(row->size == 300000000);
  BOOST_TEST(row->storage_key == big.storage_key);
  BOOST_TEST(repo().findAttachment(b.owner.id, id.value()).status().code() == StatusCode::kNotFound);
  BOOST_TEST(repo().findAttachment(a.owner.id, id.value() + 1000000).status().code() == StatusCode::kNotFound);
  // It is part of the archived form set from now on.
  auto archived = repo().getById(a.owner.id, element);
  BOOST_REQUIRE(archived.ok());
  BOOST_TEST(archived->attachments.size() == 2u);
}

BOOST_AUTO_TEST_CASE(ShipmentStatusLogAppendsInOrder) {
  Parties p = seedParties(db());
  auto created = repo().create(newSubmission(p));
  BOOST_REQUIRE(created.ok());
  BOOST_REQUIRE(repo().appendShipmentStatus(p.owner.id, created->archive_reference, ShipmentStatus::kSent, "fetched").ok());
  BOOST_REQUIRE(
      repo().appendShipmentStatus(p.owner.id, created->archive_reference, ShipmentStatus::kCorrelated, "purged").ok());
  SubmissionRepository::ShipmentQuery q;
  q.archive_reference = created->archive_reference;
  auto page = repo().shipmentStatus(p.owner.id, q, 10);
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE_EQUAL(page->items.size(), 1u);
  const auto& item = page->items[0];
  BOOST_TEST(item.archive_reference == created->archive_reference);
  BOOST_TEST(item.service_code == p.service.code);
  BOOST_TEST(item.service_edition == 1);
  BOOST_TEST(!page->limit_reached);
  BOOST_REQUIRE_EQUAL(item.log.size(), 3u);
  BOOST_TEST((item.log[0].status == ShipmentStatus::kNotSent));
  BOOST_TEST((item.log[1].status == ShipmentStatus::kSent));
  BOOST_TEST(item.log[1].description == "fetched");
  BOOST_TEST((item.log[2].status == ShipmentStatus::kCorrelated));
  BOOST_TEST(item.log[2].at >= item.log[0].at);
  BOOST_TEST(repo().appendShipmentStatus(p.owner.id, "AR0", ShipmentStatus::kSent, "").code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(ShipmentStatusByServiceAndPeriodWithLimit) {
  Parties p = seedParties(db());
  std::vector<std::string> refs;
  for (int i = 0; i < 3; ++i) {
    auto r = repo().create(newSubmission(p));
    BOOST_REQUIRE(r.ok());
    refs.push_back(r->archive_reference);
  }
  const std::time_t now = std::time(nullptr);
  SubmissionRepository::ShipmentQuery q;
  q.service_code = p.service.code;
  q.service_edition = 1;
  q.from = now - 3600;
  q.to = now + 3600;
  auto page = repo().shipmentStatus(p.owner.id, q, 2);
  BOOST_REQUIRE(page.ok());
  BOOST_REQUIRE_EQUAL(page->items.size(), 2u);
  BOOST_TEST(page->limit_reached);
  BOOST_TEST(page->items[0].archive_reference == refs[0]);
  BOOST_TEST(page->items[1].archive_reference == refs[1]);

  auto all = repo().shipmentStatus(p.owner.id, q, 3);
  BOOST_TEST(all->items.size() == 3u);
  BOOST_TEST(!all->limit_reached);

  q.to = now - 1800;  // before any of them
  BOOST_TEST(repo().shipmentStatus(p.owner.id, q, 10)->items.empty());
  q.to = now + 3600;
  q.service_edition = 2;
  BOOST_TEST(repo().shipmentStatus(p.owner.id, q, 10)->items.empty());
}

BOOST_AUTO_TEST_CASE(LargeFormDataRoundTrips) {
  Parties p = seedParties(db());
  NewSubmission in = newSubmission(p);
  in.forms.resize(1);
  in.forms[0].form_data = "<Skjema>" + std::string(3 * 1024 * 1024, 'x') + "</Skjema>";
  auto created = repo().create(in);
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
  auto archived = repo().getById(p.owner.id, created->submission_id);
  BOOST_REQUIRE(archived.ok());
  BOOST_TEST(archived->forms.at(0).form_data == in.forms[0].form_data);
}

BOOST_AUTO_TEST_CASE(FormsLargerThanOnePacketTogether) {
  // 6 x 4 MB is more than max_allowed_packet (16 MB by default) in one statement.
  Parties p = seedParties(db());
  NewSubmission in = newSubmission(p);
  in.forms.resize(6, in.forms[0]);
  for (std::size_t i = 0; i < in.forms.size(); ++i) {
    in.forms[i].form_data = "<S>" + std::string(4 * 1024 * 1024 - 8, static_cast<char>('a' + i)) + "</S>";
  }
  auto created = repo().create(in);
  BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
  auto archived = repo().getById(p.owner.id, created->submission_id);
  BOOST_REQUIRE(archived.ok());
  BOOST_REQUIRE_EQUAL(archived->forms.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) BOOST_TEST((archived->forms[i].form_data == in.forms[i].form_data));
}

BOOST_AUTO_TEST_CASE(ManyFormsAreInsertedInChunks) {
  Parties p = seedParties(db());
  NewSubmission in = newSubmission(p);
  in.forms.clear();
  for (int i = 0; i < 70; ++i) {
    FormRecord f;
    f.data_format_id = "5703";
    f.data_format_version = 34;
    f.form_data = "<f n='" + std::to_string(i) + "'/>";
    in.forms.push_back(f);
  }
  auto created = repo().create(in);
  BOOST_REQUIRE(created.ok());
  auto archived = repo().getById(p.owner.id, created->submission_id);
  BOOST_REQUIRE_EQUAL(archived->forms.size(), 70u);
  for (int i = 0; i < 70; ++i) BOOST_TEST(archived->forms[i].form_data == "<f n='" + std::to_string(i) + "'/>");
}

BOOST_AUTO_TEST_SUITE_END()
