// The broker service end to end over mTLS with gSOAP proxies generated from wsdl/: every operation
// of BrokerServiceExternalBasic and ...BasicStreamed, the rights register deciding who may send and
// receive (rules added through RegisterSRRAgency), receipts read through ReceiptExternal and
// ReceiptAgency, a 1 GB file in and out with the gateway's memory watched, an upload cut off half
// way, and the retention job deleting an expired file.
#define BOOST_TEST_MODULE broker_flow
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway_under_test.h"
#include "raw_https.h"
#include "streamed_attachments.h"

using namespace gateway::testing;

namespace {

// Before the gateway starts: the retention job looks every second (the default is 5 minutes).
const bool kConfigSet = [] {
#if defined(__SANITIZE_ADDRESS__)
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string options = std::string(asan && *asan ? std::string(asan) + ":" : "") + "quarantine_size_mb=1";
  setenv("ASAN_OPTIONS", options.c_str(), 1);
#endif
  return setenv("GATEWAY_BROKER_RETENTION_INTERVAL_SECONDS", "1", 1) == 0;
}();

constexpr const char* kService = "5100";
constexpr const char* kSender = "910000306";     // regnskap acts for it (and regnskap2)
constexpr const char* kRecipient = "01019010046"; // regnskap acts for it
constexpr const char* kLate = "910000004";        // granted to regnskap below; its Read right expires
constexpr std::uint64_t kGigabyte = 1000ull * 1000 * 1000;
constexpr long kMaxRssGrowthKb = 64 * 1024;
constexpr const char* kNs = "http://www.altinn.no/services/ServiceEngine/Broker/2015/06";
constexpr const char* kBoundary = "uuid:broker-cut-test";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string faultString(struct soap* soap) {
  const char* s = *soap_faultstring(soap);
  return s ? s : "";
}

srr__AddRightRequest* rule(struct soap* soap, const std::string& reportee, enum reg__RegisterSRRRightsType right,
                           time_t valid_to, const char* condition) {
  auto* r = soap_new_srr__AddRightRequest(soap);
  r->Reportee = soap_new_std__string(soap);
  *r->Reportee = reportee;
  r->Right = right;
  r->ValidTo = valid_to;
  r->Condition = soap_new_std__string(soap);
  *r->Condition = condition;
  return r;
}

// The service owner adds rules to its broker service's rights register, over the wire.
void addRights(std::vector<std::tuple<std::string, enum reg__RegisterSRRRightsType, time_t, const char*>> rules) {
  auto c = client<ServiceRightsProxy>(kServiceRightsPath, "agency");
  const Identity me = gatewayUnderTest().identity("agency");
  _srra__AddRightsBasic req;
  _srra__AddRightsBasicResponse resp;
  req.systemUserName = me.system_user;
  req.systemPassword = me.system_password;
  req.serviceCode = kService;
  req.serviceEditionCode = 1;
  req.insertRightList = soap_new_srr__AddRightRequestList(c->soap);
  for (auto& [reportee, right, valid_to, condition] : rules) {
    req.insertRightList->AddRightRequest.push_back(rule(c->soap, reportee, right, valid_to, condition));
  }
  BOOST_REQUIRE_EQUAL(c->AddRightsBasic(&req, resp), SOAP_OK);
  for (const auto* r : resp.AddRightsBasicResult->AddRightResponse) {
    BOOST_REQUIRE(r->OperationResult && *r->OperationResult == reg__OperationResult__Ok);
  }
}

// The broker service, its rules and a grant, once per test binary.
void setUp() {
  static const bool done = [] {
    auto& gw = gatewayUnderTest();
    BOOST_REQUIRE_EQUAL(gw.gatewayctl(std::string("service add --owner ETAT --code ") + kService +
                                      " --edition 1 --name 'Formidling' --format 1:1 --kind BrokerService"),
                        0);
    BOOST_REQUIRE_EQUAL(gw.gatewayctl(std::string("reportee grant --system regnskap --reportee ") + kLate), 0);
    const time_t later = std::time(nullptr) + 30 * 24 * 3600;
    addRights({{kSender, reg__RegisterSRRRightsType__Write, later, "sender"},
               {kRecipient, reg__RegisterSRRRightsType__Read, later, "recipient"}});
    return true;
  }();
  BOOST_REQUIRE(done);
}

brks__Manifest* manifest(struct soap* soap, const std::string& sender, const std::string& reference) {
  auto* m = soap_new_brks__Manifest(soap);
  m->ExternalServiceCode = soap_new_std__string(soap);
  *m->ExternalServiceCode = kService;
  m->ExternalServiceEditionCode = 1;
  m->Reportee = soap_new_std__string(soap);
  *m->Reportee = sender;
  m->SendersReference = soap_new_std__string(soap);
  *m->SendersReference = reference;
  m->PropertyList = soap_new_brks__ArrayOfProperty(soap);
  auto* p = soap_new_brks__Property(soap);
  p->PropertyKey = soap_new_std__string(soap);
  *p->PropertyKey = "formål";
  p->PropertyValue = soap_new_std__string(soap);
  *p->PropertyValue = "test";
  m->PropertyList->Property.push_back(p);
  return m;
}

// InitiateBrokerServiceBasic as `identity`; the file reference, or "" with the fault in *error_id.
std::string initiate(const std::string& identity, const std::string& sender, std::vector<std::string> recipients,
                     std::optional<int>* error_id = nullptr, std::string* fault_text = nullptr) {
  auto c = client<BrokerProxy>(kBrokerPath, identity);
  const Identity me = gatewayUnderTest().identity(identity);
  _brk__InitiateBrokerServiceBasic req;
  _brk__InitiateBrokerServiceBasicResponse resp;
  req.systemUserName = me.system_user;
  req.systemPassword = me.system_password;
  req.brokerServiceInitiation = soap_new_brks__BrokerServiceInitiation(c->soap);
  req.brokerServiceInitiation->Manifest = manifest(c->soap, sender, "ref-" + std::to_string(std::rand()));
  req.brokerServiceInitiation->RecipientList = soap_new_brks__ArrayOfRecipient(c->soap);
  for (const auto& r : recipients) {
    auto* recipient = soap_new_brks__Recipient(c->soap);
    recipient->PartyNumber = soap_new_std__string(c->soap);
    *recipient->PartyNumber = r;
    req.brokerServiceInitiation->RecipientList->Recipient.push_back(recipient);
  }
  if (c->InitiateBrokerServiceBasic(&req, resp) != SOAP_OK) {
    if (error_id) *error_id = altinnErrorId(c->soap);
    if (fault_text) *fault_text = faultString(c->soap);
    return "";
  }
  BOOST_REQUIRE(resp.InitiateBrokerServiceBasicResult);
  return *resp.InitiateBrokerServiceBasicResult;
}

// The upload's receipt, copied out of the proxy's arena (freed with the proxy).
struct UploadReceipt {
  std::optional<std::string> status, type, text;
  std::optional<int> id;
};

UploadReceipt upload(const std::string& reference, std::uint64_t bytes, std::uint64_t seed,
                     std::string* sha = nullptr) {
  auto c = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  c->soap->send_timeout = c->soap->recv_timeout = 120;
  BrokerUploadSource source{GeneratedBytes(bytes, seed)};
  _brk__ReceiptExternalStreamedBE receipt;
  const int rc = uploadBrokerFile(c, gatewayUnderTest().identity("enduser"), reference, kSender, "pakke.zip", source,
                                  receipt);
  BOOST_REQUIRE_MESSAGE(rc == SOAP_OK, "upload: " << faultString(c->soap));
  if (sha) *sha = source.bytes.sha.hex();
  auto copy = [](const std::string* s) { return s ? std::optional<std::string>(*s) : std::nullopt; };
  return {copy(receipt.ReceiptStatusCode), copy(receipt.ReceiptTypeName), copy(receipt.ReceiptText),
          receipt.ReceiptId ? std::optional<int>(*receipt.ReceiptId) : std::nullopt};
}

std::vector<brks__BrokerServiceAvailableFile*> available(Client<BrokerProxy>& c, const std::string& reportee,
                                                         enum sent15__BrokerServiceAvailableFileStatus status) {
  const Identity me = gatewayUnderTest().identity("enduser");
  _brk__GetAvailableFilesBasic req;
  _brk__GetAvailableFilesBasicResponse resp;
  req.systemUserName = me.system_user;
  req.systemPassword = me.system_password;
  req.searchParameters = soap_new_brks__BrokerServiceSearch(c->soap);
  req.searchParameters->Reportee = soap_new_std__string(c->soap);
  *req.searchParameters->Reportee = reportee;
  req.searchParameters->FileStatus = status;
  BOOST_REQUIRE_MESSAGE(c->GetAvailableFilesBasic(&req, resp) == SOAP_OK, faultString(c->soap));
  BOOST_REQUIRE(resp.GetAvailableFilesBasicResult);
  return resp.GetAvailableFilesBasicResult->BrokerServiceAvailableFile;
}

bool checkAvailable(Client<BrokerProxy>& c, const std::string& reportee) {
  const Identity me = gatewayUnderTest().identity("enduser");
  _brk__CheckIfAvailableFilesBasic req;
  _brk__CheckIfAvailableFilesBasicResponse resp;
  req.systemUserName = me.system_user;
  req.systemPassword = me.system_password;
  req.pollParameters = soap_new_brk20__BrokerServicePoll(c->soap);
  req.pollParameters->Recipients = soap_new_arr__ArrayOfstring(c->soap);
  req.pollParameters->Recipients->string.push_back(reportee);
  BOOST_REQUIRE_MESSAGE(c->CheckIfAvailableFilesBasic(&req, resp) == SOAP_OK, faultString(c->soap));
  BOOST_REQUIRE(resp.CheckIfAvailableFilesBasicResult);
  return *resp.CheckIfAvailableFilesBasicResult;
}

int confirm(Client<BrokerProxy>& c, const std::string& reference, const std::string& reportee) {
  const Identity me = gatewayUnderTest().identity("enduser");
  _brk__ConfirmDownloadedBasic req;
  _brk__ConfirmDownloadedBasicResponse resp;
  req.systemUserName = me.system_user;
  req.systemPassword = me.system_password;
  req.fileReference = reference;
  req.reportee = reportee;
  return c->ConfirmDownloadedBasic(&req, resp);
}

bool contains(const std::vector<brks__BrokerServiceAvailableFile*>& files, const std::string& reference) {
  for (const auto* f : files) {
    if (f->FileReference && *f->FileReference == reference) return true;
  }
  return false;
}

int filesInStorage() {
  int n = 0;
  const std::filesystem::path root = gatewayUnderTest().storageRoot();
  if (!std::filesystem::exists(root)) return 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) n += entry.is_regular_file() ? 1 : 0;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(BrokerFlow)

BOOST_AUTO_TEST_CASE(EveryOperationFromInitiateToConfirmedReceipt) {
  setUp();
  auto& gw = gatewayUnderTest();
  for (const char* path : {kBrokerPath, kBrokerStreamedPath}) {
    auto c = client<BrokerProxy>(path, "enduser");
    _altinn__Test test;
    _altinn__TestResponse tested;
    BOOST_TEST(c->Test(&test, tested) == SOAP_OK, path);
  }

  const std::string reference = initiate("enduser", kSender, {kRecipient});
  BOOST_REQUIRE_EQUAL(reference.size(), 36u);
  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  BOOST_TEST(!contains(available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Uploaded), reference));

  std::string sent_sha;
  auto receipt = upload(reference, 300 * 1000, 42, &sent_sha);
  BOOST_TEST(receipt.status.value_or("") == "OK");
  BOOST_TEST(receipt.type.value_or("") == "BrokerService");
  BOOST_TEST(receipt.text.value_or("").find(sent_sha) != std::string::npos);
  BOOST_REQUIRE(receipt.id);

  auto listed = available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Uploaded);
  BOOST_REQUIRE(contains(listed, reference));
  for (const auto* f : listed) {
    if (!f->FileReference || *f->FileReference != reference) continue;
    BOOST_TEST((f->FileName && *f->FileName == "pakke.zip"));
    BOOST_TEST((f->FileSize && *f->FileSize == 300 * 1000));
    BOOST_TEST((f->Reportee && *f->Reportee == kSender));
    BOOST_TEST((f->ExternalServiceCode && *f->ExternalServiceCode == kService));
    BOOST_TEST((f->ReceiptID && *f->ReceiptID == *receipt.id));
    BOOST_TEST((f->FileStatus && *f->FileStatus == sent15__BrokerServiceAvailableFileStatus__Uploaded));
  }
  BOOST_TEST(checkAvailable(c, kRecipient));

  auto down = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  DownloadSink sink;
  BOOST_TEST(downloadBrokerFile(down, gw.identity("enduser"), reference, kRecipient, sink) == SOAP_OK,
             faultString(down->soap));
  BOOST_TEST(sink.bytes == 300u * 1000);
  BOOST_TEST(sink.sha.hex() == sent_sha);
  // Recorded once the whole answer went out, so just after the client has it.
  std::string state;
  for (int i = 0; i < 50 && state != "Downloaded"; ++i) {
    if (i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    state = trimmed(gw.sql("SELECT r.state FROM broker_recipient r JOIN broker_shipment b ON b.id = r.shipment_id "
                           "WHERE b.file_reference = '" + reference + "'"));
  }
  BOOST_TEST(state == "Downloaded");

  BOOST_TEST(confirm(c, reference, kRecipient) == SOAP_OK, faultString(c->soap));
  BOOST_TEST(!contains(available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Uploaded), reference));
  BOOST_TEST(contains(available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Downloaded), reference));

  // The sender's receipt (ReceiptExternal) and the owner's view (ReceiptAgency): one sub-receipt per
  // recipient, now Confirmed, with the earlier states in its history.
  for (auto [path, identity] : {std::pair{kReceiptExternalPath, "enduser"}, std::pair{kReceiptAgencyPath, "agency"}}) {
    auto r = client<ReceiptProxy>(path, identity);
    const Identity me = gw.identity(identity);
    _rcpt__GetReceiptBasicV2 read;
    _rcpt__GetReceiptBasicV2Response got;
    read.systemUserName = me.system_user;
    read.systemPassword = me.system_password;
    read.receipt = soap_new_r15__ReceiptSearch(r->soap);
    read.receipt->ReceiptId = soap_new_int(r->soap);
    *read.receipt->ReceiptId = *receipt.id;
    BOOST_TEST_REQUIRE(r->GetReceiptBasicV2(&read, got) == SOAP_OK, path << ": " << faultString(r->soap));
    const r15__Receipt* main = got.GetReceiptBasicV2Result;
    BOOST_REQUIRE(main);
    BOOST_TEST((main->ReceiptType && *main->ReceiptType == r15__ReceiptType__BrokerService));
    BOOST_TEST((main->ReceiptText && main->ReceiptText->rfind("Uploaded", 0) == 0));
    BOOST_REQUIRE(main->SubReceipts);
    BOOST_REQUIRE_EQUAL(main->SubReceipts->Receipt.size(), 1u);
    const r15__Receipt* sub = main->SubReceipts->Receipt[0];
    BOOST_TEST((sub->ReceiptText && sub->ReceiptText->rfind("Confirmed", 0) == 0));
    BOOST_TEST((sub->ReceiptHistory && sub->ReceiptHistory->find("Downloaded") != std::string::npos &&
                sub->ReceiptHistory->find("Uploaded") != std::string::npos &&
                sub->ReceiptHistory->find("Initiated") != std::string::npos));
  }
}

BOOST_AUTO_TEST_CASE(WhoMayNotSendOrReceiveIsRefusedWithTheDocumentedFault) {
  setUp();
  auto& gw = gatewayUnderTest();
  std::optional<int> id;
  std::string text;
  // Sender without Write: the recipient party holds only Read.
  BOOST_TEST(initiate("enduser", kRecipient, {kRecipient}, &id, &text).empty());
  BOOST_TEST((id && *id == 14), text);
  BOOST_TEST(text.find("Write") != std::string::npos, text);
  // Recipient without Read: the sender party holds only Write.
  id.reset();
  BOOST_TEST(initiate("enduser", kSender, {kSender}, &id, &text).empty());
  BOOST_TEST((id && *id == 14), text);
  BOOST_TEST(text.find("Read") != std::string::npos, text);
  // A system that may not act for the sender party (regnskap2 has no grant for 01019010046).
  id.reset();
  BOOST_TEST(initiate("enduser2", kRecipient, {kRecipient}, &id, &text).empty());
  BOOST_TEST((id && *id == 0), text);
  // An invalid manifest: the fault names the problem.
  BOOST_TEST(initiate("enduser", "12345", {kRecipient}, &id, &text).empty());
  BOOST_TEST(text.find("Reportee") != std::string::npos, text);

  // Expired right: the late recipient's Read right ends in a few seconds.
  addRights({{kLate, reg__RegisterSRRRightsType__Read, std::time(nullptr) + 3, "recipient"}});
  const std::string reference = initiate("enduser", kSender, {kRecipient, kLate});
  BOOST_REQUIRE(!reference.empty());
  upload(reference, 5000, 7);
  auto down = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  std::this_thread::sleep_for(std::chrono::seconds(4));
  DownloadSink late;
  BOOST_TEST(downloadBrokerFile(down, gw.identity("enduser"), reference, kLate, late) != SOAP_OK);
  BOOST_TEST(altinnErrorId(down->soap).value_or(-1) == 14, faultString(down->soap));
  BOOST_TEST(late.bytes == 0u);

  // A reportee not on the recipient list gets the answer of an unknown file reference.
  auto probe = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  DownloadSink outsider;
  BOOST_TEST(downloadBrokerFile(probe, gw.identity("enduser"), reference, kSender, outsider) != SOAP_OK);
  const std::string not_listed = faultString(probe->soap);
  auto probe2 = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  DownloadSink unknown;
  BOOST_TEST(downloadBrokerFile(probe2, gw.identity("enduser"), "00000000-0000-4000-8000-000000000000", kSender,
                                unknown) != SOAP_OK);
  BOOST_TEST(not_listed == faultString(probe2->soap));
  BOOST_TEST(not_listed.find("no broker file") != std::string::npos, not_listed);
  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  BOOST_TEST(confirm(c, reference, kSender) != SOAP_OK);

  // The listed recipient with a valid right still gets it.
  DownloadSink fine;
  auto ok = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  BOOST_TEST(downloadBrokerFile(ok, gw.identity("enduser"), reference, kRecipient, fine) == SOAP_OK,
             faultString(ok->soap));
  BOOST_TEST(fine.bytes == 5000u);
}

BOOST_AUTO_TEST_CASE(AnUploadCutOffHalfWayLeavesNothingVisible) {
  setUp();
  auto& gw = gatewayUnderTest();
  const std::string reference = initiate("enduser", kSender, {kRecipient});
  BOOST_REQUIRE(!reference.empty());
  const int files_before = filesInStorage();
  const Identity me = gw.identity("enduser");
  auto header = [](const std::string& name, const std::string& value) {
    return "<h:" + name + " xmlns:h=\"" + std::string(kNs) + "\">" + value + "</h:" + name + ">";
  };
  const std::string envelope =
      "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>" + header("FileName", "avbrutt.zip") +
      header("Reference", reference) + header("Reportee", kSender) + header("SystemPassword", me.system_password) +
      header("SystemUserName", me.system_user) + "</s:Header><s:Body><StreamedPayloadBasicBE xmlns=\"" + kNs +
      "\"><DataStream><xop:Include href=\"cid:part@test\" xmlns:xop=\"http://www.w3.org/2004/08/xop/include\"/>"
      "</DataStream></StreamedPayloadBasicBE></s:Body></s:Envelope>";
  const std::string head = std::string("--") + kBoundary +
                           "\r\nContent-ID: <root@test>\r\nContent-Type: application/xop+xml;charset=utf-8;type=\"text/xml\"\r\n\r\n" +
                           envelope + "\r\n--" + kBoundary +
                           "\r\nContent-ID: <part@test>\r\nContent-Type: application/octet-stream\r\n\r\n";
  const std::string half = std::string("PK\x03\x04", 4) + std::string(600 * 1024, 'h');
  const std::string content_type = std::string("multipart/related; type=\"application/xop+xml\"; boundary=\"") +
                                   kBoundary + "\"; start=\"<root@test>\"; start-info=\"text/xml\"";
  BOOST_REQUIRE(rawPostAndDrop(kBrokerStreamedPath, content_type, head.size() + 1200 * 1024, head + half, "enduser", 500));
  int files_after = -1;
  for (int i = 0; i < 50; ++i) {  // the worker notices the broken connection and cleans up
    files_after = filesInStorage();
    if (files_after == files_before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(files_after == files_before);
  BOOST_TEST(trimmed(gw.sql("SELECT CONCAT(state, ' ', blob_key, ' ', file_size) FROM broker_shipment WHERE "
                            "file_reference = '" + reference + "'")) == "Initiated  0");
  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  BOOST_TEST(!contains(available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Uploaded), reference));
  BOOST_TEST(gw.running());
  // The shipment can still be uploaded in full.
  upload(reference, 2000, 9);
  BOOST_TEST(contains(available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Uploaded), reference));
}

BOOST_AUTO_TEST_CASE(RetentionDeletesExpiredFilesWhichThenShowAsExpired) {
  setUp();
  auto& gw = gatewayUnderTest();
  BOOST_REQUIRE_EQUAL(gw.gatewayctl(std::string("broker availability --code ") + kService + " --edition 1 --days 2"), 0);
  const std::string reference = initiate("enduser", kSender, {kRecipient});
  BOOST_REQUIRE(!reference.empty());
  upload(reference, 100 * 1000, 11);
  const std::string where = " FROM broker_shipment WHERE file_reference = '" + reference + "'";
  // Two days from the upload (the service's own period, not the 30-day default).
  const long period = std::stol(trimmed(gw.sql("SELECT TIMESTAMPDIFF(SECOND, uploaded_at, expires_at)" + where)));
  BOOST_TEST(std::abs(period - 2 * 24 * 3600) <= 5, period);
  const std::string key = trimmed(gw.sql("SELECT blob_key" + where));
  BOOST_REQUIRE(!key.empty());
  const int files_before = filesInStorage();

  // The period passes.
  gw.sql("UPDATE broker_shipment SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE file_reference = '" +
         reference + "'");
  std::string state;
  for (int i = 0; i < 100; ++i) {
    state = trimmed(gw.sql("SELECT CONCAT(state, '|', blob_key)" + where));
    if (state == "Expired|") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  BOOST_TEST(state == "Expired|");
  BOOST_TEST(filesInStorage() == files_before - 1);  // the bytes on disk are gone

  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  BOOST_TEST(!contains(available(c, kRecipient, sent15__BrokerServiceAvailableFileStatus__Uploaded), reference));
  auto down = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  DownloadSink sink;
  BOOST_TEST(downloadBrokerFile(down, gw.identity("enduser"), reference, kRecipient, sink) != SOAP_OK);
  BOOST_TEST(faultString(down->soap).find("expired") != std::string::npos, faultString(down->soap));
  BOOST_TEST(trimmed(gw.sql("SELECT r.text FROM receipt r JOIN broker_shipment b ON b.receipt_id = r.id WHERE "
                            "b.file_reference = '" + reference + "'")).rfind("Expired", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(OneGigabyteGoesInAndOutIntactWithBoundedGatewayMemory) {
  setUp();
  auto& gw = gatewayUnderTest();
  const std::string reference = initiate("enduser", kSender, {kRecipient});
  BOOST_REQUIRE(!reference.empty());

  const long rss_before = procStatusKb(gw.pid(), "VmRSS");
  BOOST_REQUIRE_GT(rss_before, 0);
  std::atomic<bool> sampling{true};
  std::atomic<long> rss_peak{rss_before};
  std::thread sampler([&] {
    while (sampling) {
      const long rss = procStatusKb(gw.pid(), "VmRSS");
      if (rss > rss_peak) rss_peak = rss;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  std::string sent_sha;
  upload(reference, kGigabyte, 20261123, &sent_sha);
  const auto uploaded = std::chrono::steady_clock::now();
  BOOST_TEST(trimmed(gw.sql("SELECT CONCAT(file_size, ' ', sha256_hex) FROM broker_shipment WHERE file_reference = '" +
                            reference + "'")) == std::to_string(kGigabyte) + " " + sent_sha);

  auto down = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  down->soap->send_timeout = down->soap->recv_timeout = 120;
  DownloadSink sink;
  const int rc = downloadBrokerFile(down, gw.identity("enduser"), reference, kRecipient, sink);
  const auto downloaded = std::chrono::steady_clock::now();
  sampling = false;
  sampler.join();
  BOOST_TEST(rc == SOAP_OK, faultString(down->soap));
  BOOST_TEST(sink.bytes == kGigabyte);
  BOOST_TEST(sink.sha.hex() == sent_sha);

  const long hwm_after = procStatusKb(gw.pid(), "VmHWM");
  const long peak = std::max(hwm_after, rss_peak.load());
  using ms = std::chrono::milliseconds;
  BOOST_TEST_MESSAGE("1 GB: upload " << std::chrono::duration_cast<ms>(uploaded - start).count() << " ms, download "
                                     << std::chrono::duration_cast<ms>(downloaded - uploaded).count()
                                     << " ms; gateway VmRSS before " << rss_before << " kB, sampled peak "
                                     << rss_peak.load() << " kB, VmHWM after " << hwm_after << " kB");
  BOOST_TEST(peak - rss_before < kMaxRssGrowthKb);
  // The 1 GB file is not needed any more: let the retention job take it at once.
  gw.sql("UPDATE broker_shipment SET expires_at = UTC_TIMESTAMP(6) WHERE file_reference = '" + reference + "'");
}

BOOST_AUTO_TEST_CASE(BothBrokerServicesServeTheirWsdl) {
  for (const char* path : {kBrokerPath, kBrokerStreamedPath}) {
    auto reply = rawRequest("GET", std::string(path) + "?wsdl", "", "enduser");
    BOOST_TEST(reply.status == 200, path);
    BOOST_TEST(reply.body.find(kNs) != std::string::npos, path);
  }
}

BOOST_AUTO_TEST_SUITE_END()
