// Inbound batch files (gateway/batch/inbound_batch_parser.h): whole-file validation.
#define BOOST_TEST_MODULE inbound_batch_parser_test
#include <boost/test/unit_test.hpp>
#include <boost/test/data/test_case.hpp>

#include "batch/inbound_batch_parser.h"

namespace gateway {
inline std::ostream& boost_test_print_type(std::ostream& out, StatusCode code) { return out << static_cast<int>(code); }
}  // namespace gateway

using namespace gateway;
namespace data = boost::unit_test::data;

namespace {

const std::string kTask =
    "<PrefillFormTask>"
    "<ExternalServiceCode>4711</ExternalServiceCode><ExternalServiceEditionCode>1</ExternalServiceEditionCode>"
    "<Reportee>910000306</Reportee><SendersReference>ref-1</SendersReference>"
    "<ValidFromDate>2026-01-01T00:00:00Z</ValidFromDate><ValidToDate>2027-01-01T01:00:00+01:00</ValidToDate>"
    "<PreFillForms><PrefillForm><DataFormatID>5703</DataFormatID><DataFormatVersion>34</DataFormatVersion>"
    "<SendersReference>f1</SendersReference><FormDataXML>&lt;Skjema&gt;&lt;navn&gt;Ærlig Øst Åsen&lt;/navn&gt;"
    "&lt;/Skjema&gt;</FormDataXML></PrefillForm></PreFillForms>"
    "<PreFillAttachments><PrefillFormTaskAttachment><AttachmentData>aGVsbG8=</AttachmentData>"
    "<AttachmentName>Vedlegg</AttachmentName><AttachmentType>text_plain</AttachmentType>"
    "<FileName>v.txt</FileName></PrefillFormTaskAttachment></PreFillAttachments>"
    "</PrefillFormTask>";

std::string prefillFile(const std::string& tasks, const std::string& attributes =
                                                       "version=\"1\" systemUserName=\"etat-arkiv\" externalBatchId=\"B1\"") {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<PrefillBatchFile " + attributes + ">" + tasks +
         "</PrefillBatchFile>";
}

const std::string kSubscription =
    "<Subscription><ExternalServiceCode>4711</ExternalServiceCode><ExternalServiceEditionCode>1</ExternalServiceEditionCode>"
    "<IdentityFields><SubscriptionIdentityFieldExternal><FieldValue>a</FieldValue></SubscriptionIdentityFieldExternal>"
    "</IdentityFields><NextDueDate>2026-03-01T00:00:00</NextDueDate><NextScheduleDate>2026-02-01T00:00:00Z</NextScheduleDate>"
    "<ReporteeId>910000306</ReporteeId><StartDate>2026-01-01T00:00:00Z</StartDate><SubscriptionID>7</SubscriptionID>"
    "<SubscriptionPeriodType>Monthly</SubscriptionPeriodType></Subscription>";

}  // namespace

BOOST_AUTO_TEST_SUITE(InboundBatchParser)

BOOST_AUTO_TEST_CASE(ReadsAPrefillBatch) {
  auto parsed = batch::parseInboundBatch(prefillFile(kTask + kTask), 10);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  const auto& doc = std::get<batch::PrefillBatchDocument>(parsed.value());
  BOOST_TEST(doc.system_user_name == "etat-arkiv");
  BOOST_TEST(doc.external_batch_id == "B1");
  BOOST_REQUIRE(doc.tasks.size() == 2u);
  const auto& t = doc.tasks[0];
  BOOST_TEST(*t.service_code == "4711");
  BOOST_TEST(t.service_edition == 1);
  BOOST_TEST(*t.reportee == "910000306");
  BOOST_TEST(t.valid_from == 1767225600);
  BOOST_TEST(t.valid_to == 1798761600);  // 01:00+01:00 is midnight UTC
  BOOST_REQUIRE(t.forms.size() == 1u);
  BOOST_TEST(*t.forms[0].form_data == "<Skjema><navn>Ærlig Øst Åsen</navn></Skjema>");
  BOOST_TEST(t.forms[0].data_format_version == 34);
  BOOST_REQUIRE(t.attachments.size() == 1u);
  BOOST_TEST(std::string(t.attachments[0].data) == "hello");
  BOOST_TEST(t.attachments[0].attachment_type == "text_plain");
}

BOOST_AUTO_TEST_CASE(AttachmentBytesSurviveMovingTheDocument) {
  auto parsed = batch::parseInboundBatch(prefillFile(kTask), 10);
  BOOST_REQUIRE(parsed.ok());
  batch::InboundBatchDocument moved = std::move(parsed).value();
  BOOST_TEST(std::string(std::get<batch::PrefillBatchDocument>(moved).tasks[0].attachments[0].data) == "hello");
}

BOOST_AUTO_TEST_CASE(ReadsASubscriptionBatch) {
  auto parsed = batch::parseInboundBatch(
      "<SubscriptionBatchFile version=\"1\" systemUserName=\"etat-arkiv\" externalBatchId=\"S1\">"
      "<SystemUserCode>ETAT</SystemUserCode>" + kSubscription + "</SubscriptionBatchFile>", 10);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  const auto& doc = std::get<batch::SubscriptionBatchDocument>(parsed.value());
  BOOST_TEST(*doc.system_user_code == "ETAT");
  BOOST_REQUIRE(doc.subscriptions.size() == 1u);
  const auto& s = doc.subscriptions[0];
  BOOST_TEST(s.period_type == "Monthly");
  BOOST_TEST(*s.subscription_id == 7);
  BOOST_TEST(s.identity_fields == std::vector<std::string>({"a"}), boost::test_tools::per_element());
  BOOST_TEST(s.next_due_date == 1772323200);  // no offset: UTC
}

const std::vector<std::pair<std::string, std::string>> kBadFiles = {
    {"truncated", prefillFile(kTask).substr(0, 300)},
    {"empty", ""},
    {"unknown root", "<Batch version=\"1\"/>"},
    {"namespaced root", "<PrefillBatchFile xmlns=\"urn:x\" version=\"1\" systemUserName=\"u\" externalBatchId=\"b\">" +
                            kTask + "</PrefillBatchFile>"},
    {"no version", prefillFile(kTask, "systemUserName=\"u\" externalBatchId=\"b\"")},
    {"no batch id", prefillFile(kTask, "version=\"1\" systemUserName=\"u\"")},
    {"no system", prefillFile(kTask, "version=\"1\" externalBatchId=\"b\"")},
    {"unknown attribute", prefillFile(kTask, "version=\"1\" systemUserName=\"u\" externalBatchId=\"b\" x=\"1\"")},
    {"no tasks", prefillFile("")},
    {"unknown element", prefillFile("<PrefillFormTask><Bogus/></PrefillFormTask>")},
    {"missing reportee", prefillFile(
        "<PrefillFormTask><ExternalServiceCode>4711</ExternalServiceCode><ExternalServiceEditionCode>1</ExternalServiceEditionCode>"
        "<ValidFromDate>2026-01-01T00:00:00Z</ValidFromDate><ValidToDate>2027-01-01T00:00:00Z</ValidToDate></PrefillFormTask>")},
    {"bad date", prefillFile(std::string(kTask).replace(kTask.find("2026-01-01T00:00:00Z"), 20, "1. januar 2026"))},
    {"bad number", prefillFile(std::string(kTask).replace(kTask.find(">1<"), 3, ">one<"))},
    {"bad base64", prefillFile(std::string(kTask).replace(kTask.find("aGVsbG8="), 8, "@@@@"))},
    {"bad attachment type", prefillFile(std::string(kTask).replace(kTask.find("text_plain"), 10, "text/plain"))},
    {"twice", prefillFile(std::string(kTask).replace(kTask.find("<Reportee>"), 0, "<Reportee>1</Reportee>"))},
    {"stray text", prefillFile("hello" + kTask)},
    {"doctype", "<!DOCTYPE PrefillBatchFile [<!ENTITY x \"y\">]>" + prefillFile(kTask).substr(39)},
};

BOOST_DATA_TEST_CASE(RejectsTheWholeFile, data::xrange(kBadFiles.size()), i) {
  auto parsed = batch::parseInboundBatch(kBadFiles[i].second, 10);
  BOOST_TEST(parsed.status().code() == StatusCode::kInvalidArgument, kBadFiles[i].first);
  BOOST_TEST(!parsed.status().message().empty());
}

BOOST_AUTO_TEST_CASE(ProblemsNameTheirLine) {
  auto parsed = batch::parseInboundBatch(prefillFile("\n\n<PrefillFormTask><Bogus/></PrefillFormTask>"), 10);
  BOOST_TEST(parsed.status().message().find("line 4") == 0u, parsed.status().message());
  BOOST_TEST(parsed.status().message().find("Bogus") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(RefusesMoreItemsThanTheLimit) {
  auto parsed = batch::parseInboundBatch(prefillFile(kTask + kTask + kTask), 2);
  BOOST_TEST(parsed.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(parsed.status().message().find("more than 2") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
