// SubmissionRepository::searchArchive (persistence/mysql/archive_search.cpp) against MariaDB.
#define BOOST_TEST_MODULE archive_search
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "support/test_database.h"

using gateway::testing::Parties;
using gateway::testing::seedParties;
using gateway::testing::TestDatabase;
using gateway::testing::TestDatabaseFixture;
using gateway::testing::uniqueOrgNumber;
using gateway::testing::uniqueSuffix;
using namespace gateway;
using namespace gateway::persistence;

BOOST_TEST_GLOBAL_FIXTURE(TestDatabaseFixture);

namespace {

Database& db() { return TestDatabase::instance().database(); }
SubmissionRepository& repo() { return db().submissions(); }
using Search = SubmissionRepository::ArchiveSearch;

// Archives one submission for `reportee` and sets its archived time (UTC epoch seconds).
SubmissionCreated archive(const Parties& p, const std::string& reportee, std::time_t archived_at,
                          std::optional<int> case_id = std::nullopt) {
  NewSubmission s;
  s.system_id = p.enduser_system.id;
  s.service_id = p.service.id;
  s.owner_id = p.owner.id;
  s.reportee = reportee;
  s.external_shipment_reference = "ext-" + uniqueSuffix();
  s.case_id = case_id;
  FormRecord form;
  form.data_format_id = "5703";
  form.data_format_version = 34;
  form.form_data = "<Skjema/>";
  s.forms.push_back(form);
  s.receipt_text = "Mottatt";
  auto created = repo().create(s);
  BOOST_REQUIRE(created.ok());
  TestDatabase::instance().execute(
      "UPDATE submission SET archived_at = TIMESTAMPADD(SECOND, ?, '1970-01-01 00:00:00') WHERE id = ?",
      {std::to_string(archived_at), std::to_string(created->submission_id)});
  return created.value();
}

std::vector<std::string> referencesOf(const SubmissionRepository::ArchiveSearchPage& page) {
  std::vector<std::string> out;
  for (const auto& e : page.items) out.push_back(e.archive_reference);
  return out;
}

constexpr std::time_t kDay = 86400;
constexpr std::time_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z

// One owner with three submissions for two reportees on three days, and another owner with one.
struct Archive {
  Parties a = seedParties(db());
  Parties b = seedParties(db());
  std::string other_reportee = uniqueOrgNumber();
  SubmissionCreated first = archive(a, a.reportee, kT0, 17);
  SubmissionCreated second = archive(a, other_reportee, kT0 + kDay);
  SubmissionCreated third = archive(a, a.reportee, kT0 + 2 * kDay);
  SubmissionCreated foreign = archive(b, a.reportee, kT0 + kDay);
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ArchiveSearch)

BOOST_AUTO_TEST_CASE(ListsTheOwnersElementsNewestFirstWithTheirDetails) {
  Archive x;
  auto page = repo().searchArchive(x.a.owner.id, Search{}, 100);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(referencesOf(page.value()) ==
                 (std::vector<std::string>{x.third.archive_reference, x.second.archive_reference,
                                           x.first.archive_reference}),
             boost::test_tools::per_element());
  BOOST_TEST(!page->limit_reached);
  const ArchiveElement& e = page->items.back();
  BOOST_TEST(e.submission_id == x.first.submission_id);
  BOOST_TEST(e.reportee == x.a.reportee);
  BOOST_TEST(e.archived_at == kT0);
  BOOST_TEST(e.service_code == x.a.service.code);
  BOOST_TEST(e.service_edition == x.a.service.edition);
  BOOST_TEST(e.service_name == x.a.service.name);
  BOOST_TEST(e.system_id == x.a.enduser_system.id);
  BOOST_TEST(e.case_id.value_or(0) == 17);
}

BOOST_AUTO_TEST_CASE(AnotherOwnersElementsNeverAppear) {
  Archive x;
  Search by_reference;
  by_reference.submission_id = x.foreign.submission_id;
  BOOST_TEST(repo().searchArchive(x.a.owner.id, by_reference, 100)->items.empty());
  Search by_reportee;
  by_reportee.reportee = x.a.reportee;  // b archived one for the same reportee
  auto page = repo().searchArchive(x.a.owner.id, by_reportee, 100);
  BOOST_REQUIRE(page.ok());
  for (const auto& e : page->items) BOOST_TEST(e.archive_reference != x.foreign.archive_reference);
  BOOST_TEST(referencesOf(repo().searchArchive(x.b.owner.id, Search{}, 100).value()) ==
             std::vector<std::string>{x.foreign.archive_reference});
}

BOOST_AUTO_TEST_CASE(FiltersByEachCriterion) {
  Archive x;
  auto refs = [&](const Search& s) { return referencesOf(repo().searchArchive(x.a.owner.id, s, 100).value()); };
  using V = std::vector<std::string>;

  Search reportee;
  reportee.reportee = x.other_reportee;
  BOOST_TEST(refs(reportee) == V{x.second.archive_reference});

  Search dates;  // both ends inclusive, `to` to the second
  dates.from = kT0 + kDay;
  dates.to = kT0 + 2 * kDay;
  BOOST_TEST(refs(dates) == (V{x.third.archive_reference, x.second.archive_reference}));
  dates.to = kT0 + 2 * kDay - 1;
  BOOST_TEST(refs(dates) == V{x.second.archive_reference});

  Search reference;
  reference.submission_id = x.first.submission_id;
  BOOST_TEST(refs(reference) == V{x.first.archive_reference});

  Search case_id;
  case_id.case_id = 17;
  BOOST_TEST(refs(case_id) == V{x.first.archive_reference});

  Search subject;  // service names are "Service <tag>": any case, any part
  subject.service_name_contains = "SERVICE";
  BOOST_TEST(refs(subject).size() == 3u);
  subject.service_name_contains = "%";  // LIKE characters are literal
  BOOST_TEST(refs(subject).empty());
  subject.service_name_contains = "no such service";
  BOOST_TEST(refs(subject).empty());

  Search user;
  user.system_username = x.a.enduser_system.username;
  BOOST_TEST(refs(user).size() == 3u);
  user.system_username = x.a.owner_system.username;
  BOOST_TEST(refs(user).empty());

  Search combined;
  combined.reportee = x.a.reportee;
  combined.to = kT0;
  BOOST_TEST(refs(combined) == V{x.first.archive_reference});
}

BOOST_AUTO_TEST_CASE(StopsAtTheLimitKeepingTheNewest) {
  Archive x;
  auto page = repo().searchArchive(x.a.owner.id, Search{}, 2);
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page->limit_reached);
  BOOST_TEST(referencesOf(page.value()) ==
                 (std::vector<std::string>{x.third.archive_reference, x.second.archive_reference}),
             boost::test_tools::per_element());
  BOOST_TEST(!repo().searchArchive(x.a.owner.id, Search{}, 3)->limit_reached);
  BOOST_TEST((repo().searchArchive(x.a.owner.id, Search{}, 0).status().code() == StatusCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()
