// NotificationAgency over mTLS with real delivery: a loopback SMTP relay (python3-aiosmtpd, with
// STARTTLS on the development PKI) and a loopback HTTP SMS gateway, both started here before the
// gateway. Covers templates per language with tokens, the contact register, reservation, deferred
// shipment, every documented ErrorID (with localized fault texts), all-or-nothing requests, the
// relay being down for a while (mails arrive afterwards, none twice), and owner-only access.
#define BOOST_TEST_MODULE e2e_notification_flow
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "delivery_sinks.h"
#include "soap_clients.h"

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using namespace gateway::testing;

namespace {

// ------------------------------------------------------------------------------------------------
// The two sinks

struct Sinks {
  fs::path dir = fs::temp_directory_path() / ("gw_notify_e2e_" + std::to_string(::getpid()));
  fs::path mails = dir / "mails";
  fs::path sms = dir / "sms";
  int smtp_port = freePort();
  std::unique_ptr<Sink> smtp;
  std::unique_ptr<Sink> http;

  Sinks() {
    fs::create_directories(mails);
    fs::create_directories(sms);
    const std::string pki = std::getenv("GATEWAY_TEST_PKI_DIR") ? std::getenv("GATEWAY_TEST_PKI_DIR") : "";
    smtp = std::make_unique<Sink>(sourceDir() + "/tests/e2e/support/smtp_sink.py",
                                  std::vector<std::string>{"--dir", mails.string(), "--port", std::to_string(smtp_port),
                                                           "--ready-file", (dir / "smtp.ready").string(), "--cert",
                                                           pki + "/server/server.pem", "--key", pki + "/server/server.key"},
                                  dir / "smtp.ready");
    http = std::make_unique<Sink>(sourceDir() + "/tests/e2e/support/sms_sink.py",
                                  std::vector<std::string>{"--dir", sms.string(), "--ready-file", (dir / "sms.ready").string()},
                                  dir / "sms.ready");
    smtp->start();
    http->start();
    // The gateway reads these (environment overrides its config file) when the fixture starts it.
    ::setenv("GATEWAY_SMTP_HOST", "127.0.0.1", 1);
    ::setenv("GATEWAY_SMTP_PORT", std::to_string(smtp_port).c_str(), 1);
    ::setenv("GATEWAY_SMTP_STARTTLS", "required", 1);
    ::setenv("GATEWAY_SMTP_CA_FILE", (pki + "/ca/chain.pem").c_str(), 1);
    ::setenv("GATEWAY_SMTP_FROM", "noreply@gateway.example.no", 1);
    ::setenv("GATEWAY_SMTP_TIMEOUT_SECONDS", "5", 1);
    ::setenv("GATEWAY_SMS_URL", ("http://127.0.0.1:" + http->readyText() + "/sms").c_str(), 1);
    ::setenv("GATEWAY_SMS_TOKEN", "sms-test-token", 1);
    ::setenv("GATEWAY_SMS_FROM", "ETAT", 1);
    ::setenv("GATEWAY_DELIVERY_POLL_INTERVAL_MS", "100", 1);
    ::setenv("GATEWAY_DELIVERY_BACKOFF_BASE_SECONDS", "1", 1);
    ::setenv("GATEWAY_DELIVERY_BACKOFF_MAX_SECONDS", "1", 1);
    ::setenv("GATEWAY_DELIVERY_MAX_ATTEMPTS", "60", 1);
    ::setenv("GATEWAY_LIMITS_MAX_NOTIFICATIONS_PER_REQUEST", "5", 1);
  }
  ~Sinks() {
    smtp.reset();
    http.reset();
    std::error_code ec;
    if (!std::getenv("GATEWAY_TEST_KEEP")) fs::remove_all(dir, ec);
  }
};

Sinks& sinks() {
  static Sinks instance;
  return instance;
}

const char* const kPerson = "01019010046";      // in the register, nynorsk, e-mail + mobile
const char* const kReserved = "02028000165";    // in the register, reserved
const char* const kNoAddress = "03037000247";   // in the register without any address
const char* const kUnknown = "04046000329";     // not in the register
const char* const kOrg = "910000403";           // in the register, e-mail only
const char* const kRoleOrg = "910000012";       // in the register, with role holders
const char* const kOtherOrg = "910000020";
const char* const kDagl = "01019010127";        // DAGL for kRoleOrg, English
const char* const kRegna = "01019010208";       // REGNA for kRoleOrg
const char* const kLeder = "01019010399";       // LEDE for kRoleOrg
const char* const kOutsider = "01019010550";    // DAGL for kOtherOrg only

void provision() {
  auto& gw = gatewayUnderTest();
  const fs::path body_nn = sinks().dir / "body_nn.txt";
  const fs::path body_nb = sinks().dir / "body_nb.txt";
  const fs::path body_en = sinks().dir / "body_en.txt";
  std::ofstream(body_nn) << "Hei {1}!\nFristen for {0} er i morgon.\nHelsing Skatteetaten – æøå ÆØÅ";
  std::ofstream(body_nb) << "Hei {1}!\nFristen for {0} er i morgen.";
  std::ofstream(body_en) << "Hi {1}!\nThe deadline for {0} is tomorrow.";
  auto must = [&](const std::string& args) {
    if (gw.gatewayctl(args) != 0) throw std::runtime_error("gatewayctl " + args + " failed");
  };
  must("template set --type E2EFrist --language 2068 --email-subject 'Frist for {0} (nynorsk) – blåbær' "
       "--email-body-file '" + body_nn.string() + "' --sms-text 'Frist for {0} i morgon. Helsing ØÆÅ'");
  must("template set --type E2EFrist --language 1044 --email-subject 'Frist for {0}' --email-body-file '" +
       body_nb.string() + "' --sms-text 'Frist for {0} i morgen'");
  must("template set --type E2EFrist --language 1033 --email-subject 'Deadline for {0}' --email-body-file '" +
       body_en.string() + "' --sms-text 'Deadline for {0} tomorrow'");
  must("template set --type E2EBareEpost --language 1044 --email-subject 'Emne' --email-body 'Tekst'");
  must(std::string("contact set --party ") + kPerson + " --email ola.nordmann@example.no --mobile +4791234567 --language 2068");
  must(std::string("contact set --party ") + kReserved + " --email reservert@example.no --reserved true");
  must(std::string("contact set --party ") + kNoAddress + " --language 1044");
  must(std::string("contact set --party ") + kOrg + " --email post@firma.example.no");

  // Roles and Service: organisation kRoleOrg with its own entry, a DAGL (English), a REGNA and a
  // LEDE; kOutsider holds DAGL for another organisation only. Service 4711/1 (owner ETAT) is
  // granted by REGNA and LEDE.
  must(std::string("contact set --party ") + kRoleOrg + " --email post@roller.example.no --mobile +4790000000");
  must(std::string("contact set --party ") + kDagl + " --email dagl@roller.example.no --mobile +4790000001 --language 1033");
  must(std::string("contact set --party ") + kRegna + " --email regna@roller.example.no --mobile +4790000002");
  must(std::string("contact set --party ") + kLeder + " --email leder@roller.example.no --mobile +4790000003");
  must(std::string("contact set --party ") + kOutsider + " --email outsider@roller.example.no --mobile +4790000004");
  const fs::path roles_csv = sinks().dir / "roles.csv";
  std::ofstream(roles_csv) << "organisation,person,role\n"
                           << kRoleOrg << "," << kDagl << ",DAGL\n"
                           << kRoleOrg << "," << kRegna << ",REGNA\n"
                           << kRoleOrg << "," << kLeder << ",LEDE\n"
                           << kOtherOrg << "," << kOutsider << ",DAGL\n";
  must("contact role import '" + roles_csv.string() + "'");
  must("service roles 4711 1 REGNA,LEDE");
}

struct StartAll {
  StartAll() {
    sinks();               // first: the gateway takes the sinks' addresses from the environment
    gatewayUnderTest();
    provision();
  }
};

// ------------------------------------------------------------------------------------------------
// Reading what arrived

std::vector<Mail> mailsTo(const std::string& recipient) { return readMails(sinks().mails, recipient); }

std::vector<std::string> smsTo(const std::string& number) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(sinks().sms)) {
    if (entry.path().extension() != ".sms") continue;
    std::ifstream in(entry.path());
    std::stringstream all;
    all << in.rdbuf();
    if (all.str().find("\"to\":\"" + number + "\"") != std::string::npos) found.push_back(all.str());
  }
  return found;
}

template <typename F>
auto waitFor(F probe, std::size_t count, int seconds = 20) {
  auto result = probe();
  for (int i = 0; i < seconds * 10 && result.size() < count; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    result = probe();
  }
  return result;
}

// ------------------------------------------------------------------------------------------------
// Building requests

struct Endpoint {
  std::optional<fe__TransportType> transport;
  std::string address;
};

struct Spec {
  std::string type = "E2EFrist";
  std::optional<std::string> reportee = std::string(kPerson);
  std::optional<int> language = 2068;
  std::vector<Endpoint> endpoints = {{fe__TransportType__Email, ""}};
  std::vector<std::string> tokens = {"MVA-melding", "Ola"};
  std::optional<std::string> from;
  std::optional<bool> reservable;
  std::optional<std::time_t> shipment;
  std::vector<std::string> roles;                       // Roles/RoleName (none: no Roles element)
  std::optional<std::pair<std::string, int>> service;   // Service: ServiceCode, ServiceEdition
  std::optional<bool> sms_sender_is_owner;              // UseServiceOwnerShortNameAsSenderOfSms
};

ntf__StandaloneNotification* build(struct soap* soap, const Spec& spec) {
  auto* n = soap_new_ntf__StandaloneNotification(soap);
  if (!spec.type.empty()) n->NotificationType = soap_new_std__string(soap), *n->NotificationType = spec.type;
  if (spec.reportee) n->ReporteeNumber = soap_new_std__string(soap), *n->ReporteeNumber = *spec.reportee;
  if (spec.language) n->LanguageID = static_cast<int*>(soap_malloc(soap, sizeof(int))), *n->LanguageID = *spec.language;
  if (spec.from) n->FromAddress = soap_new_std__string(soap), *n->FromAddress = *spec.from;
  if (spec.reservable) n->IsReservable = static_cast<bool*>(soap_malloc(soap, sizeof(bool))), *n->IsReservable = *spec.reservable;
  if (spec.shipment) n->ShipmentDateTime = static_cast<time_t*>(soap_malloc(soap, sizeof(time_t))), *n->ShipmentDateTime = *spec.shipment;
  n->ReceiverEndPoints = soap_new_ntf__ReceiverEndPointBEList(soap);
  for (const Endpoint& e : spec.endpoints) {
    auto* wire = soap_new_ntf__ReceiverEndPoint(soap);
    if (e.transport) {
      wire->TransportType = static_cast<fe__TransportType*>(soap_malloc(soap, sizeof(fe__TransportType)));
      *wire->TransportType = *e.transport;
    }
    if (!e.address.empty()) wire->ReceiverAddress = soap_new_std__string(soap), *wire->ReceiverAddress = e.address;
    n->ReceiverEndPoints->ReceiverEndPoint.push_back(wire);
  }
  if (!spec.roles.empty()) {
    n->Roles = soap_new_snbe15__Roles(soap);
    n->Roles->RoleName = spec.roles;
  }
  if (spec.service) {
    n->Service = soap_new_snbe15__Service(soap);
    n->Service->ServiceCode = soap_new_std__string(soap);
    *n->Service->ServiceCode = spec.service->first;
    n->Service->ServiceEdition = spec.service->second;
  }
  if (spec.sms_sender_is_owner) {
    n->UseServiceOwnerShortNameAsSenderOfSms = static_cast<bool*>(soap_malloc(soap, sizeof(bool)));
    *n->UseServiceOwnerShortNameAsSenderOfSms = *spec.sms_sender_is_owner;
  }
  n->TextTokens = soap_new_ntf__TextTokenSubstitutionBEList(soap);
  for (std::size_t i = 0; i < spec.tokens.size(); ++i) {
    auto* t = soap_new_ntf__TextToken(soap);
    t->TokenNum = static_cast<int*>(soap_malloc(soap, sizeof(int)));
    *t->TokenNum = static_cast<int>(i);
    t->TokenValue = soap_new_std__string(soap);
    *t->TokenValue = spec.tokens[i];
    n->TextTokens->TextToken.push_back(t);
  }
  return n;
}

struct V3 {
  Client<NotificationProxy> c;
  _nas__SendStandaloneNotificationBasicV3Response response;
  int rc = -1;
  explicit V3(const std::vector<Spec>& specs, const std::string& identity = "agency")
      : c(client<NotificationProxy>(kNotificationPath, identity)) {
    const Identity who = gatewayUnderTest().identity(identity);
    _nas__SendStandaloneNotificationBasicV3 req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.standaloneNotifications = soap_new_snbe__StandaloneNotificationBEList(c->soap);
    for (const Spec& s : specs) req.standaloneNotifications->StandaloneNotification.push_back(build(c->soap, s));
    rc = c->SendStandaloneNotificationBasicV3(&req, response);
  }
  int errorId() { return altinnErrorId(c->soap).value_or(-1); }
  std::string localized() {
    const auto* f = altinnFault(c->soap);
    return f && f->AltinnLocalizedErrorMessage ? *f->AltinnLocalizedErrorMessage : "";
  }
};

std::int64_t outboxCount(const std::string& where) {
  return std::stoll(gatewayUnderTest().sql("SELECT COUNT(*) FROM notification_outbox WHERE " + where));
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(StartAll);

BOOST_AUTO_TEST_SUITE(NotificationFlow)

BOOST_AUTO_TEST_CASE(TestOperationAnswers) {
  _altinn__Test req;
  _altinn__TestResponse resp;
  auto c = client<NotificationProxy>(kNotificationPath, "agency");
  BOOST_TEST(c->Test(&req, resp) == SOAP_OK);
}

BOOST_AUTO_TEST_CASE(EmailFromTheRegisterArrivesInNynorskWithTokensAndUtf8Intact) {
  V3 call({Spec{}});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  auto* result = call.response.SendStandaloneNotificationBasicV3Result;
  BOOST_REQUIRE(result && result->NotificationResult.size() == 1u);
  const auto* r = result->NotificationResult[0];
  BOOST_TEST(*r->NotificationType == "E2EFrist");
  BOOST_TEST(*r->ReporteeNumber == kPerson);
  BOOST_REQUIRE(r->EndPoints && r->EndPoints->EndPointResult.size() == 1u);
  BOOST_TEST(*r->EndPoints->EndPointResult[0]->ReceiverAddress == "ola.nordmann@example.no");
  BOOST_TEST(*r->EndPoints->EndPointResult[0]->RetrieveFromProfile);
  BOOST_TEST((*r->EndPoints->EndPointResult[0]->TransportType == fe__TransportType__Email));

  auto mails = waitFor([] { return mailsTo("ola.nordmann@example.no"); }, 1);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  Mail& m = mails[0];
  BOOST_TEST(m.headers["tls"] == "yes");  // STARTTLS was used
  BOOST_TEST(m.headers["mail_from"] == "noreply@gateway.example.no");
  BOOST_TEST(m.headers["subject"] == "Frist for MVA-melding (nynorsk) – blåbær");
  BOOST_TEST(m.headers["content_type"] == "text/plain; charset=\"utf-8\"");
  BOOST_TEST(m.body.find("Hei Ola!\nFristen for MVA-melding er i morgon.\nHelsing Skatteetaten – æøå ÆØÅ") !=
                 std::string::npos,
             m.body);
  BOOST_TEST(outboxCount("recipient = 'ola.nordmann@example.no' AND state = 'sent' AND sent_at IS NOT NULL") == 1);
}

BOOST_AUTO_TEST_CASE(ExplicitAddressesFromAddressAndEnglish) {
  Spec s;
  s.language = 1033;
  s.from = "etat@etat.example.no";
  s.endpoints = {{fe__TransportType__Email, "english@example.no"}};
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  BOOST_TEST(!*call.response.SendStandaloneNotificationBasicV3Result->NotificationResult[0]
                   ->EndPoints->EndPointResult[0]->RetrieveFromProfile);
  auto mails = waitFor([] { return mailsTo("english@example.no"); }, 1);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(mails[0].headers["mail_from"] == "etat@etat.example.no");
  BOOST_TEST(mails[0].headers["subject"] == "Deadline for MVA-melding");
  BOOST_TEST(mails[0].body.find("The deadline for MVA-melding is tomorrow.") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(SmsReachesTheHttpGatewayAsDocumentedJson) {
  Spec s;
  s.endpoints = {{fe__TransportType__SMS, ""}};  // the register's mobile
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  auto sms = waitFor([] { return smsTo("+4791234567"); }, 1);
  BOOST_REQUIRE_EQUAL(sms.size(), 1u);
  BOOST_TEST(sms[0].find("authorization: Bearer sms-test-token\n") != std::string::npos, sms[0]);
  BOOST_TEST(sms[0].find("content_type: application/json") != std::string::npos, sms[0]);
  BOOST_TEST(sms[0].find(R"({"to":"+4791234567","from":"ETAT","text":"Frist for MVA-melding i morgon. Helsing ØÆÅ"})") !=
                 std::string::npos,
             sms[0]);
}

BOOST_AUTO_TEST_CASE(BothToAnOrganisationUsesWhatTheRegisterHas) {
  Spec s;
  s.reportee = kOrg;
  s.language.reset();  // the register's language (bokmål)
  s.endpoints = {{fe__TransportType__Both, ""}};
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  auto mails = waitFor([] { return mailsTo("post@firma.example.no"); }, 1);
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(mails[0].headers["subject"] == "Frist for MVA-melding");
}

BOOST_AUTO_TEST_CASE(ReservedRecipientGetsNothingAndV2SaysSo) {
  auto c = client<NotificationProxy>(kNotificationPath, "agency");
  const Identity who = gatewayUnderTest().identity("agency");
  _nas__SendStandaloneNotificationBasicV2 req;
  _nas__SendStandaloneNotificationBasicV2Response resp;
  req.systemUserName = who.system_user;
  req.systemPassword = who.system_password;
  req.standaloneNotifications = soap_new_snbe__StandaloneNotificationBEList(c->soap);
  Spec s;
  s.reportee = kReserved;
  s.reservable = true;
  req.standaloneNotifications->StandaloneNotification.push_back(build(c->soap, s));
  BOOST_REQUIRE_EQUAL(c->SendStandaloneNotificationBasicV2(&req, resp), SOAP_OK);
  BOOST_REQUIRE(resp.SendStandaloneNotificationBasicV2Result);
  BOOST_TEST(resp.SendStandaloneNotificationBasicV2Result->find("not sent (recipient reserved)") != std::string::npos,
             *resp.SendStandaloneNotificationBasicV2Result);
  BOOST_TEST(outboxCount("reportee = '" + std::string(kReserved) + "'") == 0);

  // Not reservable: the reservation does not apply.
  _nas__SendStandaloneNotificationBasic v1;
  _nas__SendStandaloneNotificationBasicResponse v1resp;
  v1.systemUserName = who.system_user;
  v1.systemPassword = who.system_password;
  v1.standaloneNotifications = soap_new_snbe__StandaloneNotificationBEList(c->soap);
  s.reservable = false;
  v1.standaloneNotifications->StandaloneNotification.push_back(build(c->soap, s));
  BOOST_REQUIRE_EQUAL(c->SendStandaloneNotificationBasic(&v1, v1resp), SOAP_OK);
  BOOST_TEST(waitFor([] { return mailsTo("reservert@example.no"); }, 1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(FutureShipmentDateTimeDefersSending) {
  Spec s;
  s.endpoints = {{fe__TransportType__Email, "later@example.no"}};
  s.shipment = std::time(nullptr) + 3;
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  BOOST_TEST(mailsTo("later@example.no").empty());
  BOOST_TEST(waitFor([] { return mailsTo("later@example.no"); }, 1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(ABrokenNotificationRollsBackTheWholeRequest) {
  Spec good;
  good.endpoints = {{fe__TransportType__Email, "rollback@example.no"}};
  Spec bad;
  bad.reportee = "01019010047";
  V3 call({good, bad});
  BOOST_TEST(call.rc != SOAP_OK);
  BOOST_TEST(call.errorId() == 40016);
  BOOST_TEST(outboxCount("recipient = 'rollback@example.no'") == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  BOOST_TEST(mailsTo("rollback@example.no").empty());
}

BOOST_AUTO_TEST_CASE(MailsQueuedWhileTheRelayIsDownArriveOnceItIsBack) {
  sinks().smtp->stop();
  Spec a, b;
  a.endpoints = {{fe__TransportType__Email, "down1@example.no"}};
  b.endpoints = {{fe__TransportType__Email, "down2@example.no"}};
  V3 call({a, b});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  // Wait until both have failed at least once and wait for their retry.
  for (int i = 0; i < 100 && outboxCount("recipient LIKE 'down_@example.no' AND last_error <> ''") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(outboxCount("recipient LIKE 'down_@example.no' AND last_error <> '' AND state <> 'sent'") == 2);
  sinks().smtp->start();
  BOOST_TEST(waitFor([] { return mailsTo("down1@example.no"); }, 1).size() == 1u);
  BOOST_TEST(waitFor([] { return mailsTo("down2@example.no"); }, 1).size() == 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a duplicate would have come by now
  BOOST_TEST(mailsTo("down1@example.no").size() == 1u);
  BOOST_TEST(mailsTo("down2@example.no").size() == 1u);
  BOOST_TEST(outboxCount("recipient LIKE 'down_@example.no' AND state = 'sent' AND attempts >= 2") == 2);
}

BOOST_AUTO_TEST_CASE(OnlyServiceOwnerSystemsMaySend) {
  V3 call({Spec{}}, "enduser");
  BOOST_TEST(call.rc != SOAP_OK);
  BOOST_TEST(call.errorId() == 5);
}

// ------------------------------------------------------------------------------------------------
// Roles, Service and the SMS sender. Each case uses its own token in the subject / text, so the
// sinks' files of one case are told from another's.

// The e-mail recipients whose subject carries `token`, sorted, waiting until `count` have come.
std::vector<std::string> mailedWith(const std::string& token, std::size_t count) {
  auto probe = [&] {
    std::vector<std::string> found;
    for (const char* to : {"post@roller.example.no", "dagl@roller.example.no", "regna@roller.example.no",
                           "leder@roller.example.no", "outsider@roller.example.no"}) {
      for (const Mail& m : mailsTo(to)) {
        if (m.headers.at("subject").find(token) != std::string::npos) found.push_back(to);
      }
    }
    return found;
  };
  auto found = waitFor(probe, count);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // one that should not come would have by now
  found = probe();
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<std::string> endpointsOf(V3& call) {
  std::vector<std::string> out;
  for (const auto* e : call.response.SendStandaloneNotificationBasicV3Result->NotificationResult.at(0)
                           ->EndPoints->EndPointResult) {
    out.push_back(*e->ReceiverAddress);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Spec toRoleOrg(const std::string& token) {
  Spec s;
  s.reportee = kRoleOrg;
  s.language.reset();  // each recipient's own language
  s.tokens = {token, "Ola"};
  return s;
}

BOOST_AUTO_TEST_CASE(RolesReachTheOrganisationAndExactlyItsHoldersOfThoseRoles) {
  Spec s = toRoleOrg("ROLLER-1");
  s.roles = {"DAGL", "regna"};
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  const std::vector<std::string> expected = {"dagl@roller.example.no", "post@roller.example.no",
                                             "regna@roller.example.no"};
  BOOST_TEST(endpointsOf(call) == expected, boost::test_tools::per_element());
  BOOST_TEST(mailedWith("ROLLER-1", 3) == expected, boost::test_tools::per_element());
  // The DAGL prefers English, the others have bokmål.
  auto subjectTo = [](const std::string& to) {
    for (Mail& m : mailsTo(to)) {
      if (m.headers["subject"].find("ROLLER-1") != std::string::npos) return m.headers["subject"];
    }
    return std::string();
  };
  BOOST_TEST(subjectTo("dagl@roller.example.no") == "Deadline for ROLLER-1");
  BOOST_TEST(subjectTo("regna@roller.example.no") == "Frist for ROLLER-1");
}

BOOST_AUTO_TEST_CASE(ServiceReachesOnlyHoldersOfARoleThatGrantsIt) {
  Spec s = toRoleOrg("ROLLER-2");
  s.service = std::make_pair(std::string("4711"), 1);
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  const std::vector<std::string> expected = {"leder@roller.example.no", "post@roller.example.no",
                                             "regna@roller.example.no"};
  BOOST_TEST(mailedWith("ROLLER-2", 3) == expected, boost::test_tools::per_element());

  // Roles and Service together: holders of DAGL or LEDE who also have access (LEDE only).
  Spec both = toRoleOrg("ROLLER-3");
  both.roles = {"DAGL", "LEDE"};
  both.service = std::make_pair(std::string("4711"), 1);
  V3 narrowed({both});
  BOOST_REQUIRE_EQUAL(narrowed.rc, SOAP_OK);
  const std::vector<std::string> expected_both = {"leder@roller.example.no", "post@roller.example.no"};
  BOOST_TEST(mailedWith("ROLLER-3", 2) == expected_both, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(UnknownOrAnotherOwnersServiceIs40013) {
  for (const auto& service : {std::make_pair(std::string("4711"), 2), std::make_pair(std::string("4712"), 1)}) {
    Spec s = toRoleOrg("ROLLER-4");
    s.service = service;
    V3 call({s});
    BOOST_TEST(call.rc != SOAP_OK);
    BOOST_TEST(call.errorId() == 40013);
  }
  BOOST_TEST(outboxCount("subject LIKE '%ROLLER-4%'") == 0);
}

BOOST_AUTO_TEST_CASE(SmsCarriesTheOwnersShortNameOnlyWhenAsked) {
  // agency2's owner is ETAT2; the configured default sender (sms.from) is ETAT.
  Spec asked = toRoleOrg("ROLLER-5");
  asked.roles = {"REGNA"};
  asked.endpoints = {{fe__TransportType__SMS, ""}};
  asked.sms_sender_is_owner = true;
  Spec plain = asked;
  plain.tokens = {"ROLLER-6", "Ola"};
  plain.sms_sender_is_owner = false;
  V3 call({asked, plain}, "agency2");
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  auto texts = [](const std::string& number, const std::string& token) {
    std::vector<std::string> found;
    for (const std::string& sms : smsTo(number)) {
      if (sms.find(token) != std::string::npos) found.push_back(sms);
    }
    return found;
  };
  for (const char* number : {"+4790000000", "+4790000002"}) {  // the organisation and its REGNA
    auto with_name = waitFor([&] { return texts(number, "ROLLER-5"); }, 1);
    BOOST_REQUIRE_EQUAL(with_name.size(), 1u);
    BOOST_TEST(with_name[0].find(std::string(R"({"to":")") + number + R"(","from":"ETAT2","text":"Frist for ROLLER-5 i morgen"})") !=
                   std::string::npos,
               with_name[0]);
    auto default_sender = waitFor([&] { return texts(number, "ROLLER-6"); }, 1);
    BOOST_REQUIRE_EQUAL(default_sender.size(), 1u);
    BOOST_TEST(default_sender[0].find(R"("from":"ETAT","text")") != std::string::npos, default_sender[0]);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  for (const char* other : {"+4790000001", "+4790000003", "+4790000004"}) {
    BOOST_TEST(texts(other, "ROLLER-5").empty());
    BOOST_TEST(texts(other, "ROLLER-6").empty());
  }
}

BOOST_AUTO_TEST_CASE(MessagesBelongToTheSendingOwner) {
  Spec s;
  s.endpoints = {{fe__TransportType__Email, "owner2@example.no"}};
  V3 call({s}, "agency2");
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  BOOST_TEST(outboxCount("recipient = 'owner2@example.no' AND owner_id = (SELECT id FROM service_owner WHERE code = "
                         "'ETAT2')") == 1);
  BOOST_TEST(outboxCount("recipient = 'owner2@example.no' AND owner_id = (SELECT id FROM service_owner WHERE code = "
                         "'ETAT')") == 0);
}

// ------------------------------------------------------------------------------------------------
// Every documented ErrorID

struct ErrorCase {
  const char* name;
  std::vector<Spec> specs;
  int error_id;
};
std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.name; }

template <typename F>
Spec spec(F change) {
  Spec s;
  change(s);
  return s;
}

const std::vector<ErrorCase> kErrorCases = {
    {"unknown NotificationType", {spec([](Spec& s) { s.type = "Finnes ikke"; })}, 1},
    {"missing NotificationType", {spec([](Spec& s) { s.type = ""; })}, 1},
    {"missing ReporteeNumber", {spec([](Spec& s) { s.reportee.reset(); })}, 1},
    {"address with Both", {spec([](Spec& s) { s.endpoints = {{fe__TransportType__Both, "a@b.no"}}; })}, 30009},
    {"bad e-mail address", {spec([](Spec& s) { s.endpoints = {{fe__TransportType__Email, "ikke-epost"}}; })}, 30010},
    {"bad mobile number", {spec([](Spec& s) { s.endpoints = {{fe__TransportType__SMS, "99-99"}}; })}, 30301},
    {"no mobile in register", {spec([](Spec& s) { s.reportee = kNoAddress; s.endpoints = {{fe__TransportType__SMS, ""}}; })}, 30302},
    {"no e-mail in register", {spec([](Spec& s) { s.reportee = kNoAddress; })}, 30303},
    {"no address in register", {spec([](Spec& s) { s.reportee = kNoAddress; s.endpoints = {{fe__TransportType__EmailPreferred, ""}}; })}, 30304},
    {"SMS of 701 characters", {spec([](Spec& s) {
       s.endpoints = {{fe__TransportType__SMS, "+4799999999"}};
       // "Frist for {0} i morgon. Helsing ØÆÅ" has 32 characters without the token.
       s.tokens = {std::string(701 - 32, 'x')};
     })}, 30305},
    {"template without SMS text", {spec([](Spec& s) { s.type = "E2EBareEpost"; s.endpoints = {{fe__TransportType__SMS, "+4799999999"}}; })}, 30306},
    {"unsupported language", {spec([](Spec& s) { s.language = 1053; })}, 40001},
    {"six notifications", std::vector<Spec>(6, Spec{}), 40014},
    {"IM transport", {spec([](Spec& s) { s.endpoints = {{fe__TransportType__IM, ""}}; })}, 40015},
    {"no transport", {spec([](Spec& s) { s.endpoints = {{std::nullopt, "a@b.no"}}; })}, 40015},
    {"bad national identity number", {spec([](Spec& s) { s.reportee = "01019010047"; })}, 40016},
    {"FromAddress not an e-mail", {spec([](Spec& s) { s.from = "Etaten"; })}, 40020},
    {"reportee not in register", {spec([](Spec& s) { s.reportee = kUnknown; })}, 60012},
    {"reportee of no known shape", {spec([](Spec& s) { s.reportee = "123"; })}, 60012},
};

BOOST_DATA_TEST_CASE(EachDocumentedErrorIdIsProduced, bdata::make(kErrorCases), c) {
  V3 call(c.specs);
  BOOST_TEST(call.rc != SOAP_OK);
  BOOST_TEST(call.errorId() == c.error_id);
  BOOST_TEST(!call.localized().empty());
}

BOOST_AUTO_TEST_CASE(SmsOfExactly700CharactersIsAccepted) {
  Spec s;
  s.endpoints = {{fe__TransportType__SMS, "+4790000700"}};
  s.tokens = {std::string(700 - 32, 'y')};
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  BOOST_TEST(waitFor([] { return smsTo("+4790000700"); }, 1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(FaultTextsFollowTheRequestsLanguage) {
  Spec nn;
  nn.from = "Etaten";
  V3 nynorsk({nn});
  BOOST_TEST(nynorsk.localized() == "Avsendaradressa er ikkje ei gyldig e-postadresse.");
  Spec nb = nn;
  nb.language = 1044;
  V3 bokmal({nb});
  BOOST_TEST(bokmal.localized() == "Avsenderadressen er ikke en gyldig e-postadresse.");
  Spec en = nn;
  en.language = 1033;
  V3 english({en});
  BOOST_TEST(english.localized() == "The from address is not a valid e-mail address.");
}

// Last on purpose: stops the shared gateway.
BOOST_AUTO_TEST_CASE(SigtermStopsTheGatewayWithTheWorkerCleanly) {
  auto& gw = gatewayUnderTest();
  sinks().smtp->stop();  // the worker is busy retrying a message when the signal comes
  Spec s;
  s.endpoints = {{fe__TransportType__Email, "at-shutdown@example.no"}};
  V3 call({s});
  BOOST_REQUIRE_EQUAL(call.rc, SOAP_OK);
  for (int i = 0; i < 50 && outboxCount("recipient = 'at-shutdown@example.no' AND attempts >= 1") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_REQUIRE(::kill(gw.pid(), SIGTERM) == 0);
  int status = -1;
  pid_t done = 0;
  for (int i = 0; i < 100 && done == 0; ++i) {
    done = ::waitpid(gw.pid(), &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE(done == gw.pid());  // within 5 s
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
