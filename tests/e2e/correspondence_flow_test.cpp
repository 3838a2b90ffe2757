// CorrespondenceAgency and the end-user CorrespondenceExternal extension over mTLS, with real
// notification delivery to a loopback SMTP relay (python3-aiosmtpd with STARTTLS, started here
// before the gateway). Covers every operation of both services, Created -> Read -> Confirmed with
// notification outcomes in the status details, VisibleDateTime, AllowSystemDeleteDateTime, owner
// and reportee isolation, LimitReached, and each documented correspondence ErrorID. ReplyOptions and
// OnBehalfOfOrgNr reach the end-user system; SdpOptions are stored and reported as NoMailBox in the V3
// status details when its SdpSearchOptions ask for digital letters.
#define BOOST_TEST_MODULE e2e_correspondence_flow
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "delivery_sinks.h"
#include "soap_clients.h"
#include "submissions.h"

namespace fs = std::filesystem;
using namespace gateway::testing;

namespace {

// ------------------------------------------------------------------------------------------------
// The SMTP relay (support/delivery_sinks.h, as in the notification flow test)

struct Relay {
  fs::path dir = fs::temp_directory_path() / ("gw_corr_e2e_" + std::to_string(::getpid()));
  fs::path mails = dir / "mails";
  std::unique_ptr<Sink> smtp;

  Relay() {
    fs::create_directories(mails);
    const std::string pki = std::getenv("GATEWAY_TEST_PKI_DIR") ? std::getenv("GATEWAY_TEST_PKI_DIR") : "";
    const int port = freePort();
    smtp = std::make_unique<Sink>(sourceDir() + "/tests/e2e/support/smtp_sink.py",
                                  std::vector<std::string>{"--dir", mails.string(), "--port", std::to_string(port),
                                                           "--ready-file", (dir / "smtp.ready").string(), "--cert",
                                                           pki + "/server/server.pem", "--key", pki + "/server/server.key"},
                                  dir / "smtp.ready");
    smtp->start();
    ::setenv("GATEWAY_SMTP_HOST", "127.0.0.1", 1);
    ::setenv("GATEWAY_SMTP_PORT", std::to_string(port).c_str(), 1);
    ::setenv("GATEWAY_SMTP_STARTTLS", "required", 1);
    ::setenv("GATEWAY_SMTP_CA_FILE", (pki + "/ca/chain.pem").c_str(), 1);
    ::setenv("GATEWAY_SMTP_FROM", "noreply@gateway.example.no", 1);
    ::setenv("GATEWAY_SMTP_TIMEOUT_SECONDS", "5", 1);
    ::setenv("GATEWAY_DELIVERY_POLL_INTERVAL_MS", "100", 1);
    ::setenv("GATEWAY_LIMITS_MAX_CORRESPONDENCE_STATUS", "3", 1);
  }
  ~Relay() {
    smtp.reset();
    std::error_code ec;
    if (!std::getenv("GATEWAY_TEST_KEEP")) fs::remove_all(dir, ec);
  }
};

Relay& relay() {
  static Relay instance;
  return instance;
}

const char* const kOrg = "910000306";     // granted to regnskap and regnskap2; in the contact register
const char* const kPerson = "01019010046";  // granted to regnskap only
const char* const kService = "8801";       // created through CreateSimpleCorrespondenceServiceBasic
const char* const kForeignService = "4712";  // ETAT2's

struct StartAll {
  StartAll() {
    relay();  // first: the gateway takes the relay's address from the environment
    auto& gw = gatewayUnderTest();
    auto must = [&](const std::string& args) {
      if (gw.gatewayctl(args) != 0) throw std::runtime_error("gatewayctl " + args + " failed");
    };
    must("template set --type E2EKorrespondanse --language 1044 --email-subject 'Ny melding: {0}' "
         "--email-body 'Hei! Du har fått {0} fra {1}. Hilsen æøå'");
    must(std::string("contact set --party ") + kOrg + " --email post@firma.example.no");
  }
};

std::vector<Mail> mailsTo(const std::string& recipient) { return readMails(relay().mails, recipient); }

// ------------------------------------------------------------------------------------------------
// Requests

std::string* str(struct soap* soap, const std::string& value) {
  auto* s = soap_new_std__string(soap);
  *s = value;
  return s;
}
template <typename T>
T* val(struct soap* soap, T value) {
  auto* p = static_cast<T*>(soap_malloc(soap, sizeof(T)));
  *p = value;
  return p;
}

struct Spec {
  std::string reference;
  std::string service = kService;
  std::string reportee = kOrg;
  std::string title = "Vedtak om tilskudd – æøå";
  std::optional<std::string> language;
  std::optional<std::time_t> visible, allow_delete, due;
  std::string attachment;      // bytes of one binary attachment (none when empty)
  std::string attachment_destination_portal_only;  // bytes of a PortalOnly attachment (none when empty)
  std::string xml;             // one XML attachment (none when empty)
  bool notify = false;
  std::string system_user_code = "ETAT";
  struct Reply {
    enum Kind { kService, kArchive, kUrl } kind;
    std::string first, second;  // service code + edition | archive reference | URL + link text
  };
  std::vector<Reply> replies;
  std::optional<std::string> on_behalf_of;
  struct Sdp {
    std::string primary_document = "Vedtak.pdf";  // the FileName of `attachment`
    cs1602__SdpSetting setting = cs1602__SdpSetting__CopyAltinn;
    std::optional<bool> backup_altinn;
    std::string email_text = "Du har fått digital post";
  };
  std::optional<Sdp> sdp;
};

_corr__InsertCorrespondenceBasicV2 insertRequest(struct soap* soap, const Spec& spec, const Identity& who) {
  _corr__InsertCorrespondenceBasicV2 req;
  req.systemUserName = who.system_user;
  req.systemPassword = who.system_password;
  req.SystemUserCode = spec.system_user_code;
  req.ExternalShipmentReference = spec.reference;
  auto* c = soap_new_cs10__InsertCorrespondenceV2(soap);
  c->ServiceCode = str(soap, spec.service);
  c->ServiceEdition = str(soap, "1");
  c->Reportee = str(soap, spec.reportee);
  c->CaseID = val(soap, 77);
  c->MessageSender = str(soap, "Etaten");
  if (spec.visible) c->VisibleDateTime = val(soap, *spec.visible);
  if (spec.allow_delete) c->AllowSystemDeleteDateTime = val(soap, *spec.allow_delete);
  if (spec.due) c->DueDateTime = val(soap, *spec.due);
  c->Content = soap_new_cs10__ExternalContentV2(soap);
  if (spec.language) c->Content->LanguageCode = str(soap, *spec.language);
  c->Content->MessageTitle = str(soap, spec.title);
  c->Content->MessageSummary = str(soap, "Sammendrag");
  c->Content->MessageBody = str(soap, "<p>Brødtekst</p>");
  c->Content->Attachments = soap_new_cs10__AttachmentsV2(soap);
  c->Content->Attachments->BinaryAttachments = soap_new_rel10__BinaryAttachmentExternalBEV2List(soap);
  auto binary = [&](const std::string& name, const std::string& bytes, std::optional<cs10__UserTypeRestriction> dest) {
    auto* b = soap_new_rel10__BinaryAttachmentV2(soap);
    b->FileName = str(soap, name + ".pdf");
    b->Name = str(soap, name);
    b->Data = soap_new_xsd__base64Binary(soap);
    b->Data->__ptr = static_cast<unsigned char*>(soap_malloc(soap, bytes.size()));
    std::memcpy(b->Data->__ptr, bytes.data(), bytes.size());
    b->Data->__size = static_cast<int>(bytes.size());
    if (dest) b->DestinationType = val(soap, *dest);
    c->Content->Attachments->BinaryAttachments->BinaryAttachmentV2.push_back(b);
  };
  if (!spec.attachment.empty()) binary("Vedtak", spec.attachment, std::nullopt);
  if (!spec.attachment_destination_portal_only.empty()) {
    binary("Bare portal", spec.attachment_destination_portal_only, cs10__UserTypeRestriction__PortalOnly);
  }
  if (!spec.xml.empty()) {
    c->Content->Attachments->XmlAttachmentList = soap_new_cs10__XmlAttachmentListV2(soap);
    auto* x = soap_new_cs10__XmlAttachmentV2(soap);
    x->FormDataXml = str(soap, spec.xml);
    x->SendersReference = str(soap, "xml-1");
    x->DataFormatId = str(soap, "5703");
    x->DataFormatVersion = val(soap, 34);
    c->Content->Attachments->XmlAttachmentList->XmlAttachmentV2.push_back(x);
  }
  if (spec.notify) {
    c->Notifications = soap_new_ntf__NotificationBEList(soap);
    auto* n = soap_new_ntf__Notification(soap);
    n->NotificationType = str(soap, "E2EKorrespondanse");
    n->LanguageCode = str(soap, "1044");
    n->ReceiverEndPoints = soap_new_ntf__ReceiverEndPointBEList(soap);
    auto* e = soap_new_ntf__ReceiverEndPoint(soap);
    e->TransportType = val(soap, fe__TransportType__Email);
    n->ReceiverEndPoints->ReceiverEndPoint.push_back(e);
    n->TextTokens = soap_new_ntf__TextTokenSubstitutionBEList(soap);
    for (const char* value : {"et vedtak", "Etaten"}) {
      auto* t = soap_new_ntf__TextToken(soap);
      t->TokenNum = val(soap, static_cast<int>(n->TextTokens->TextToken.size()));
      t->TokenValue = str(soap, value);
      n->TextTokens->TextToken.push_back(t);
    }
    c->Notifications->Notification.push_back(n);
  }
  if (!spec.replies.empty()) {
    c->ReplyOptions = soap_new_cs09__CorrespondenceInsertLinkBEList(soap);
    for (const Spec::Reply& r : spec.replies) {
      auto* option = soap_new_cs09__ReplyOption(soap);
      if (r.kind == Spec::Reply::kService) {
        option->Service = soap_new_cs09__InsertCorrespondenceLinkServiceCode(soap);
        option->Service->ServiceCode = str(soap, r.first);
        option->Service->ServiceEdition = str(soap, r.second);
      } else if (r.kind == Spec::Reply::kArchive) {
        option->ArchiveReference = soap_new_cs09__InsertCorrespondenceLinkArchiveRef(soap);
        option->ArchiveReference->ArchiveRef = str(soap, r.first);
      } else {
        option->URL = soap_new_cs09__InsertCorrespondenceLinkServiceURL(soap);
        option->URL->LinkURL = str(soap, r.first);
        option->URL->LinkText = str(soap, r.second);
      }
      c->ReplyOptions->ReplyOption.push_back(option);
    }
  }
  if (spec.on_behalf_of) c->OnBehalfOfOrgNr = str(soap, *spec.on_behalf_of);
  if (spec.sdp) {
    c->SdpOptions = soap_new_cs1602__SdpOptions(soap);
    c->SdpOptions->PrimaryDocumentFileName = str(soap, spec.sdp->primary_document);
    c->SdpOptions->SdpSetting = spec.sdp->setting;
    if (spec.sdp->backup_altinn) c->SdpOptions->BackupAltinn = val(soap, *spec.sdp->backup_altinn);
    c->SdpOptions->Title = str(soap, "Vedtak");
    c->SdpOptions->SdpNotifications = soap_new_cs1602__SdpNotifications(soap);
    auto* email = soap_new_cs1602__SdpEmailNotification(soap);
    email->EmailAddress = str(soap, "post@firma.example.no");
    email->NotificationText = str(soap, spec.sdp->email_text);
    email->Repetitions = soap_new_cs1602__DaysDelayedList(soap);
    email->Repetitions->DaysDelayed = {1, 7};
    c->SdpOptions->SdpNotifications->EmailNotification = email;
  }
  req.Correspondence = c;
  return req;
}

struct Insert {
  Client<CorrespondenceAgencyProxy> c;
  _corr__InsertCorrespondenceBasicV2Response response;
  int rc = -1;
  explicit Insert(const Spec& spec, const std::string& identity = "agency")
      : c(client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, identity)) {
    auto req = insertRequest(c->soap, spec, gatewayUnderTest().identity(identity));
    rc = c->InsertCorrespondenceBasicV2(&req, response);
  }
  int errorId() { return altinnErrorId(c->soap).value_or(-1); }
  // The correspondence id (the receipt's ReceiversReference).
  int id() const {
    const auto* r = response.InsertCorrespondenceBasicV2Result;
    if (!r || !r->References) return -1;
    for (const auto* ref : r->References->Reference) {
      if (ref && ref->ReferenceTypeName && *ref->ReferenceTypeName == shp__ReferenceType__ReceiversReference &&
          ref->ReferenceValue) {
        return std::stoi(*ref->ReferenceValue);
      }
    }
    return -1;
  }
};

struct EndUser {
  Client<CorrespondenceExternalProxy> c;
  Identity who;
  explicit EndUser(const std::string& identity = "enduser")
      : c(client<CorrespondenceExternalProxy>(kCorrespondenceExternalPath, identity)),
        who(gatewayUnderTest().identity(identity)) {}
  int errorId() { return altinnErrorId(c->soap).value_or(-1); }

  std::vector<cex__CorrespondenceSummary*> list(const std::string& reportee, int* rc = nullptr) {
    _cexa__GetCorrespondenceListBasic req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.reportee = reportee;
    _cexa__GetCorrespondenceListBasicResponse resp;
    const int result = c->GetCorrespondenceListBasic(&req, resp);
    if (rc) *rc = result;
    if (result != SOAP_OK || !resp.GetCorrespondenceListBasicResult ||
        !resp.GetCorrespondenceListBasicResult->Correspondences) {
      return {};
    }
    return resp.GetCorrespondenceListBasicResult->Correspondences->CorrespondenceSummary;
  }
  bool listed(const std::string& reportee, int id) {
    for (const auto* s : list(reportee)) {
      if (s && s->CorrespondenceID && *s->CorrespondenceID == id) return true;
    }
    return false;
  }
  int get(const std::string& reportee, int id, _cexa__GetCorrespondenceBasicResponse& resp) {
    _cexa__GetCorrespondenceBasic req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.reportee = reportee;
    req.correspondenceID = id;
    return c->GetCorrespondenceBasic(&req, resp);
  }
  int confirm(const std::string& reportee, int id, _cexa__ConfirmCorrespondenceBasicResponse& resp) {
    _cexa__ConfirmCorrespondenceBasic req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.reportee = reportee;
    req.correspondenceID = id;
    return c->ConfirmCorrespondenceBasic(&req, resp);
  }
  int remove(const std::string& reportee, int id) {
    _cexa__DeleteCorrespondenceBasic req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.reportee = reportee;
    req.correspondenceID = id;
    _cexa__DeleteCorrespondenceBasicResponse resp;
    return c->DeleteCorrespondenceBasic(&req, resp);
  }
};

struct StatusV3 {
  Client<CorrespondenceAgencyProxy> c;
  _corr__GetCorrespondenceStatusDetailsBasicV3Response response;
  int rc = -1;
  // `sdp_include_correspondence`: send SdpSearchOptions with this IncludeCorrespondence.
  StatusV3(const std::string& service, const std::optional<std::string>& reference,
           const std::string& identity = "agency", std::optional<bool> sdp_include_correspondence = std::nullopt)
      : c(client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, identity)) {
    const Identity who = gatewayUnderTest().identity(identity);
    _corr__GetCorrespondenceStatusDetailsBasicV3 req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.filterCriteria = soap_new_cs1602__CorrespondenceStatusFilterV3(c->soap);
    req.filterCriteria->ServiceCode = str(c->soap, service);
    req.filterCriteria->ServiceEditionCode = 1;
    if (reference) req.filterCriteria->SendersReference = str(c->soap, *reference);
    if (sdp_include_correspondence) {
      req.filterCriteria->SdpSearchOptions = soap_new_cs1602__SdpStatusSearchOptions(c->soap);
      req.filterCriteria->SdpSearchOptions->IncludeCorrespondence = *sdp_include_correspondence;
    }
    rc = c->GetCorrespondenceStatusDetailsBasicV3(&req, response);
  }
  // The SdpStatusDetails of the answer (none when the SDP part is absent).
  std::vector<cs1602__SdpStatusDetails*> letters() {
    auto* r = response.GetCorrespondenceStatusDetailsBasicV3Result;
    if (!r || !r->SdpStatusInformation || !r->SdpStatusInformation->SdpStatusDetailsList) return {};
    return r->SdpStatusInformation->SdpStatusDetailsList->SdpStatusDetails;
  }
  int errorId() { return altinnErrorId(c->soap).value_or(-1); }
  std::vector<cs1410__StatusV2*> items() {
    auto* r = response.GetCorrespondenceStatusDetailsBasicV3Result;
    if (!r || !r->CorrespondenceStatusInformation || !r->CorrespondenceStatusInformation->CorrespondenceStatusDetailsList) {
      return {};
    }
    return r->CorrespondenceStatusInformation->CorrespondenceStatusDetailsList->StatusV2;
  }
};

std::string uniqueRef(const std::string& stem) {
  static int n = 0;
  return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(StartAll);

BOOST_AUTO_TEST_SUITE(CorrespondenceFlow)

BOOST_AUTO_TEST_CASE(TestOperationsAnswer) {
  _altinn__Test req;
  _altinn__TestResponse resp;
  auto agency = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, "agency");
  BOOST_TEST(agency->Test(&req, resp) == SOAP_OK);
  auto external = client<CorrespondenceExternalProxy>(kCorrespondenceExternalPath, "enduser");
  BOOST_TEST(external->Test(&req, resp) == SOAP_OK);
}

BOOST_AUTO_TEST_CASE(CreateSimpleCorrespondenceServiceRegistersTheOwnersServiceOnce) {
  for (int round = 0; round < 2; ++round) {
    auto c = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, "agency");
    const Identity who = gatewayUnderTest().identity("agency");
    _corr__CreateSimpleCorrespondenceServiceBasic req;
    req.systemUserName = who.system_user;
    req.systemPassword = who.system_password;
    req.templateServiceCode = kService;
    req.templateServiceEditionCode = 1;
    _corr__CreateSimpleCorrespondenceServiceBasicResponse resp;
    BOOST_REQUIRE_EQUAL(c->CreateSimpleCorrespondenceServiceBasic(&req, resp), SOAP_OK);
    BOOST_REQUIRE(resp.CreateSimpleCorrespondenceServiceBasicResult);
    BOOST_TEST(*resp.CreateSimpleCorrespondenceServiceBasicResult->ExternalServiceCode == kService);
    BOOST_TEST(*resp.CreateSimpleCorrespondenceServiceBasicResult->ExternalServiceEditionCode == 1);
  }
  // Another owner cannot take it over.
  auto c = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, "agency2");
  const Identity who = gatewayUnderTest().identity("agency2");
  _corr__CreateSimpleCorrespondenceServiceBasic req;
  req.systemUserName = who.system_user;
  req.systemPassword = who.system_password;
  req.templateServiceCode = kService;
  req.templateServiceEditionCode = 1;
  _corr__CreateSimpleCorrespondenceServiceBasicResponse resp;
  BOOST_TEST(c->CreateSimpleCorrespondenceServiceBasic(&req, resp) != SOAP_OK);
  BOOST_TEST(altinnErrorId(c->soap).value_or(-1) == 5);
}

BOOST_AUTO_TEST_CASE(MessageIsNotifiedReadConfirmedAndReportedWithTimestamps) {
  Spec spec;
  spec.reference = uniqueRef("flow");
  spec.attachment = std::string("%PDF-1.4 vedtak \0 binær", 23);
  spec.attachment_destination_portal_only = "bare i portalen";
  spec.xml = "<Skjema><Felt>æøå</Felt></Skjema>";
  spec.notify = true;
  spec.language = "1044";
  Insert insert(spec);
  BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);
  const auto* receipt = insert.response.InsertCorrespondenceBasicV2Result;
  BOOST_REQUIRE(receipt);
  BOOST_TEST(*receipt->ReceiptStatusCode == r09__ReceiptStatusEnum__OK);
  BOOST_TEST(*receipt->ReceiptTypeName == r09__ReceiptTypeEnum__Correspondence);
  const int id = insert.id();
  BOOST_REQUIRE(id > 0);

  // The notification e-mail reaches the relay, over STARTTLS, tokens replaced, UTF-8 intact.
  std::vector<Mail> mails;
  for (int i = 0; i < 200 && mails.empty(); ++i) {
    mails = mailsTo("post@firma.example.no");
    if (mails.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_REQUIRE_EQUAL(mails.size(), 1u);
  BOOST_TEST(mails[0].headers["subject"] == "Ny melding: et vedtak");
  BOOST_TEST(mails[0].headers["tls"] == "yes");
  BOOST_TEST(mails[0].body.find("Du har fått et vedtak fra Etaten. Hilsen æøå") != std::string::npos);

  // Status details: Created, and the notification with its recipient, transport and sent time.
  std::vector<cs1410__StatusV2*> items;
  std::unique_ptr<StatusV3> status;  // owns the memory `items` points into
  for (int i = 0; i < 100; ++i) {
    status = std::make_unique<StatusV3>(kService, spec.reference);
    BOOST_REQUIRE_EQUAL(status->rc, SOAP_OK);
    items = status->items();
    BOOST_REQUIRE_EQUAL(items.size(), 1u);
    if (items[0]->Notifications && !items[0]->Notifications->Notification.empty() &&
        items[0]->Notifications->Notification[0]->SentDate) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_REQUIRE(items[0]->Notifications && items[0]->Notifications->Notification.size() == 1u);
  const auto* n = items[0]->Notifications->Notification[0];
  BOOST_TEST(*n->Recipient == "post@firma.example.no");
  BOOST_TEST(*n->TransportType == fe__TransportType__Email);
  BOOST_REQUIRE(n->SentDate);
  BOOST_TEST(*items[0]->CorrespondenceID == id);
  BOOST_TEST(*items[0]->Reportee == kOrg);
  BOOST_REQUIRE(items[0]->StatusChanges);
  BOOST_TEST(items[0]->StatusChanges->StatusChangeV2.size() == 1u);
  BOOST_TEST(*items[0]->StatusChanges->StatusChangeV2[0]->StatusType == se1410__CorrespondenceStatusTypeV2__Created);

  // The end-user system lists and fetches it: attachments (not the PortalOnly one), Read recorded.
  EndUser user;
  BOOST_TEST(user.listed(kOrg, id));
  _cexa__GetCorrespondenceBasicResponse got;
  BOOST_REQUIRE_EQUAL(user.get(kOrg, id, got), SOAP_OK);
  const auto* d = got.GetCorrespondenceBasicResult;
  BOOST_REQUIRE(d);
  BOOST_TEST(*d->MessageTitle == spec.title);
  BOOST_TEST(*d->MessageBody == "<p>Brødtekst</p>");
  BOOST_TEST(*d->CaseID == 77);
  BOOST_TEST(*d->ServiceCode == kService);
  BOOST_TEST(*d->Status == se1410__CorrespondenceStatusTypeV2__Read);
  BOOST_REQUIRE(d->ReadDate);
  BOOST_REQUIRE(d->BinaryAttachments);
  BOOST_REQUIRE_EQUAL(d->BinaryAttachments->CorrespondenceAttachment.size(), 1u);
  const auto* a = d->BinaryAttachments->CorrespondenceAttachment[0];
  BOOST_TEST(std::string(reinterpret_cast<const char*>(a->Data->__ptr), a->Data->__size) == spec.attachment);
  BOOST_TEST(*a->Name == "Vedtak");
  BOOST_REQUIRE(d->XmlAttachments && d->XmlAttachments->CorrespondenceXmlAttachment.size() == 1u);
  BOOST_TEST(*d->XmlAttachments->CorrespondenceXmlAttachment[0]->FormDataXml == spec.xml);
  const std::time_t first_read = *d->ReadDate;

  // A second fetch keeps the first Read time.
  _cexa__GetCorrespondenceBasicResponse again;
  BOOST_REQUIRE_EQUAL(user.get(kOrg, id, again), SOAP_OK);
  BOOST_TEST(*again.GetCorrespondenceBasicResult->ReadDate == first_read);

  _cexa__ConfirmCorrespondenceBasicResponse confirmed;
  BOOST_REQUIRE_EQUAL(user.confirm(kOrg, id, confirmed), SOAP_OK);
  BOOST_TEST(*confirmed.ConfirmCorrespondenceBasicResult->Status == se1410__CorrespondenceStatusTypeV2__Confirmed);
  BOOST_TEST(confirmed.ConfirmCorrespondenceBasicResult->ConfirmedDate != nullptr);

  // The owner sees Created -> Read -> Confirmed, in V3 and in V1.
  StatusV3 after(kService, spec.reference);
  BOOST_REQUIRE_EQUAL(after.rc, SOAP_OK);
  BOOST_REQUIRE_EQUAL(after.items().size(), 1u);
  const auto& changes = after.items()[0]->StatusChanges->StatusChangeV2;
  BOOST_REQUIRE_EQUAL(changes.size(), 3u);
  BOOST_TEST(*changes[1]->StatusType == se1410__CorrespondenceStatusTypeV2__Read);
  BOOST_TEST(*changes[1]->StatusDate == first_read);
  BOOST_TEST(*changes[2]->StatusType == se1410__CorrespondenceStatusTypeV2__Confirmed);

  auto v1 = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, "agency");
  const Identity who = gatewayUnderTest().identity("agency");
  _corr__GetCorrespondenceStatusDetailsBasic req1;
  req1.systemUserName = who.system_user;
  req1.systemPassword = who.system_password;
  req1.filterCriteria = soap_new_cs1311__CorrespondenceStatusFilter(v1->soap);
  req1.filterCriteria->ServiceCode = str(v1->soap, kService);
  req1.filterCriteria->ServiceEditionCode = 1;
  req1.filterCriteria->SendersReference = str(v1->soap, spec.reference);
  req1.filterCriteria->CurrentStatus = val(v1->soap, se1311__CorrespondenceStatusType__Confirmed);
  _corr__GetCorrespondenceStatusDetailsBasicResponse resp1;
  BOOST_REQUIRE_EQUAL(v1->GetCorrespondenceStatusDetailsBasic(&req1, resp1), SOAP_OK);
  BOOST_REQUIRE(resp1.GetCorrespondenceStatusDetailsBasicResult->StatusList);
  BOOST_REQUIRE_EQUAL(resp1.GetCorrespondenceStatusDetailsBasicResult->StatusList->Status.size(), 1u);
  BOOST_TEST(resp1.GetCorrespondenceStatusDetailsBasicResult->StatusList->Status[0]->StatusChanges->StatusChange.size() ==
             3u);

  // V2 with CurrentStatus Created no longer finds it.
  _corr__GetCorrespondenceStatusDetailsBasicV2 req2;
  req2.systemUserName = who.system_user;
  req2.systemPassword = who.system_password;
  req2.filterCriteria = soap_new_cs1410__CorrespondenceStatusFilterV2(v1->soap);
  req2.filterCriteria->ServiceCode = str(v1->soap, kService);
  req2.filterCriteria->ServiceEditionCode = 1;
  req2.filterCriteria->SendersReference = str(v1->soap, spec.reference);
  req2.filterCriteria->CurrentStatus = val(v1->soap, se1410__CorrespondenceStatusTypeV2__Created);
  _corr__GetCorrespondenceStatusDetailsBasicV2Response resp2;
  BOOST_REQUIRE_EQUAL(v1->GetCorrespondenceStatusDetailsBasicV2(&req2, resp2), SOAP_OK);
  BOOST_TEST(resp2.GetCorrespondenceStatusDetailsBasicV2Result->StatusList->StatusV2.empty());
}

BOOST_AUTO_TEST_CASE(StatusHistoryTakesCredentialsFromSoapHeaders) {
  Spec spec;
  spec.reference = uniqueRef("history");
  Insert insert(spec);
  BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);

  auto history = [&](const std::string& identity, const std::string& password_override) {
    auto c = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, identity);
    const Identity who = gatewayUnderTest().identity(identity);
    c->soap->header = soap_new_SOAP_ENV__Header(c->soap);
    c->soap->header->corr__SystemUserName = str(c->soap, who.system_user);
    c->soap->header->corr__SystemPassword =
        str(c->soap, password_override.empty() ? who.system_password : password_override);
    _corr__CorrespondenceStatusHistoryRequest req;
    req.CorrespondenceSendersReferences = soap_new_arr__ArrayOfstring(c->soap);
    req.CorrespondenceSendersReferences->string.push_back(spec.reference);
    _corr__CorrespondenceStatusHistoryResult resp;
    const int rc = c->GetCorrespondenceStatusHistoryBasic(&req, resp);
    std::size_t found = 0;
    if (rc == SOAP_OK && resp.CorrespondenceStatusInformation &&
        resp.CorrespondenceStatusInformation->CorrespondenceStatusDetailsList) {
      found = resp.CorrespondenceStatusInformation->CorrespondenceStatusDetailsList->StatusV2.size();
    }
    return std::make_tuple(rc, found, altinnErrorId(c->soap).value_or(-1));
  };
  auto [rc, found, error] = history("agency", "");
  BOOST_TEST(rc == SOAP_OK);
  BOOST_TEST(found == 1u);
  // Another owner asking for the same reference sees nothing.
  auto [rc2, found2, error2] = history("agency2", "");
  BOOST_TEST(rc2 == SOAP_OK);
  BOOST_TEST(found2 == 0u);
  // A wrong password in the header is refused.
  auto [rc3, found3, error3] = history("agency", "wrong-password");
  BOOST_TEST(rc3 != SOAP_OK);
  BOOST_TEST(error3 == 989);
  (void)error;
  (void)error2;
  (void)found3;
}

BOOST_AUTO_TEST_CASE(FirstVersionInsertWorksWithoutSystemUserCode) {
  auto c = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, "agency");
  const Identity who = gatewayUnderTest().identity("agency");
  _corr__InsertCorrespondenceBasic req;
  req.systemUserName = str(c->soap, who.system_user);
  req.systemPassword = str(c->soap, who.system_password);
  req.ExternalReference = str(c->soap, uniqueRef("v1"));
  req.Correspondence = soap_new_cs09__InsertCorrespondence(c->soap);
  req.Correspondence->ServiceCode = str(c->soap, kService);
  req.Correspondence->ServiceEdition = str(c->soap, "1");
  req.Correspondence->Reportee = str(c->soap, kPerson);
  req.Correspondence->Content = soap_new_cs09__ExternalContent(c->soap);
  req.Correspondence->Content->MessageTitle = str(c->soap, "Første versjon");
  _corr__InsertCorrespondenceBasicResponse resp;
  BOOST_REQUIRE_EQUAL(c->InsertCorrespondenceBasic(&req, resp), SOAP_OK);
  BOOST_REQUIRE(resp.InsertCorrespondenceBasicResult);
  BOOST_TEST(*resp.InsertCorrespondenceBasicResult->ReceiptStatusCode == r09__ReceiptStatusEnum__OK);
}

BOOST_AUTO_TEST_CASE(AnotherOwnerCannotReadStatusDetails) {
  Spec spec;
  spec.reference = uniqueRef("isolation");
  Insert insert(spec);
  BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);
  StatusV3 foreign(kService, spec.reference, "agency2");
  BOOST_TEST(foreign.rc != SOAP_OK);
  BOOST_TEST(foreign.errorId() == 5);
  // Nor send on its service.
  Spec on_foreign;
  on_foreign.reference = uniqueRef("foreign-service");
  on_foreign.service = kForeignService;
  Insert refused(on_foreign);
  BOOST_TEST(refused.rc != SOAP_OK);
  BOOST_TEST(refused.errorId() == 5);
}

BOOST_AUTO_TEST_CASE(EndUserSystemCannotReachAReporteeItMayNotActFor) {
  Spec spec;
  spec.reference = uniqueRef("person");
  spec.reportee = kPerson;
  Insert insert(spec);
  BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);
  const int id = insert.id();
  EndUser granted;
  BOOST_TEST(granted.listed(kPerson, id));
  EndUser other("enduser2");  // granted 910000306 only
  int rc = 0;
  other.list(kPerson, &rc);
  BOOST_TEST(rc != SOAP_OK);
  BOOST_TEST(other.errorId() == 0);
  _cexa__GetCorrespondenceBasicResponse resp;
  BOOST_TEST(other.get(kPerson, id, resp) != SOAP_OK);
  BOOST_TEST(other.errorId() == 0);
  // Asking through a reportee it may act for does not reach another reportee's message either.
  BOOST_TEST(other.get(kOrg, id, resp) != SOAP_OK);
  BOOST_TEST(other.errorId() == 30205);
  // A service owner system is not an end-user system.
  EndUser owner("agency");
  owner.list(kOrg, &rc);
  BOOST_TEST(rc != SOAP_OK);
  BOOST_TEST(owner.errorId() == 5);
}

BOOST_AUTO_TEST_CASE(MessageIsInvisibleBeforeVisibleDateTime) {
  Spec spec;
  spec.reference = uniqueRef("later");
  spec.visible = std::time(nullptr) + 3600;
  Insert insert(spec);
  BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);
  const int id = insert.id();
  EndUser user;
  BOOST_TEST(!user.listed(kOrg, id));
  _cexa__GetCorrespondenceBasicResponse resp;
  BOOST_TEST(user.get(kOrg, id, resp) != SOAP_OK);
  BOOST_TEST(user.errorId() == 30205);
  _cexa__ConfirmCorrespondenceBasicResponse confirm;
  BOOST_TEST(user.confirm(kOrg, id, confirm) != SOAP_OK);
  BOOST_TEST(user.errorId() == 30205);
  // The owner sees it (Created).
  StatusV3 status(kService, spec.reference);
  BOOST_REQUIRE_EQUAL(status.rc, SOAP_OK);
  BOOST_TEST(status.items().size() == 1u);
}

BOOST_AUTO_TEST_CASE(DeleteHonoursAllowSystemDeleteDateTime) {
  const std::time_t now = std::time(nullptr);
  Spec later;
  later.reference = uniqueRef("keep");
  later.allow_delete = now + 3600;
  Insert kept(later);
  BOOST_REQUIRE_EQUAL(kept.rc, SOAP_OK);
  Spec soon;
  soon.reference = uniqueRef("delete");
  soon.visible = now - 10;
  soon.allow_delete = now - 5;
  Insert deletable(soon);
  BOOST_REQUIRE_EQUAL(deletable.rc, SOAP_OK);
  EndUser user;
  BOOST_TEST(user.remove(kOrg, kept.id()) != SOAP_OK);
  BOOST_TEST(user.errorId() == 30206);
  BOOST_TEST(user.listed(kOrg, kept.id()));
  BOOST_TEST(user.remove(kOrg, deletable.id()) == SOAP_OK);
  BOOST_TEST(!user.listed(kOrg, deletable.id()));
}

BOOST_AUTO_TEST_CASE(StatusDetailsSayLimitReachedBeyondTheConfiguredLimit) {
  for (int i = 0; i < 4; ++i) {
    Spec spec;
    spec.reference = uniqueRef("limit");
    Insert insert(spec);
    BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);
  }
  StatusV3 status(kService, std::nullopt);
  BOOST_REQUIRE_EQUAL(status.rc, SOAP_OK);
  BOOST_TEST(status.items().size() == 3u);  // limits.max_correspondence_status = 3 (set by the relay fixture)
  BOOST_TEST(*status.response.GetCorrespondenceStatusDetailsBasicV3Result->CorrespondenceStatusInformation->LimitReached);
}

struct BadInput {
  const char* name;
  void (*apply)(Spec&);
  int error_id;
};
std::ostream& operator<<(std::ostream& out, const BadInput& b) { return out << b.name; }

BOOST_AUTO_TEST_CASE(EachDocumentedErrorIdIsProduced) {
  const BadInput cases[] = {
      {"MissingTitle 30202", [](Spec& s) { s.title = ""; }, 30202},
      {"UnknownService 30203", [](Spec& s) { s.service = "999999"; }, 30203},
      {"DueBeforeVisible 30204", [](Spec& s) { s.due = std::time(nullptr) - 86400; }, 30204},
      {"MalformedXmlAttachment 30207", [](Spec& s) { s.xml = "<a><b></a>"; }, 30207},
      {"InvalidLanguage 40001", [](Spec& s) { s.language = "1053"; }, 40001},
      {"InvalidReportee 60012", [](Spec& s) { s.reportee = "123"; }, 60012},
      {"ForeignSystemUserCode 5", [](Spec& s) { s.system_user_code = "ETAT2"; }, 5},
  };
  for (const BadInput& bad : cases) {
    BOOST_TEST_CONTEXT(bad.name) {
      Spec spec;
      spec.reference = uniqueRef("bad");
      bad.apply(spec);
      Insert insert(spec);
      BOOST_TEST(insert.rc != SOAP_OK);
      BOOST_TEST(insert.errorId() == bad.error_id);
      const auto* f = altinnFault(insert.c->soap);
      BOOST_TEST((f && f->ErrorGuid && !f->ErrorGuid->empty()));
    }
  }
  // The localized fault text follows the message's LanguageCode (nynorsk here).
  Spec nynorsk;
  nynorsk.reference = uniqueRef("nn");
  nynorsk.language = "2068";
  nynorsk.title = "";
  Insert localized(nynorsk);
  BOOST_TEST(localized.errorId() == 30202);
  const auto* nf = altinnFault(localized.c->soap);
  BOOST_TEST((nf && nf->AltinnLocalizedErrorMessage && *nf->AltinnLocalizedErrorMessage == "Påkravd verdi manglar."));
  // 30201: the owner reused an ExternalShipmentReference; nothing new is stored.
  Spec spec;
  spec.reference = uniqueRef("dup");
  Insert first(spec);
  BOOST_REQUIRE_EQUAL(first.rc, SOAP_OK);
  Insert second(spec);
  BOOST_TEST(second.rc != SOAP_OK);
  BOOST_TEST(second.errorId() == 30201);
  BOOST_TEST(gatewayUnderTest().sql("SELECT COUNT(*) FROM correspondence WHERE external_shipment_reference = '" +
                                    spec.reference + "'").find('1') == 0u);
  // 30202 for status details without a service code.
  StatusV3 no_service("", std::nullopt);
  BOOST_TEST(no_service.rc != SOAP_OK);
  BOOST_TEST(no_service.errorId() == 30202);
}

namespace {

// An archived submission of `identity`'s end-user system to `service_code` (owned by ETAT for 4711,
// ETAT2 for 4712): its archive reference.
std::string archivedSubmission(const std::string& service_code, const std::string& data_format) {
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.service_code = service_code;
  spec.data_format_id = data_format.substr(0, data_format.find(':'));
  spec.data_format_version = std::stoi(data_format.substr(data_format.find(':') + 1));
  spec.end_user_reference = uniqueRef("svar");
  iib__ReceiptExternalBE* receipt = nullptr;
  if (submit(inbound, gatewayUnderTest().identity("enduser"), spec, &receipt) != SOAP_OK) {
    throw std::runtime_error("submit failed");
  }
  return archiveReferenceOf(receipt);
}

// kService exists (CreateSimpleCorrespondenceServiceBasic is idempotent), so a test case run alone works.
void ensureCorrespondenceService() {
  auto c = client<CorrespondenceAgencyProxy>(kCorrespondenceAgencyPath, "agency");
  const Identity who = gatewayUnderTest().identity("agency");
  _corr__CreateSimpleCorrespondenceServiceBasic req;
  req.systemUserName = who.system_user;
  req.systemPassword = who.system_password;
  req.templateServiceCode = kService;
  req.templateServiceEditionCode = 1;
  _corr__CreateSimpleCorrespondenceServiceBasicResponse resp;
  if (c->CreateSimpleCorrespondenceServiceBasic(&req, resp) != SOAP_OK) throw std::runtime_error("no kService");
}

}  // namespace

BOOST_AUTO_TEST_CASE(ReplyOptionsOnBehalfOfAndSdpOptionsReachEndUserAndStatus) {
  ensureCorrespondenceService();
  const std::string archive_reference = archivedSubmission("4711", "5703:34");
  BOOST_REQUIRE(!archive_reference.empty());
  Spec spec;
  spec.reference = uniqueRef("options");
  spec.attachment = "%PDF-1.4 vedtak";
  spec.replies = {{Spec::Reply::kService, "4711", "1"},
                  {Spec::Reply::kArchive, archive_reference, ""},
                  {Spec::Reply::kUrl, "https://svar.example.no/skjema?sak=77", "Svar på vedtaket – her"}};
  spec.on_behalf_of = "910000209";
  spec.sdp = Spec::Sdp{};
  Insert insert(spec);
  BOOST_REQUIRE_EQUAL(insert.rc, SOAP_OK);
  const int id = insert.id();
  const auto* receipt = insert.response.InsertCorrespondenceBasicV2Result;
  BOOST_TEST((receipt && receipt->ReceiptText && receipt->ReceiptText->find("NoMailBox") != std::string::npos));

  // The end-user system: OnBehalfOfOrgNr in the list and the details, the reply options in the details.
  EndUser user;
  bool listed_on_behalf = false;
  for (const auto* s : user.list(kOrg)) {
    if (s && s->CorrespondenceID && *s->CorrespondenceID == id) {
      listed_on_behalf = s->OnBehalfOfOrgNr && *s->OnBehalfOfOrgNr == "910000209";
    }
  }
  BOOST_TEST(listed_on_behalf);
  _cexa__GetCorrespondenceBasicResponse got;
  BOOST_REQUIRE_EQUAL(user.get(kOrg, id, got), SOAP_OK);
  const auto* d = got.GetCorrespondenceBasicResult;
  BOOST_REQUIRE(d);
  BOOST_TEST((d->OnBehalfOfOrgNr && *d->OnBehalfOfOrgNr == "910000209"));
  BOOST_REQUIRE(d->ReplyOptions);
  const auto& options = d->ReplyOptions->CorrespondenceReplyOption;
  BOOST_REQUIRE_EQUAL(options.size(), 3u);
  BOOST_TEST((options[0]->Type && *options[0]->Type == cex__ReplyOptionType__Service));
  BOOST_TEST((options[0]->ServiceCode && *options[0]->ServiceCode == "4711"));
  BOOST_TEST((options[0]->ServiceEditionCode && *options[0]->ServiceEditionCode == 1));
  BOOST_TEST((options[1]->Type && *options[1]->Type == cex__ReplyOptionType__ArchiveReference));
  BOOST_TEST((options[1]->ArchiveReference && *options[1]->ArchiveReference == archive_reference));
  BOOST_TEST((options[2]->Type && *options[2]->Type == cex__ReplyOptionType__URL));
  BOOST_TEST((options[2]->LinkURL && *options[2]->LinkURL == "https://svar.example.no/skjema?sak=77"));
  BOOST_TEST((options[2]->LinkText && *options[2]->LinkText == "Svar på vedtaket – her"));

  // V3 without SdpSearchOptions: the correspondence, no digital letters searched.
  StatusV3 plain(kService, spec.reference);
  BOOST_REQUIRE_EQUAL(plain.rc, SOAP_OK);
  BOOST_TEST(plain.items().size() == 1u);
  BOOST_TEST(plain.letters().empty());
  // With SdpSearchOptions: the digital letter with NoMailBox, and the correspondence as asked.
  for (bool include : {true, false}) {
    BOOST_TEST_CONTEXT("IncludeCorrespondence " << include) {
      StatusV3 status(kService, spec.reference, "agency", include);
      BOOST_REQUIRE_EQUAL(status.rc, SOAP_OK);
      BOOST_TEST(status.items().size() == (include ? 1u : 0u));
      BOOST_TEST((status.response.GetCorrespondenceStatusDetailsBasicV3Result->CorrespondenceStatusInformation !=
                  nullptr) == include);
      const auto letters = status.letters();
      BOOST_REQUIRE_EQUAL(letters.size(), 1u);
      BOOST_TEST((letters[0]->CorrespondenceId && *letters[0]->CorrespondenceId == id));
      BOOST_TEST((letters[0]->SdpId && *letters[0]->SdpId == id));
      BOOST_TEST((letters[0]->Reference && *letters[0]->Reference == spec.reference));
      BOOST_TEST((letters[0]->Reportee && *letters[0]->Reportee == kOrg));
      BOOST_REQUIRE(letters[0]->StatusHistory);
      BOOST_REQUIRE_EQUAL(letters[0]->StatusHistory->SdpStatusChange.size(), 1u);
      const auto* change = letters[0]->StatusHistory->SdpStatusChange[0];
      BOOST_TEST((change->Status && *change->Status == cs1602__SdpStatusType__NoMailBox));
    }
  }
  // A correspondence without SdpOptions is no digital letter.
  Spec without;
  without.reference = uniqueRef("no-sdp");
  Insert no_sdp(without);
  BOOST_REQUIRE_EQUAL(no_sdp.rc, SOAP_OK);
  StatusV3 search(kService, without.reference, "agency", true);
  BOOST_REQUIRE_EQUAL(search.rc, SOAP_OK);
  BOOST_TEST(search.items().size() == 1u);
  BOOST_TEST(search.letters().empty());
  // ForwardOnly with the default BackupAltinn (true): kept in the inbox as well.
  Spec forward = spec;
  forward.reference = uniqueRef("forward");
  forward.sdp->setting = cs1602__SdpSetting__ForwardOnly;
  Insert forwarded(forward);
  BOOST_REQUIRE_EQUAL(forwarded.rc, SOAP_OK);
  BOOST_TEST(user.listed(kOrg, forwarded.id()));
}

std::string g_foreign_archive_reference;  // an archived submission of ETAT2's (set below)

BOOST_AUTO_TEST_CASE(EachOptionErrorIdIsProduced) {
  ensureCorrespondenceService();
  g_foreign_archive_reference = archivedSubmission("4712", "6001:1");
  BOOST_REQUIRE(!g_foreign_archive_reference.empty());
  const BadInput cases[] = {
      {"ReplyOptionRelativeUrl 30208", [](Spec& s) { s.replies = {{Spec::Reply::kUrl, "/svar", "Svar"}}; }, 30208},
      {"ReplyOptionJavascriptUrl 30208",
       [](Spec& s) { s.replies = {{Spec::Reply::kUrl, "javascript:alert(1)", "Svar"}}; }, 30208},
      {"ReplyOptionUnknownService 30203", [](Spec& s) { s.replies = {{Spec::Reply::kService, "999999", "1"}}; },
       30203},
      {"ReplyOptionForeignArchiveReference 30209",
       [](Spec& s) { s.replies = {{Spec::Reply::kArchive, g_foreign_archive_reference, ""}}; }, 30209},
      {"ReplyOptionUnknownArchiveReference 30209",
       [](Spec& s) { s.replies = {{Spec::Reply::kArchive, "AR999999999", ""}}; }, 30209},
      {"OnBehalfOfBadCheckDigit 30210", [](Spec& s) { s.on_behalf_of = "910000307"; }, 30210},
      {"SdpPrimaryDocumentNotAnAttachment 30211",
       [](Spec& s) {
         s.attachment = "%PDF";
         s.sdp = Spec::Sdp{};
         s.sdp->primary_document = "annet.pdf";
       },
       30211},
      {"SdpNotificationWithoutText 30211",
       [](Spec& s) {
         s.attachment = "%PDF";
         s.sdp = Spec::Sdp{};
         s.sdp->email_text = "";
       },
       30211},
      {"SdpForwardOnlyWithoutBackup 30212",
       [](Spec& s) {
         s.attachment = "%PDF";
         s.sdp = Spec::Sdp{};
         s.sdp->setting = cs1602__SdpSetting__ForwardOnly;
         s.sdp->backup_altinn = false;
       },
       30212},
  };
  for (const BadInput& bad : cases) {
    BOOST_TEST_CONTEXT(bad.name) {
      Spec spec;
      spec.reference = uniqueRef("bad-option");
      bad.apply(spec);
      Insert insert(spec);
      BOOST_TEST(insert.rc != SOAP_OK);
      BOOST_TEST(insert.errorId() == bad.error_id);
      const auto* f = altinnFault(insert.c->soap);
      BOOST_TEST((f && f->ErrorGuid && !f->ErrorGuid->empty()));
      BOOST_TEST(gatewayUnderTest().sql("SELECT COUNT(*) FROM correspondence WHERE external_shipment_reference = '" +
                                        spec.reference + "'").find('0') == 0u);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
