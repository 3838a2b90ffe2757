#define BOOST_TEST_MODULE e2e_archive_search
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ctime>

#include "submissions.h"

using namespace gateway::testing;

namespace {

// Three submissions by enduser to agency's service: two for an organisation, one for a person.
struct Submitted {
  std::string org_first, org_second, person;
  std::time_t before = std::time(nullptr) - 5;
  Submitted() {
    auto& gw = gatewayUnderTest();
    auto inbound = client<InboundProxy>(kInboundPath, "enduser");
    auto one = [&](const std::string& reportee, const std::string& reference) {
      SubmissionSpec spec;
      spec.reportee = reportee;
      spec.end_user_reference = reference;
      iib__ReceiptExternalBE* receipt = nullptr;
      if (submit(inbound, gw.identity("enduser"), spec, &receipt) != SOAP_OK) throw std::runtime_error("submit failed");
      return archiveReferenceOf(receipt);
    };
    org_first = one("910000306", "search-1");
    org_second = one("910000306", "search-2");
    person = one("01019010046", "search-3");
  }
};

const Submitted& submitted() {
  static Submitted s;
  return s;
}

struct SearchCall {
  Client<ArchiveCommonProxy> proxy;
  _acom__GetServiceOwnerArchiveReporteeElementsBasicV2 req;
  _acom__GetServiceOwnerArchiveReporteeElementsBasicV2Response resp;
  arc09__ExternalSOASearchBE search;
  std::string reportee, reference, subject, user_name;
  std::time_t from = 0, to = 0;
  int case_id = 0;

  explicit SearchCall(const std::string& identity) : proxy(client<ArchiveCommonProxy>(kArchiveCommonPath, identity)) {
    Identity id = gatewayUnderTest().identity(identity);
    req.systemUserName = id.system_user;
    req.systemPassword = id.system_password;
    req.searchServiceOwnerArchive = &search;
    req.languageID = 1044;
  }
  SearchCall& byReportee(const std::string& v) { reportee = v; search.SSNOrOrgNumber = &reportee; return *this; }
  SearchCall& byReference(const std::string& v) { reference = v; search.ReferenceId = &reference; return *this; }
  SearchCall& bySubject(const std::string& v) { subject = v; search.Subject = &subject; return *this; }
  SearchCall& byUser(const std::string& v) { user_name = v; search.UserName = &user_name; return *this; }
  SearchCall& byCase(int v) { case_id = v; search.CaseID = &case_id; return *this; }
  SearchCall& between(std::time_t f, std::time_t t) {
    from = f;
    to = t;
    search.DateFrom = &from;
    search.DateTo = &to;
    return *this;
  }
  int call() { return proxy->GetServiceOwnerArchiveReporteeElementsBasicV2(&req, resp); }

  std::vector<const arc10__ServiceOwnerArchiveReporteeElementBEV2*> elements() const {
    std::vector<const arc10__ServiceOwnerArchiveReporteeElementBEV2*> out;
    if (const auto* list = resp.GetServiceOwnerArchiveReporteeElementsBasicV2Result) {
      for (const auto* e : list->ServiceOwnerArchiveReporteeElementBEV2) out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> references() const {
    std::vector<std::string> out;
    for (const auto* e : elements()) out.push_back(e->ArchiveReference ? *e->ArchiveReference : "");
    return out;
  }
  bool finds(const std::string& archive_reference) const {
    const auto refs = references();
    return std::find(refs.begin(), refs.end(), archive_reference) != refs.end();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ArchiveSearch)

BOOST_AUTO_TEST_CASE(FindsTheReporteesElementsWithTheirDetails) {
  const auto& s = submitted();
  SearchCall search("agency");
  search.byReportee("01019010046");
  BOOST_REQUIRE_EQUAL(search.call(), SOAP_OK);
  BOOST_TEST(search.finds(s.person));
  BOOST_TEST(!search.finds(s.org_first));
  BOOST_TEST(!search.finds(s.org_second));
  const auto elements = search.elements();
  const auto it = std::find_if(elements.begin(), elements.end(),
                               [&](const auto* e) { return e->ArchiveReference && *e->ArchiveReference == s.person; });
  BOOST_REQUIRE(it != elements.end());
  const auto* e = *it;
  BOOST_TEST((e->ElementType && *e->ElementType == asvc__ElementTypeV2__Archive));
  BOOST_TEST((e->SSNOrOrganizationNumber && *e->SSNOrOrganizationNumber == "01019010046"));
  BOOST_TEST((e->Subject && *e->Subject == "Skjema 4711"));
  BOOST_TEST((e->SendComplete && *e->SendComplete));
  BOOST_TEST((e->IsAltinn1 && !*e->IsAltinn1));
  BOOST_TEST(e->EndUserSystemId != nullptr);
  BOOST_REQUIRE(e->LastChangedDate != nullptr);
  BOOST_TEST(*e->LastChangedDate >= s.before);
  BOOST_REQUIRE(e->ReporteeElementId != nullptr);
  BOOST_TEST(*e->ReporteeElementId == std::stoi(s.person.substr(2)));

  // The ReporteeElementId is the one the archive service takes.
  Identity agency = gatewayUnderTest().identity("agency");
  auto archive = client<ArchiveProxy>(kArchivePath, "agency");
  _soa__GetArchivedFormTaskBasicV2 get;
  _soa__GetArchivedFormTaskBasicV2Response got;
  get.systemUserName = &agency.system_user;
  get.systemPassword = &agency.system_password;
  int id = *e->ReporteeElementId;
  get.reporteeElementID = &id;
  BOOST_REQUIRE_EQUAL(archive->GetArchivedFormTaskBasicV2(&get, got), SOAP_OK);
  BOOST_TEST((got.GetArchivedFormTaskBasicV2Result->ssnOrgNumber &&
              *got.GetArchivedFormTaskBasicV2Result->ssnOrgNumber == "01019010046"));
}

BOOST_AUTO_TEST_CASE(EachFilterNarrowsTheResult) {
  const auto& s = submitted();
  SearchCall all("agency");
  BOOST_REQUIRE_EQUAL(all.call(), SOAP_OK);
  BOOST_TEST((all.finds(s.org_first) && all.finds(s.org_second) && all.finds(s.person)));
  const auto refs = all.references();  // newest first
  const auto pos = [&](const std::string& r) { return std::find(refs.begin(), refs.end(), r) - refs.begin(); };
  BOOST_TEST(pos(s.person) < pos(s.org_first));

  SearchCall reference("agency");
  reference.byReference(s.org_second);
  BOOST_REQUIRE_EQUAL(reference.call(), SOAP_OK);
  BOOST_TEST(reference.references() == std::vector<std::string>{s.org_second});

  SearchCall now("agency");
  now.byReportee("910000306").between(s.before, std::time(nullptr) + 5);
  BOOST_REQUIRE_EQUAL(now.call(), SOAP_OK);
  BOOST_TEST((now.finds(s.org_first) && now.finds(s.org_second) && !now.finds(s.person)));

  SearchCall past("agency");
  past.between(s.before - 3600, s.before - 1800);
  BOOST_REQUIRE_EQUAL(past.call(), SOAP_OK);
  BOOST_TEST((!past.finds(s.org_first) && !past.finds(s.person)));

  SearchCall subject("agency");
  subject.bySubject("skjema 47");
  BOOST_REQUIRE_EQUAL(subject.call(), SOAP_OK);
  BOOST_TEST(subject.finds(s.person));
  SearchCall other_subject("agency");
  other_subject.bySubject("4712");
  BOOST_REQUIRE_EQUAL(other_subject.call(), SOAP_OK);
  BOOST_TEST(other_subject.elements().empty());

  SearchCall user("agency");
  user.byUser("regnskap").byReference(s.person);
  BOOST_REQUIRE_EQUAL(user.call(), SOAP_OK);
  BOOST_TEST(user.finds(s.person));
  SearchCall other_user("agency");
  other_user.byUser("regnskap2").byReference(s.person);
  BOOST_REQUIRE_EQUAL(other_user.call(), SOAP_OK);
  BOOST_TEST(other_user.elements().empty());

  SearchCall no_case("agency");
  no_case.byCase(987654).byReference(s.person);
  BOOST_REQUIRE_EQUAL(no_case.call(), SOAP_OK);
  BOOST_TEST(no_case.elements().empty());
}

BOOST_AUTO_TEST_CASE(AnotherOwnersArchiveIsInvisible) {
  const auto& s = submitted();
  SearchCall by_reference("agency2");
  by_reference.byReference(s.org_first);
  BOOST_REQUIRE_EQUAL(by_reference.call(), SOAP_OK);
  BOOST_TEST(by_reference.elements().empty());

  SearchCall by_reportee("agency2");
  by_reportee.byReportee("910000306");
  BOOST_REQUIRE_EQUAL(by_reportee.call(), SOAP_OK);
  BOOST_TEST((!by_reportee.finds(s.org_first) && !by_reportee.finds(s.org_second)));

  SearchCall everything("agency2");
  BOOST_REQUIRE_EQUAL(everything.call(), SOAP_OK);
  for (const auto* e : everything.elements()) BOOST_TEST((e->Subject && *e->Subject != "Skjema 4711"));

  SearchCall end_user("enduser");  // an end-user system is no service owner
  BOOST_TEST(end_user.call() != SOAP_OK);
  BOOST_TEST(altinnFault(end_user.proxy->soap) != nullptr);
}

BOOST_AUTO_TEST_CASE(BadInputIsAFault) {
  SearchCall reportee("agency");
  reportee.byReportee("12345");
  BOOST_TEST(reportee.call() != SOAP_OK);
  BOOST_TEST(altinnFault(reportee.proxy->soap) != nullptr);

  SearchCall dates("agency");
  dates.between(2000000000, 1000000000);
  BOOST_TEST(dates.call() != SOAP_OK);
  BOOST_TEST(altinnFault(dates.proxy->soap) != nullptr);

  SearchCall language("agency");
  language.req.languageID = 7;
  BOOST_TEST(language.call() != SOAP_OK);
  BOOST_TEST(altinnErrorId(language.proxy->soap).value_or(-1) == 40001);

  SearchCall password("agency");
  password.req.systemPassword = "wrong";
  BOOST_TEST(password.call() != SOAP_OK);
  BOOST_TEST(altinnErrorId(password.proxy->soap).value_or(0) != 0);
}

BOOST_AUTO_TEST_SUITE_END()
