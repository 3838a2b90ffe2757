// The broker over SFTP end to end: the real gatewayd with its drop area, a real OpenSSH sshd
// (scripts/lib/sftp.sh) and the real `sftp -b` client with keys of the test's own, one account per
// organisation (gatewayctl sftp org add + sftp key add). Organisation A drops a ZIP (manifest +
// recipient list + payload); B, a recipient with Read, finds it in its outbound/ folder byte for byte
// and its receipt moves Uploaded -> Downloaded -> Confirmed (B deletes the file); C, without Read and
// not on the list, never sees it; D, without Write, gets failed/ and an error report; a truncated ZIP
// and a manifest for another organisation are rejected whole, creating nothing, as is a ZIP over
// sftp.max_broker_file_bytes (while a file over SOAP's limit goes through); an expired file leaves
// outbound/. The two channels mix: a file dropped over SFTP is listed, downloaded and confirmed over
// SOAP by a recipient that also has an account (and then leaves its outbound/), and a file sent over
// SOAP is fetched and confirmed over SFTP. An account removed with `gatewayctl sftp org remove` can no
// longer log in while the others can; its folders stay until --purge; `sftp org add` brings it back.
//
// sshd must run as root to chroot: without root the cases say "skipped: SFTP needs root".
#define BOOST_TEST_MODULE e2e_sftp_broker
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "broker_sftp.h"
#include "gateway_under_test.h"
#include "streamed_attachments.h"
#include "waiting.h"

using namespace gateway::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kService = "5200";
// Valid organisation numbers (mod 11) of the test's own.
constexpr const char* kOrgA = "920000002";  // sender, Write
constexpr const char* kOrgB = "920000010";  // recipient, Read
constexpr const char* kOrgC = "920000029";  // no rights
constexpr const char* kOrgD = "920000037";  // Read only: may not send
constexpr const char* kOrgE = "920000045";  // no rights: its account is removed and added again
// The gateway's end-user system "regnskap" (the "enduser" certificate) acts for its own organisation
// over SOAP and has its broker account too: Read and Write.
constexpr const char* kOrgR = "910000209";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Global {
  BrokerSftpEnvironment env{
      "sftp-broker",
      "broker.retention_interval_seconds = 1\n"
      // SOAP uploads stop at 1 MiB here; SFTP takes up to 6 MiB: the round trip's 3 MiB file shows the
      // SFTP limit is its own.
      "limits.max_broker_file_bytes = 1048576\nsftp.max_broker_file_bytes = 6291456\n",
      [](GatewayUnderTest& gw) {
        if (gw.gatewayctl(std::string("service add --owner ETAT --code ") + kService +
                          " --edition 1 --name 'Formidling over SFTP' --format 1:1 --kind BrokerService") != 0) {
          throw std::runtime_error("gatewayctl service add failed");
        }
        gw.sql(std::string("INSERT INTO service_right (service_id, reportee, access, `condition`, valid_to) "
                           "SELECT id, r.p, r.a, '', '2099-01-01' FROM service, (SELECT '") +
               kOrgA + "' p, 'Write' a UNION SELECT '" +
               kOrgB + "', 'Read' UNION SELECT '" + kOrgD + "', 'Read' UNION SELECT '" + kOrgR + "', 'Read' UNION SELECT '" +
               kOrgR + "', 'Write') r WHERE code = '" + kService + "'");
      },
      {{kOrgA, ""}, {kOrgB, ""}, {kOrgC, ""}, {kOrgD, ""}, {kOrgE, ""}, {kOrgR, "regnskap"}}};
  Global() { g_env = &env; }
  ~Global() { g_env = nullptr; }
  static BrokerSftpEnvironment* g_env;
};
BrokerSftpEnvironment* Global::g_env = nullptr;
BOOST_TEST_GLOBAL_FIXTURE(Global);

BrokerSftpEnvironment& env() { return *Global::g_env; }

bool skipped() {
  if (env().skipReason().empty()) return false;
  BOOST_TEST_MESSAGE("skipped: " << env().skipReason());
  return true;
}

int sftpAs(const std::string& org, const std::string& commands, std::string* output = nullptr) {
  std::string out;
  const int rc = env().sftpAs(org, commands, &out);
  BOOST_TEST_MESSAGE("sftp as org" << org << " -> " << rc << "\n" << out);
  if (output) *output = out;
  return rc;
}

fs::path orgFolder(const std::string& org, const std::string& folder) { return env().orgFolder(org, folder); }

std::string manifestXml(const std::string& reportee, const std::string& reference) {
  return brokerManifestXml(kService, reportee, reference);
}

std::string recipientsXml(const std::vector<std::string>& recipients) { return brokerRecipientsXml(recipients); }

// A broker ZIP at `path`: manifest.xml, recipients.xml and payload.bin (`payload_bytes` random bytes).
std::string makeBrokerZip(const fs::path& path, const std::string& manifest, const std::string& recipients,
                          std::size_t payload_bytes) {
  std::mt19937 random(static_cast<unsigned>(payload_bytes));
  std::string payload(payload_bytes, '\0');
  for (char& c : payload) c = static_cast<char>(random());
  int error = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  BOOST_REQUIRE(archive != nullptr);
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, const std::string*>>{
           {"manifest.xml", &manifest}, {"recipients.xml", &recipients}, {"payload.bin", &payload}}) {
    zip_source_t* source = zip_source_buffer(archive, bytes->data(), bytes->size(), 0);
    BOOST_REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) >= 0);
  }
  BOOST_REQUIRE_EQUAL(zip_close(archive), 0);
  return slurp(path);
}

int upload(const std::string& org, const fs::path& file, const std::string& name) {
  const int rc = env().upload(org, file, name);
  BOOST_TEST_MESSAGE("upload " << name << " as org" << org << " -> " << rc);
  return rc;
}

std::string sql(const std::string& statement) { return trimmed(gatewayUnderTest().sql(statement)); }

std::string unique(const std::string& tag) { return tag + "-" + std::to_string(::getpid()); }

std::string shipmentsFrom(const std::string& org) {
  return sql(std::string("SELECT COUNT(*) FROM broker_shipment WHERE sender_reportee = '") + org + "'");
}

std::string recipientState(const std::string& reference, const std::string& org) {
  return sql("SELECT r.state FROM broker_recipient r JOIN broker_shipment s ON s.id = r.shipment_id WHERE "
             "s.file_reference = '" + reference + "' AND r.reportee = '" + org + "'");
}

std::string faultString(struct soap* soap) {
  const char* s = *soap_faultstring(soap);
  return s ? s : "";
}

// Over SOAP (mTLS) as the "enduser" certificate and its system regnskap, which acts for kOrgR.
Identity regnskap() { return gatewayUnderTest().identity("enduser"); }

std::vector<std::string> availableOverSoap(const std::string& reportee,
                                           enum sent15__BrokerServiceAvailableFileStatus status) {
  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  _brk__GetAvailableFilesBasic req;
  _brk__GetAvailableFilesBasicResponse resp;
  req.systemUserName = regnskap().system_user;
  req.systemPassword = regnskap().system_password;
  req.searchParameters = soap_new_brks__BrokerServiceSearch(c->soap);
  req.searchParameters->Reportee = soap_new_std__string(c->soap);
  *req.searchParameters->Reportee = reportee;
  req.searchParameters->FileStatus = status;
  BOOST_REQUIRE_MESSAGE(c->GetAvailableFilesBasic(&req, resp) == SOAP_OK, faultString(c->soap));
  BOOST_REQUIRE(resp.GetAvailableFilesBasicResult);
  std::vector<std::string> out;
  for (const auto* f : resp.GetAvailableFilesBasicResult->BrokerServiceAvailableFile) {
    if (f->FileReference) {
      out.push_back(*f->FileReference + " " + std::to_string(f->FileSize ? *f->FileSize : -1) + " " +
                    (f->Reportee ? *f->Reportee : "-"));
    }
  }
  return out;
}

bool listed(const std::vector<std::string>& files, const std::string& reference) {
  for (const auto& f : files) {
    if (f.rfind(reference + " ", 0) == 0) return true;
  }
  return false;
}

int confirmOverSoap(const std::string& reference, const std::string& reportee, std::string* fault) {
  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  _brk__ConfirmDownloadedBasic req;
  _brk__ConfirmDownloadedBasicResponse resp;
  req.systemUserName = regnskap().system_user;
  req.systemPassword = regnskap().system_password;
  req.fileReference = reference;
  req.reportee = reportee;
  const int rc = c->ConfirmDownloadedBasic(&req, resp);
  if (fault) *fault = faultString(c->soap);
  return rc;
}

// InitiateBrokerServiceBasic as regnskap for kOrgR; the file reference.
std::string initiateOverSoap(const std::vector<std::string>& recipients) {
  auto c = client<BrokerProxy>(kBrokerPath, "enduser");
  _brk__InitiateBrokerServiceBasic req;
  _brk__InitiateBrokerServiceBasicResponse resp;
  req.systemUserName = regnskap().system_user;
  req.systemPassword = regnskap().system_password;
  req.brokerServiceInitiation = soap_new_brks__BrokerServiceInitiation(c->soap);
  auto* m = soap_new_brks__Manifest(c->soap);
  m->ExternalServiceCode = soap_new_std__string(c->soap);
  *m->ExternalServiceCode = kService;
  m->ExternalServiceEditionCode = 1;
  m->Reportee = soap_new_std__string(c->soap);
  *m->Reportee = kOrgR;
  m->SendersReference = soap_new_std__string(c->soap);
  *m->SendersReference = unique("soap-to-sftp");
  req.brokerServiceInitiation->Manifest = m;
  req.brokerServiceInitiation->RecipientList = soap_new_brks__ArrayOfRecipient(c->soap);
  for (const auto& r : recipients) {
    auto* recipient = soap_new_brks__Recipient(c->soap);
    recipient->PartyNumber = soap_new_std__string(c->soap);
    *recipient->PartyNumber = r;
    req.brokerServiceInitiation->RecipientList->Recipient.push_back(recipient);
  }
  BOOST_REQUIRE_MESSAGE(c->InitiateBrokerServiceBasic(&req, resp) == SOAP_OK, faultString(c->soap));
  BOOST_REQUIRE(resp.InitiateBrokerServiceBasicResult);
  return *resp.InitiateBrokerServiceBasicResult;
}

// The receipt of shipment `reference` (one recipient) read over SOAP, through ReceiptAgency as the
// service owner: its sub-receipt's text, then " | " and its history.
std::string subReceiptOverSoap(const std::string& reference) {
  const int receipt_id =
      std::stoi(sql("SELECT receipt_id FROM broker_shipment WHERE file_reference = '" + reference + "'"));
  auto r = client<ReceiptProxy>(kReceiptAgencyPath, "agency");
  const Identity me = gatewayUnderTest().identity("agency");
  _rcpt__GetReceiptBasicV2 read;
  _rcpt__GetReceiptBasicV2Response got;
  read.systemUserName = me.system_user;
  read.systemPassword = me.system_password;
  read.receipt = soap_new_r15__ReceiptSearch(r->soap);
  read.receipt->ReceiptId = soap_new_int(r->soap);
  *read.receipt->ReceiptId = receipt_id;
  BOOST_REQUIRE_MESSAGE(r->GetReceiptBasicV2(&read, got) == SOAP_OK, faultString(r->soap));
  const r15__Receipt* main = got.GetReceiptBasicV2Result;
  BOOST_REQUIRE(main);
  BOOST_REQUIRE(main->SubReceipts);
  BOOST_REQUIRE_EQUAL(main->SubReceipts->Receipt.size(), 1u);
  const r15__Receipt* sub = main->SubReceipts->Receipt[0];
  return (sub->ReceiptText ? *sub->ReceiptText : "") + " | " + (sub->ReceiptHistory ? *sub->ReceiptHistory : "");
}

std::string sha256Of(const std::string& bytes) {
  Sha256 sha;
  sha.add(bytes.data(), bytes.size());
  return sha.hex();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SftpBroker)

BOOST_AUTO_TEST_CASE(SenderDropsAZipAndTheRecipientFetchesItFromOutbound) {
  if (skipped()) return;
  const std::string name = unique("shipment") + ".zip";
  const fs::path file = env().local() / name;
  const std::string bytes =
      makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgB}), 3 * 1024 * 1024 + 17);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);

  const fs::path receipt = orgFolder(kOrgA, "processed") / (name + ".receipt.xml");
  BOOST_REQUIRE_MESSAGE(waitFor([&] { return fs::exists(receipt); }),
                        "no receipt; failed/ says: " << slurp(orgFolder(kOrgA, "failed") / (name + ".error.txt")));
  std::smatch match;
  const std::string receipt_text = slurp(receipt);
  BOOST_REQUIRE(std::regex_search(receipt_text, match, std::regex("<FileReference>([0-9a-f-]{36})</FileReference>")));
  const std::string reference = match[1];
  BOOST_TEST(receipt_text.find("<Size>" + std::to_string(bytes.size()) + "</Size>") != std::string::npos);
  BOOST_TEST(!fs::exists(orgFolder(kOrgA, "inbound") / name));
  BOOST_TEST(sql("SELECT state FROM broker_shipment WHERE file_reference = '" + reference + "'") == "Uploaded");

  // B finds it in outbound/ and fetches it with sftp: the very bytes A dropped.
  const std::string delivered = reference + ".zip";
  BOOST_REQUIRE(waitFor([&] { return fs::exists(orgFolder(kOrgB, "outbound") / delivered); }));
  const fs::path fetched = env().local() / ("fetched-" + delivered);
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgB, "get outbound/" + delivered + " " + fetched.string() + "\n"), 0);
  BOOST_TEST((slurp(fetched) == bytes));
  const std::string recipient_state = "SELECT r.state FROM broker_recipient r JOIN broker_shipment s ON s.id = "
                                      "r.shipment_id WHERE s.file_reference = '" + reference + "' AND r.reportee = '" +
                                      kOrgB + "'";
  BOOST_TEST(waitFor([&] { return sql(recipient_state) == "Downloaded"; }));  // recorded once delivered

  // C (no Read, not on the list) sees nothing, and cannot reach B's folder.
  std::string listing;
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgC, "ls -1 outbound\n", &listing), 0);
  BOOST_TEST(listing.find(reference) == std::string::npos);
  BOOST_TEST(fs::is_empty(orgFolder(kOrgC, "outbound")));
  BOOST_TEST(sftpAs(kOrgC, "get /orgs/org" + std::string(kOrgB) + "/outbound/" + delivered + " " +
                               (env().local() / "stolen").string() + "\n") != 0);
  BOOST_TEST(!fs::exists(env().local() / "stolen"));

  // B deletes the file: that confirms the download.
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgB, "rm outbound/" + delivered + "\n"), 0);
  BOOST_TEST(waitFor([&] { return sql(recipient_state) == "Confirmed"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few passes: it is not delivered again
  BOOST_TEST(!fs::exists(orgFolder(kOrgB, "outbound") / delivered));
}

BOOST_AUTO_TEST_CASE(ASenderWithoutWriteGetsFailedAndAReport) {
  if (skipped()) return;
  const std::string name = unique("no-write") + ".zip";
  const fs::path file = env().local() / name;
  makeBrokerZip(file, manifestXml(kOrgD, unique("ref")), recipientsXml({kOrgB}), 1000);
  BOOST_REQUIRE_EQUAL(upload(kOrgD, file, name), 0);
  const fs::path report = orgFolder(kOrgD, "failed") / (name + ".error.txt");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  const std::string text = slurp(report);
  BOOST_TEST(text.find("Write right") != std::string::npos, text);
  BOOST_TEST(text.find("ErrorID 14") != std::string::npos, text);
  BOOST_TEST(fs::exists(orgFolder(kOrgD, "failed") / name));
  BOOST_TEST(!fs::exists(orgFolder(kOrgD, "inbound") / name));
  BOOST_TEST(shipmentsFrom(kOrgD) == "0");
}

BOOST_AUTO_TEST_CASE(ATruncatedZipIsRejectedWhole) {
  if (skipped()) return;
  const std::string before = shipmentsFrom(kOrgA);
  const std::string name = unique("truncated") + ".zip";
  const fs::path file = env().local() / name;
  makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgB}), 200000);
  fs::resize_file(file, fs::file_size(file) / 2);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  const fs::path report = orgFolder(kOrgA, "failed") / (name + ".error.txt");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  BOOST_TEST(slurp(report).find("not a complete ZIP") != std::string::npos, slurp(report));
  BOOST_TEST(shipmentsFrom(kOrgA) == before);
}

BOOST_AUTO_TEST_CASE(AManifestForAnotherOrganisationIsRejected) {
  if (skipped()) return;
  const std::string before = shipmentsFrom(kOrgB);
  const std::string name = unique("other-reportee") + ".zip";
  const fs::path file = env().local() / name;
  makeBrokerZip(file, manifestXml(kOrgB, unique("ref")), recipientsXml({kOrgB}), 100);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  const fs::path report = orgFolder(kOrgA, "failed") / (name + ".error.txt");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  BOOST_TEST(slurp(report).find("Reportee must be the organisation") != std::string::npos, slurp(report));
  BOOST_TEST(shipmentsFrom(kOrgB) == before);
}

BOOST_AUTO_TEST_CASE(ARecipientWithoutReadIsRefusedAtSending) {
  if (skipped()) return;
  const std::string before = shipmentsFrom(kOrgA);
  const std::string name = unique("to-c") + ".zip";
  const fs::path file = env().local() / name;
  makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgB, kOrgC}), 100);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  const fs::path report = orgFolder(kOrgA, "failed") / (name + ".error.txt");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  const std::string text = slurp(report);
  BOOST_TEST(text.find("recipient 2 of the recipient list does not hold the Read right") != std::string::npos, text);
  BOOST_TEST(text.find(kOrgC) == std::string::npos, text);  // named by place, not number
  BOOST_TEST(shipmentsFrom(kOrgA) == before);
  BOOST_TEST(fs::is_empty(orgFolder(kOrgC, "outbound")));
}

BOOST_AUTO_TEST_CASE(AnExpiredFileDisappearsFromOutbound) {
  if (skipped()) return;
  const std::string name = unique("expiring") + ".zip";
  const fs::path file = env().local() / name;
  makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgB}), 5000);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  const fs::path receipt = orgFolder(kOrgA, "processed") / (name + ".receipt.xml");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(receipt); }));
  std::smatch match;
  const std::string receipt_text = slurp(receipt);
  BOOST_REQUIRE(std::regex_search(receipt_text, match, std::regex("<FileReference>([0-9a-f-]{36})</FileReference>")));
  const std::string reference = match[1];
  const fs::path delivered = orgFolder(kOrgB, "outbound") / (reference + ".zip");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(delivered); }));
  // Its availability period ends: the retention job marks it Expired (every second here) and the next
  // outbound pass takes it away, without confirming it.
  sql("UPDATE broker_shipment SET expires_at = UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE file_reference = '" +
      reference + "'");
  BOOST_TEST(waitFor([&] { return !fs::exists(delivered); }));
  BOOST_TEST(sql("SELECT state FROM broker_shipment WHERE file_reference = '" + reference + "'") == "Expired");
  BOOST_TEST(sql("SELECT r.state FROM broker_recipient r JOIN broker_shipment s ON s.id = r.shipment_id WHERE "
                 "s.file_reference = '" + reference + "'") == "Downloaded");
}

BOOST_AUTO_TEST_CASE(AZipOverTheSftpLimitIsRejectedUnread) {
  if (skipped()) return;
  const std::string before = shipmentsFrom(kOrgA);
  const std::string name = unique("too-big") + ".zip";
  const fs::path file = env().local() / name;
  makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgB}), 7 * 1024 * 1024);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  const fs::path report = orgFolder(kOrgA, "failed") / (name + ".error.txt");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  BOOST_TEST(slurp(report).find("larger than 6291456 bytes") != std::string::npos, slurp(report));
  BOOST_TEST(shipmentsFrom(kOrgA) == before);
}

BOOST_AUTO_TEST_CASE(AFileDroppedOverSftpIsConfirmedOverSoapAndLeavesOutbound) {
  if (skipped()) return;
  const std::string name = unique("sftp-to-soap") + ".zip";
  const fs::path file = env().local() / name;
  const std::string bytes = makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgR}), 250000);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  std::string why;
  const std::string reference = env().acceptedReference(kOrgA, name, 30, &why);
  BOOST_REQUIRE_MESSAGE(!reference.empty(), "not accepted: " << why);

  // R finds it in its outbound/ and, as the same organisation over SOAP, in GetAvailableFilesBasic.
  const fs::path delivered = orgFolder(kOrgR, "outbound") / (reference + ".zip");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(delivered); }));
  BOOST_TEST(waitFor([&] { return recipientState(reference, kOrgR) == "Downloaded"; }));
  const auto files = availableOverSoap(kOrgR, sent15__BrokerServiceAvailableFileStatus__Uploaded);
  BOOST_TEST(listed(files, reference));
  BOOST_TEST((std::find(files.begin(), files.end(), reference + " " + std::to_string(bytes.size()) + " " + kOrgA) !=
              files.end()));

  // It downloads it both ways: the same bytes.
  const fs::path fetched = env().local() / ("fetched-" + reference + ".zip");
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgR, "get outbound/" + reference + ".zip " + fetched.string() + "\n"), 0);
  BOOST_TEST((slurp(fetched) == bytes));
  auto down = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  DownloadSink sink;
  BOOST_TEST(downloadBrokerFile(down, regnskap(), reference, kOrgR, sink) == SOAP_OK, faultString(down->soap));
  BOOST_TEST(sink.bytes == bytes.size());
  BOOST_TEST(sink.sha.hex() == sha256Of(bytes));

  // ConfirmDownloadedBasic over mTLS: Confirmed, and the copy in outbound/ is taken away.
  std::string fault;
  BOOST_REQUIRE_MESSAGE(confirmOverSoap(reference, kOrgR, &fault) == SOAP_OK, fault);
  BOOST_TEST(recipientState(reference, kOrgR) == "Confirmed");
  const std::string receipt = subReceiptOverSoap(reference);
  BOOST_TEST(receipt.rfind("Confirmed", 0) == 0u, receipt);
  BOOST_TEST(receipt.find("Downloaded") != std::string::npos, receipt);
  BOOST_TEST(waitFor([&] { return !fs::exists(delivered); }));
  BOOST_TEST(!listed(availableOverSoap(kOrgR, sent15__BrokerServiceAvailableFileStatus__Uploaded), reference));
  BOOST_TEST(listed(availableOverSoap(kOrgR, sent15__BrokerServiceAvailableFileStatus__Downloaded), reference));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few passes: not delivered again
  BOOST_TEST(!fs::exists(delivered));
  BOOST_TEST(fs::is_empty(env().dropRoot() / "etc" / "broker-delivered" / ("org" + std::string(kOrgR))));
  BOOST_TEST(recipientState(reference, kOrgR) == "Confirmed");
}

BOOST_AUTO_TEST_CASE(AFileSentOverSoapIsFetchedAndConfirmedOverSftp) {
  if (skipped()) return;
  const std::string reference = initiateOverSoap({kOrgB});
  BOOST_REQUIRE_EQUAL(reference.size(), 36u);
  auto up = client<BrokerProxy>(kBrokerStreamedPath, "enduser");
  BrokerUploadSource source{GeneratedBytes(400000, 7)};
  _brk__ReceiptExternalStreamedBE uploaded;
  BOOST_REQUIRE_MESSAGE(uploadBrokerFile(up, regnskap(), reference, kOrgR, "fra-soap.zip", source, uploaded) == SOAP_OK,
                        faultString(up->soap));
  const std::string sent_sha = source.bytes.sha.hex();

  // B's outbound/ gets it; B fetches it with sftp: the bytes sent over SOAP.
  const std::string delivered = reference + ".zip";
  BOOST_REQUIRE(waitFor([&] { return fs::exists(orgFolder(kOrgB, "outbound") / delivered); }));
  const fs::path fetched = env().local() / ("fetched-" + delivered);
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgB, "get outbound/" + delivered + " " + fetched.string() + "\n"), 0);
  const std::string got = slurp(fetched);
  BOOST_TEST(got.size() == 400000u);
  BOOST_TEST(sha256Of(got) == sent_sha);
  BOOST_TEST(waitFor([&] { return recipientState(reference, kOrgB) == "Downloaded"; }));

  // B deletes it: Confirmed, on the receipt the sender reads over SOAP too.
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgB, "rm outbound/" + delivered + "\n"), 0);
  BOOST_TEST(waitFor([&] { return recipientState(reference, kOrgB) == "Confirmed"; }));
  const std::string receipt = subReceiptOverSoap(reference);
  BOOST_TEST(receipt.rfind("Confirmed", 0) == 0u, receipt);
  BOOST_TEST(receipt.find("Downloaded") != std::string::npos, receipt);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  BOOST_TEST(!fs::exists(orgFolder(kOrgB, "outbound") / delivered));
}

BOOST_AUTO_TEST_CASE(ARemovedOrganisationCanNoLongerLogInAndTheOthersCan) {
  if (skipped()) return;
  auto& gw = gatewayUnderTest();
  const std::string account = std::string("org") + kOrgE;
  const fs::path note = env().local() / "note.txt";
  std::ofstream(note) << "kept until --purge\n";
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgE, "put " + note.string() + " inbound/note.txt\n"), 0);

  int rc = -1;
  const std::string removed = gw.gatewayctlOutput("sftp org remove " + std::string(kOrgE), &rc);
  BOOST_REQUIRE_MESSAGE(rc == 0, removed);
  BOOST_TEST(removed.find("--purge") != std::string::npos, removed);
  BOOST_TEST(sftpAs(kOrgE, "ls\n") != 0);  // refused at once
  BOOST_TEST(sftpAs(kOrgB, "ls outbound\n") == 0);
  BOOST_TEST(sftpAs(kOrgA, "ls inbound\n") == 0);
  const std::string list = gw.gatewayctlOutput("sftp org list", &rc);
  BOOST_TEST(list.find(kOrgE) == std::string::npos, list);
  BOOST_TEST(list.find(kOrgB) != std::string::npos, list);
  // gatewayd's passes do not bring it back; its files stay.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  BOOST_TEST(slurp(env().dropRoot() / "etc" / "passwd").find(account + ":") == std::string::npos);
  BOOST_TEST(slurp(env().dropRoot() / "etc" / "group").find(account) == std::string::npos);
  BOOST_TEST(slurp(env().dropRoot() / "etc" / "passwd").find("org" + std::string(kOrgB) + ":") != std::string::npos);
  BOOST_TEST(sftpAs(kOrgE, "ls\n") != 0);
  BOOST_TEST(slurp(orgFolder(kOrgE, "inbound") / "note.txt") == "kept until --purge\n");
  BOOST_TEST(gw.gatewayctl("sftp org remove " + std::string(kOrgE)) != 0);  // nothing left to remove
  BOOST_TEST(gw.gatewayctl("sftp key add " + account + " " + env().keyOf(kOrgE) + ".pub") != 0);

  // Added again (its keys too): it logs in and finds its files.
  BOOST_REQUIRE_EQUAL(gw.gatewayctl("sftp org add " + std::string(kOrgE) + " --system bs-" + kOrgE), 0);
  BOOST_REQUIRE_EQUAL(gw.gatewayctl("sftp key add " + account + " " + env().keyOf(kOrgE) + ".pub"), 0);
  std::string listing;
  BOOST_TEST(sftpAs(kOrgE, "ls inbound\n", &listing) == 0);
  BOOST_TEST(listing.find("note.txt") != std::string::npos, listing);

  // Removed with --purge: no login, and its folders are gone.
  const std::string purged = gw.gatewayctlOutput("sftp org remove " + std::string(kOrgE) + " --purge", &rc);
  BOOST_REQUIRE_MESSAGE(rc == 0, purged);
  BOOST_TEST(sftpAs(kOrgE, "ls\n") != 0);
  BOOST_TEST(!fs::exists(orgFolder(kOrgE, "inbound") / "note.txt"));
  BOOST_TEST(sftpAs(kOrgB, "ls outbound\n") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
