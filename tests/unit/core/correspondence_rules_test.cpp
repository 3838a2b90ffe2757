#define BOOST_TEST_MODULE correspondence_rules
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/correspondence_rules.h"

using namespace gateway;
using namespace gateway::core::correspondence;
namespace bdata = boost::unit_test::data;

namespace {

constexpr std::time_t kNow = 1'800'000'000;

CorrespondenceInput valid() {
  CorrespondenceInput in;
  in.system_user_code = "ETAT";
  in.external_shipment_reference = "ref-1";
  in.service_code = "4711";
  in.service_edition = "1";
  in.reportee = "910000306";
  in.title = "Vedtak";
  return in;
}

ReplyOptionInput urlOption(const char* url) {
  ReplyOptionInput r;
  r.url = ReplyOptionInput::UrlLink{std::string("Svar her"), std::string(url)};
  return r;
}

// A valid SdpOptions whose primary document is the one binary attachment "brev.pdf".
void withSdp(CorrespondenceInput& in) {
  in.attachments.push_back({"Brev", "brev.pdf", "", "Unspecified", "Default", false, "%PDF"});
  SdpOptionsInput sdp;
  sdp.primary_document_file_name = "brev.pdf";
  sdp.setting = "CopyAltinn";
  sdp.email = SdpNotificationInput{std::string("post@firma.example.no"), std::string("Du har post"), {1, 7}};
  in.sdp = sdp;
}

struct Broken {
  const char* name;
  void (*apply)(CorrespondenceInput&);
  int error_id;
};
std::ostream& operator<<(std::ostream& out, const Broken& b) { return out << b.name; }

const Broken kBroken[] = {
    {"NoSystemUserCode", [](CorrespondenceInput& in) { in.system_user_code.reset(); }, error_id::kMissingValue},
    {"NoExternalShipmentReference", [](CorrespondenceInput& in) { in.external_shipment_reference = ""; },
     error_id::kMissingValue},
    {"NoServiceCode", [](CorrespondenceInput& in) { in.service_code.reset(); }, error_id::kMissingValue},
    {"NoServiceEdition", [](CorrespondenceInput& in) { in.service_edition.reset(); }, error_id::kMissingValue},
    {"TextServiceEdition", [](CorrespondenceInput& in) { in.service_edition = "one"; }, error_id::kUnknownService},
    {"NoReportee", [](CorrespondenceInput& in) { in.reportee.reset(); }, error_id::kMissingValue},
    {"BadReportee", [](CorrespondenceInput& in) { in.reportee = "12345"; }, error_id::kInvalidReportee},
    {"BadLanguage", [](CorrespondenceInput& in) { in.language_code = "1053"; }, error_id::kInvalidLanguage},
    {"NoTitle", [](CorrespondenceInput& in) { in.title = ""; }, error_id::kMissingValue},
    {"DeleteBeforeVisible",
     [](CorrespondenceInput& in) {
       in.visible = kNow + 100;
       in.allow_system_delete = kNow + 50;
     },
     error_id::kInconsistentDates},
    {"DueBeforeVisible", [](CorrespondenceInput& in) { in.due = kNow - 1; }, error_id::kInconsistentDates},
    {"AttachmentWithoutData", [](CorrespondenceInput& in) { in.attachments.push_back({"a", "a.pdf", "", "Unspecified", "Default", false, ""}); },
     error_id::kAttachmentRejected},
    {"AttachmentTooLarge",
     [](CorrespondenceInput& in) { in.attachments.push_back({"a", "a.pdf", "", "Unspecified", "Default", false, std::string(11, 'x')}); },
     error_id::kAttachmentRejected},
    {"TooManyAttachments",
     [](CorrespondenceInput& in) {
       for (int i = 0; i < 3; ++i) in.attachments.push_back({"a", "a.pdf", "", "Unspecified", "Default", false, "x"});
     },
     error_id::kAttachmentRejected},
    {"MalformedXmlAttachment", [](CorrespondenceInput& in) { in.xml_attachments.push_back({"x", "<a><b></a>", "", {}, {}}); },
     error_id::kAttachmentRejected},
    {"ReplyOptionWithoutLink", [](CorrespondenceInput& in) { in.reply_options.push_back({}); },
     error_id::kInvalidReplyOption},
    {"ReplyOptionWithTwoLinks",
     [](CorrespondenceInput& in) {
       ReplyOptionInput r = urlOption("https://svar.example.no/");
       r.archive = ReplyOptionInput::ArchiveLink{std::string("AR1")};
       in.reply_options.push_back(r);
     },
     error_id::kInvalidReplyOption},
    {"ReplyOptionRelativeUrl", [](CorrespondenceInput& in) { in.reply_options.push_back(urlOption("/svar")); },
     error_id::kInvalidReplyOption},
    {"ReplyOptionFtpUrl", [](CorrespondenceInput& in) { in.reply_options.push_back(urlOption("ftp://svar.example.no/")); },
     error_id::kInvalidReplyOption},
    {"ReplyOptionUrlWithoutHost", [](CorrespondenceInput& in) { in.reply_options.push_back(urlOption("https:///svar")); },
     error_id::kInvalidReplyOption},
    {"ReplyOptionUrlWithSpace",
     [](CorrespondenceInput& in) { in.reply_options.push_back(urlOption("https://svar.example.no/a b")); },
     error_id::kInvalidReplyOption},
    {"ReplyOptionEmptyUrl", [](CorrespondenceInput& in) { in.reply_options.push_back(urlOption("")); },
     error_id::kMissingValue},
    {"ReplyOptionServiceWithoutEdition",
     [](CorrespondenceInput& in) {
       ReplyOptionInput r;
       r.service = ReplyOptionInput::ServiceLink{std::string("4711"), std::nullopt};
       in.reply_options.push_back(r);
     },
     error_id::kMissingValue},
    {"ReplyOptionServiceTextEdition",
     [](CorrespondenceInput& in) {
       ReplyOptionInput r;
       r.service = ReplyOptionInput::ServiceLink{std::string("4711"), std::string("en")};
       in.reply_options.push_back(r);
     },
     error_id::kUnknownService},
    {"ReplyOptionEmptyArchiveRef",
     [](CorrespondenceInput& in) {
       ReplyOptionInput r;
       r.archive = ReplyOptionInput::ArchiveLink{std::string("")};
       in.reply_options.push_back(r);
     },
     error_id::kMissingValue},
    {"TooManyReplyOptions",
     [](CorrespondenceInput& in) {
       for (int i = 0; i <= kMaxReplyOptions; ++i) in.reply_options.push_back(urlOption("https://svar.example.no/"));
     },
     error_id::kInvalidReplyOption},
    {"OnBehalfOfWrongCheckDigit", [](CorrespondenceInput& in) { in.on_behalf_of_org_nr = "910000307"; },
     error_id::kInvalidOnBehalfOf},
    {"OnBehalfOfEightDigits", [](CorrespondenceInput& in) { in.on_behalf_of_org_nr = "91000030"; },
     error_id::kInvalidOnBehalfOf},
    {"OnBehalfOfNationalIdentityNumber", [](CorrespondenceInput& in) { in.on_behalf_of_org_nr = "01017012345"; },
     error_id::kInvalidOnBehalfOf},
    {"SdpWithoutPrimaryDocument",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->primary_document_file_name.reset();
     },
     error_id::kInvalidSdpOptions},
    {"SdpPrimaryDocumentNotAnAttachment",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->primary_document_file_name = "annet.pdf";
     },
     error_id::kInvalidSdpOptions},
    {"SdpUnknownSetting",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->setting = "Sometimes";
     },
     error_id::kInvalidSdpOptions},
    {"SdpNotificationWithoutText",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->email->text = "";
     },
     error_id::kInvalidSdpOptions},
    {"SdpBadEmailAddress",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->email->address = "ikke en adresse";
     },
     error_id::kInvalidSdpOptions},
    {"SdpBadMobileNumber",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->sms = SdpNotificationInput{std::string("12ab"), std::string("Du har post"), {}};
     },
     error_id::kInvalidSdpOptions},
    {"SdpRepetitionTooLate",
     [](CorrespondenceInput& in) {
       withSdp(in);
       in.sdp->email->repetitions = {400};
     },
     error_id::kInvalidSdpOptions},
};

const AttachmentLimits kLimits{2, 10, 1000};

}  // namespace

BOOST_AUTO_TEST_SUITE(CorrespondenceRules)

BOOST_AUTO_TEST_CASE(AcceptsAMinimalValidCorrespondence) {
  BOOST_TEST(checkCorrespondence(valid(), kLimits, kNow).ok());
}

BOOST_AUTO_TEST_CASE(AcceptsReplyOptionsOnBehalfOfAndSdpOptions) {
  CorrespondenceInput in = valid();
  in.reply_options.push_back(urlOption("https://svar.example.no/skjema?id=1"));
  ReplyOptionInput service;
  service.service = ReplyOptionInput::ServiceLink{std::string("4711"), std::string("1")};
  in.reply_options.push_back(service);
  ReplyOptionInput archive;
  archive.archive = ReplyOptionInput::ArchiveLink{std::string("AR1")};
  in.reply_options.push_back(archive);
  in.on_behalf_of_org_nr = "910000306";
  withSdp(in);
  BOOST_TEST(checkCorrespondence(in, kLimits, kNow).ok());
}

BOOST_AUTO_TEST_CASE(AbsoluteHttpUrls) {
  BOOST_TEST(isAbsoluteHttpUrl("http://a.example"));
  BOOST_TEST(isAbsoluteHttpUrl("HTTPS://svar.example.no:8443/path#x"));
  BOOST_TEST(isAbsoluteHttpUrl("https://user@svar.example.no/"));
  BOOST_TEST(!isAbsoluteHttpUrl("javascript:alert(1)"));
  BOOST_TEST(!isAbsoluteHttpUrl("https://"));
  BOOST_TEST(!isAbsoluteHttpUrl("https://svar.example.no/\n"));
  BOOST_TEST(!isAbsoluteHttpUrl("https://svar.example.no/" + std::string(2000, 'a')));
}

BOOST_DATA_TEST_CASE(RejectsBrokenRequestWithItsErrorId, bdata::make(kBroken), broken) {
  CorrespondenceInput in = valid();
  broken.apply(in);
  const Status s = checkCorrespondence(in, kLimits, kNow);
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.altinnErrorId() == broken.error_id);
}

BOOST_AUTO_TEST_CASE(SystemUserCodeIsOptionalForTheFirstVersion) {
  CorrespondenceInput in = valid();
  in.system_user_code.reset();
  in.system_user_code_required = false;
  BOOST_TEST(checkCorrespondence(in, kLimits, kNow).ok());
}

BOOST_AUTO_TEST_CASE(LanguageCodesMapToLanguageIds) {
  BOOST_TEST(languageIdOf("1044").value() == 1044);
  BOOST_TEST(languageIdOf("2068").value() == 2068);
  BOOST_TEST(languageIdOf("1033").value() == 1033);
  BOOST_TEST(!languageIdOf("nb").has_value());
}

BOOST_AUTO_TEST_CASE(NotificationsNeverLeaveBeforeTheMessageIsVisible) {
  CorrespondenceInput in = valid();
  in.visible = kNow + 3600;
  in.is_reservable = true;
  in.language_code = "1033";
  NotificationRequest early;
  early.notification_type = "Ny melding";
  early.shipment = kNow;
  NotificationRequest later = early;
  later.shipment = kNow + 7200;
  later.language_code = "2068";
  in.notifications = {early, later};
  auto inputs = notificationInputsOf(in, kNow);
  BOOST_REQUIRE(inputs.ok());
  BOOST_REQUIRE(inputs->size() == 2u);
  BOOST_TEST(*inputs->at(0).shipment == kNow + 3600);
  BOOST_TEST(*inputs->at(1).shipment == kNow + 7200);
  BOOST_TEST(*inputs->at(0).reportee == "910000306");
  BOOST_TEST(*inputs->at(0).is_reservable);
  BOOST_TEST(*inputs->at(0).language_id == 1033);  // the message's language
  BOOST_TEST(*inputs->at(1).language_id == 2068);  // its own
}

BOOST_AUTO_TEST_CASE(NotificationWithUnsupportedLanguageIs40001) {
  CorrespondenceInput in = valid();
  NotificationRequest n;
  n.language_code = "de";
  in.notifications = {n};
  auto inputs = notificationInputsOf(in, kNow);
  BOOST_REQUIRE(!inputs.ok());
  BOOST_TEST(inputs.status().altinnErrorId() == 40001);
}

BOOST_AUTO_TEST_CASE(DeletingNeedsAReachedAllowSystemDeleteDateTime) {
  BOOST_TEST(!mayDelete(std::nullopt, kNow));
  BOOST_TEST(!mayDelete(kNow + 1, kNow));
  BOOST_TEST(mayDelete(kNow, kNow));
}

BOOST_AUTO_TEST_CASE(PortalOnlyAttachmentsAreNotForEndUserSystems) {
  BOOST_TEST(!visibleToEndUserSystems("PortalOnly"));
  BOOST_TEST(visibleToEndUserSystems("Default"));
  BOOST_TEST(visibleToEndUserSystems("EndUserSystemOnly"));
}

BOOST_AUTO_TEST_SUITE_END()
