// The batch channel end to end: the real gatewayd with its SFTP drop area, served by a real OpenSSH
// sshd (started as scripts/run.sh starts it, scripts/lib/sftp.sh) and used with the real `sftp -b`
// client and keys of the test's own. Completed submissions of a batch-mode service become batch files
// that the owner fetches; prefill batches the owner uploads are ingested with a receipt; a truncated
// or malformed batch is rejected whole; one owner's key sees nothing of another owner's files.
//
// sshd must run as root to chroot: without root the cases say "skipped: SFTP needs root".
#define BOOST_TEST_MODULE e2e_sftp_batch_channel
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "sftp_server.h"
#include "submissions.h"
#include "waiting.h"

using namespace gateway::testing;
namespace fs = std::filesystem;

namespace {

struct SftpEnvironment {
  std::string skip_reason;
  fs::path base, drop_root, run_dir, local;
  std::string key_etat, key_etat2;
  std::unique_ptr<SftpServer> server;

  SftpEnvironment() {
    skip_reason = sftpUnsupportedReason();
    if (!skip_reason.empty()) return;
    const char* build = std::getenv("GATEWAY_BUILD_DIR");
    if (build == nullptr) throw std::runtime_error("GATEWAY_BUILD_DIR is not set");
    // Not under /tmp: every component of a chroot path must be root-owned and not world-writable.
    base = fs::path(build) / ("e2e-sftp-" + std::to_string(::getpid()));
    drop_root = base / "drop";
    run_dir = base / "sshd";
    local = base / "client";
    fs::create_directories(local);
    fs::permissions(base, fs::perms(0755));
    setExtraGatewayConfig("sftp.enabled = 1\nsftp.root = " + drop_root.string() +
                          "\nsftp.poll_interval_ms = 200\nsftp.batch_max_items = 3\nsftp.batch_max_age_seconds = 1\n");
    GatewayUnderTest& gw = gatewayUnderTest();
    if (gw.gatewayctl("service channel --code 4711 --edition 1 --batch") != 0) {
      throw std::runtime_error("gatewayctl service channel --batch failed");
    }
    key_etat = (local / "etat_key").string();
    key_etat2 = (local / "etat2_key").string();
    makeKeyPair(key_etat, "etat@e2e");
    makeKeyPair(key_etat2, "etat2@e2e");
    if (gw.gatewayctl("sftp key add ETAT " + key_etat + ".pub") != 0 ||
        gw.gatewayctl("sftp key add ETAT2 " + key_etat2 + ".pub") != 0) {
      throw std::runtime_error("gatewayctl sftp key add failed");
    }
    server = std::make_unique<SftpServer>(run_dir.string(), drop_root.string());
  }
  ~SftpEnvironment() {
    server.reset();
    std::error_code ec;
    if (!base.empty() && !std::getenv("GATEWAY_TEST_KEEP")) fs::remove_all(base, ec);
  }
};

SftpEnvironment* g_env = nullptr;

struct Global {
  SftpEnvironment env;
  Global() { g_env = &env; }
  ~Global() { g_env = nullptr; }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

// True (and a message) when the case cannot run here.
bool skipped() {
  if (g_env->skip_reason.empty()) return false;
  BOOST_TEST_MESSAGE("skipped: " << g_env->skip_reason);
  return true;
}

int sftpAs(const std::string& user, const std::string& key, const std::string& commands, std::string* output) {
  std::string out;
  const int rc = g_env->server->run(user, key, commands, &out);
  BOOST_TEST_MESSAGE("sftp as " << user << " -> " << rc << "\n" << out);
  if (output) *output = out;
  return rc;
}

fs::path ownerFolder(const std::string& owner, const std::string& folder) {
  return g_env->drop_root / "owners" / owner / folder;
}

// The batch envelope (file name) in ETAT's outbound folder that mentions `archive_reference`.
std::string batchFileWith(const std::string& archive_reference) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(ownerFolder("ETAT", "outbound"), ec)) {
    const std::string name = e.path().filename().string();
    if (std::regex_match(name, std::regex("batch-[0-9]+\\.xml")) &&
        slurp(e.path()).find("archiveReference=\"" + archive_reference + "\"") != std::string::npos) {
      return name;
    }
  }
  return "";
}

std::string submitOne(const std::string& tag, const std::string& attachment) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  SubmissionSpec spec;
  spec.end_user_reference = "sftp-" + tag + "-" + std::to_string(::getpid());
  spec.attachment = attachment;
  iib__ReceiptExternalBE* receipt = nullptr;
  if (submit(inbound, gw.identity("enduser"), spec, &receipt) != SOAP_OK) throw std::runtime_error("submit failed");
  return archiveReferenceOf(receipt);
}

std::string zipEntry(const std::string& zip_bytes, int index) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
  if (!archive) return "<not a zip>";
  zip_stat_t st;
  std::string out;
  if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &st) == 0) {
    zip_file_t* f = zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0);
    out.resize(static_cast<std::size_t>(st.size));
    if (f) {
      zip_fread(f, out.data(), st.size);
      zip_fclose(f);
    }
  }
  zip_close(archive);
  return out;
}

std::string prefillTask(const std::string& shipment_reference, bool with_reportee = true) {
  return "<PrefillFormTask><ExternalServiceCode>4711</ExternalServiceCode>"
         "<ExternalServiceEditionCode>1</ExternalServiceEditionCode><ServiceOwnerCode>ETAT</ServiceOwnerCode>"
         "<ExternalShipmentReference>" + shipment_reference + "</ExternalShipmentReference>" +
         (with_reportee ? "<Reportee>910000306</Reportee>" : "") +
         "<SendersReference>sftp</SendersReference>"
         "<ValidFromDate>2026-01-01T00:00:00Z</ValidFromDate><ValidToDate>2099-01-01T00:00:00Z</ValidToDate>"
         "<PreFillForms><PrefillForm><DataFormatID>5703</DataFormatID><DataFormatVersion>34</DataFormatVersion>"
         "<FormDataXML>&lt;Skjema&gt;&lt;Navn&gt;Åse Ærlig&lt;/Navn&gt;&lt;/Skjema&gt;</FormDataXML>"
         "<SendersReference>f1</SendersReference></PrefillForm></PreFillForms></PrefillFormTask>";
}

std::string prefillFile(const std::string& system, const std::string& batch_id, const std::string& tasks) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<PrefillBatchFile version=\"1\" systemUserName=\"" + system +
         "\" externalBatchId=\"" + batch_id + "\">\n" + tasks + "\n</PrefillBatchFile>\n";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string prefillCount(const std::string& shipment_reference_like) {
  return trimmed(gatewayUnderTest().sql("SELECT COUNT(*) FROM prefill_instance WHERE external_shipment_reference LIKE '" +
                                        shipment_reference_like + "'"));
}

// Uploads `content` as inbound/<name> the documented way: under a temporary name, then renamed.
int upload(const std::string& user, const std::string& key, const std::string& name, const std::string& content) {
  const fs::path file = g_env->local / name;
  std::ofstream(file, std::ios::binary) << content;
  return sftpAs(user, key,
                "put " + file.string() + " inbound/" + name + ".part\nrename inbound/" + name + ".part inbound/" + name +
                    "\n",
                nullptr);
}

std::string unique(const std::string& tag) { return tag + "-" + std::to_string(::getpid()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(SftpBatchChannel)

BOOST_AUTO_TEST_CASE(OwnerFetchesBatchFilesOfCompletedSubmissions) {
  if (skipped()) return;
  const std::string with_attachment = submitOne("a", "vedlegg: blåbær");
  const std::string plain = submitOne("b", "");
  BOOST_REQUIRE(waitFor([&] { return !batchFileWith(with_attachment).empty() && !batchFileWith(plain).empty(); }));
  const std::string envelope_name = batchFileWith(with_attachment);
  const std::string zip_name = std::regex_replace(envelope_name, std::regex("\\.xml$"), "." + with_attachment + ".zip");

  // The files belong to the owner's account and no one else may read them.
  struct stat st {};
  BOOST_REQUIRE(::stat((ownerFolder("ETAT", "outbound") / envelope_name).c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0640u);
  BOOST_TEST(st.st_uid >= 61000u);

  std::string output;
  const fs::path got = g_env->local / "fetched";
  fs::create_directories(got);
  BOOST_REQUIRE(sftpAs("ETAT", g_env->key_etat,
                       "ls -l outbound\nget outbound/" + envelope_name + " " + (got / envelope_name).string() +
                           "\nget outbound/" + zip_name + " " + (got / zip_name).string() + "\n",
                       &output) == 0);
  const std::string envelope = slurp(got / envelope_name);
  BOOST_TEST(envelope.find("<SubmissionBatchFile version=\"1\"") != std::string::npos);
  BOOST_TEST(envelope.find("serviceOwner=\"ETAT\"") != std::string::npos);
  BOOST_TEST(envelope.find("archiveReference=\"" + with_attachment + "\"") != std::string::npos);
  BOOST_TEST(envelope.find("attachments=\"" + zip_name + "\"") != std::string::npos);
  BOOST_TEST(envelope.find("Blåbær Ærlig Øvre") != std::string::npos);
  BOOST_TEST(zipEntry(slurp(got / zip_name), 0) == "vedlegg: blåbær");
  BOOST_TEST(batchFileWith(plain).size() > 0u);

  // Logged, and the owner may delete what it fetched.
  int rc = 0;
  const std::string log = gatewayUnderTest().gatewayctlOutput("sftp batches --owner ETAT", &rc);
  BOOST_TEST(rc == 0);
  BOOST_TEST(log.find(envelope_name) != std::string::npos);
  BOOST_TEST(log.find("written") != std::string::npos);
  BOOST_TEST(sftpAs("ETAT", g_env->key_etat, "rm outbound/" + envelope_name + "\n", nullptr) == 0);
  BOOST_TEST(!fs::exists(ownerFolder("ETAT", "outbound") / envelope_name));
}

BOOST_AUTO_TEST_CASE(UploadedPrefillBatchIsIngestedWithAReceipt) {
  if (skipped()) return;
  const std::string ref = unique("sftp-ok");
  const std::string name = ref + ".xml";
  BOOST_REQUIRE(upload("ETAT", g_env->key_etat, name,
                       prefillFile("etat-arkiv", unique("batch-ok"), prefillTask(ref + "-1") + prefillTask(ref + "-2"))) ==
                0);
  const fs::path receipt_file = ownerFolder("ETAT", "processed") / (name + ".receipt.xml");
  BOOST_REQUIRE_MESSAGE(waitFor([&] { return fs::exists(receipt_file); }),
                        "no receipt; error report: " + slurp(ownerFolder("ETAT", "failed") / (name + ".error.txt")));
  std::string output;
  const fs::path got = g_env->local / (name + ".receipt.xml");
  BOOST_REQUIRE(sftpAs("ETAT", g_env->key_etat,
                       "ls processed\nget processed/" + name + ".receipt.xml " + got.string() + "\n", &output) == 0);
  const std::string receipt = slurp(got);
  BOOST_TEST(receipt.find("<BatchReceipt version=\"1\" file=\"" + name + "\"") != std::string::npos, receipt);
  BOOST_TEST(receipt.find("kind=\"prefill\"") != std::string::npos);
  BOOST_TEST(receipt.find("status=\"OK\"") != std::string::npos, receipt);
  BOOST_TEST(receipt.find("ValidationFailed") == std::string::npos, receipt);
  BOOST_TEST(!fs::exists(ownerFolder("ETAT", "inbound") / name));
  BOOST_TEST(fs::exists(ownerFolder("ETAT", "processed") / name));
  BOOST_TEST(prefillCount(ref + "-%") == "2");
}

BOOST_AUTO_TEST_CASE(TruncatedAndMalformedBatchesAreRejectedWhole) {
  if (skipped()) return;
  const std::string ref = unique("sftp-bad");
  const std::string whole = prefillFile("etat-arkiv", unique("batch-trunc"), prefillTask(ref + "-t1") + prefillTask(ref + "-t2"));
  const std::string truncated = whole.substr(0, whole.size() * 2 / 3);
  // Well-formed, the first task fine, the second without its Reportee.
  const std::string malformed =
      prefillFile("etat-arkiv", unique("batch-bad"), prefillTask(ref + "-m1") + prefillTask(ref + "-m2", false));
  BOOST_REQUIRE(upload("ETAT", g_env->key_etat, "truncated.xml", truncated) == 0);
  BOOST_REQUIRE(upload("ETAT", g_env->key_etat, "malformed.xml", malformed) == 0);
  const fs::path failed = ownerFolder("ETAT", "failed");
  BOOST_REQUIRE(waitFor([&] {
    return fs::exists(failed / "truncated.xml.error.txt") && fs::exists(failed / "malformed.xml.error.txt");
  }));
  std::string output;
  BOOST_REQUIRE(sftpAs("ETAT", g_env->key_etat,
                       "get failed/truncated.xml.error.txt " + (g_env->local / "t.err").string() +
                           "\nget failed/malformed.xml.error.txt " + (g_env->local / "m.err").string() + "\n",
                       &output) == 0);
  const std::string truncated_report = slurp(g_env->local / "t.err");
  const std::string malformed_report = slurp(g_env->local / "m.err");
  BOOST_TEST(truncated_report.find("nothing imported") != std::string::npos, truncated_report);
  BOOST_TEST(truncated_report.find("not well-formed") != std::string::npos, truncated_report);
  BOOST_TEST(malformed_report.find("nothing imported") != std::string::npos, malformed_report);
  BOOST_TEST(malformed_report.find("Reportee") != std::string::npos, malformed_report);
  BOOST_TEST(fs::exists(failed / "truncated.xml"));
  BOOST_TEST(fs::exists(failed / "malformed.xml"));
  BOOST_TEST(prefillCount(ref + "-%") == "0");

  int rc = 0;
  const std::string log = gatewayUnderTest().gatewayctlOutput("sftp batches --owner ETAT", &rc);
  BOOST_TEST(log.find("malformed.xml") != std::string::npos);
  BOOST_TEST(log.find("failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(AnotherOwnersSystemCannotBeNamed) {
  if (skipped()) return;
  const std::string ref = unique("sftp-cross");
  BOOST_REQUIRE(upload("ETAT2", g_env->key_etat2, "cross.xml",
                       prefillFile("etat-arkiv", unique("batch-cross"), prefillTask(ref + "-1"))) == 0);
  const fs::path report = ownerFolder("ETAT2", "failed") / "cross.xml.error.txt";
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  BOOST_TEST(slurp(report).find("not an active system of service owner ETAT2") != std::string::npos);
  BOOST_TEST(prefillCount(ref + "-%") == "0");
}

// BatchLogging over mTLS: the batch files of the cases above, as the owner's system sees them.
BOOST_AUTO_TEST_CASE(BatchLoggingReportsTheOwnersBatchFiles) {
  if (skipped()) return;
  auto& gw = gatewayUnderTest();
  const Identity agency = gw.identity("agency");
  auto logging = client<BatchLoggingProxy>(kBatchLoggingPath, "agency");

  _blog__GetDetailedStatus detailed_req;
  detailed_req.agencyUserName = agency.system_user;
  detailed_req.agencyPassword = agency.system_password;
  detailed_req.request = soap_new_blog__BatchLoggingRequestExternal(logging->soap);
  _blog__GetDetailedStatusResponse detailed;
  BOOST_REQUIRE_EQUAL(logging->GetDetailedStatus(&detailed_req, detailed), SOAP_OK);
  BOOST_REQUIRE(detailed.GetDetailedStatusResult != nullptr);
  const auto& status = *detailed.GetDetailedStatusResult;
  BOOST_REQUIRE(status.DataBatches != nullptr);
  std::map<std::string, const blog__DataBatch*> by_name;
  for (const auto* b : status.DataBatches->DataBatch) by_name[*b->FileName] = b;
  BOOST_TEST(by_name.count("malformed.xml") == 1u);
  BOOST_TEST(by_name.count("truncated.xml") == 1u);
  BOOST_TEST(by_name.count("cross.xml") == 0u);  // ETAT2's file
  BOOST_TEST(*by_name["malformed.xml"]->NumberOfIssues == 1);
  BOOST_TEST(*status.NumberOfIssues >= 2);
  BOOST_REQUIRE(status.Issues != nullptr);
  bool reportee_issue = false;
  for (const auto* issue : status.Issues->IssueExternal) {
    reportee_issue = reportee_issue || (*issue->DataBatchId == *by_name["malformed.xml"]->DataBatchId &&
                                        issue->IssueType->Description->find("Reportee") != std::string::npos &&
                                        *issue->IssueType->Level == blog__IssueTypeLevelExternal__Error);
  }
  BOOST_TEST(reportee_issue);
  // The outbound batch of the first case, with its submissions as data items.
  BOOST_REQUIRE(status.DataItems != nullptr);
  BOOST_REQUIRE(!status.DataItems->DataItem.empty());
  const blog__DataItem* item = status.DataItems->DataItem.front();
  BOOST_TEST(item->Data->rfind("AR", 0) == 0u);
  BOOST_TEST(*item->ServiceCode == "4711");

  // One data item by id; another owner's system cannot read it.
  _blog__GetDataItem item_req;
  item_req.agencyUserName = agency.system_user;
  item_req.agencyPassword = agency.system_password;
  item_req.dataItemId = *item->DataItemId;
  _blog__GetDataItemResponse item_resp;
  BOOST_REQUIRE_EQUAL(logging->GetDataItem(&item_req, item_resp), SOAP_OK);
  BOOST_TEST(*item_resp.GetDataItemResult->Data == *item->Data);
  const Identity agency2 = gw.identity("agency2");
  auto logging2 = client<BatchLoggingProxy>(kBatchLoggingPath, "agency2");
  item_req.agencyUserName = agency2.system_user;
  item_req.agencyPassword = agency2.system_password;
  BOOST_TEST(logging2->GetDataItem(&item_req, item_resp) != SOAP_OK);
  BOOST_TEST(altinnFault(logging2->soap) != nullptr);

  // Overview filtered by file name.
  _blog__GetStatusOverview overview_req;
  overview_req.agencyUserName = agency.system_user;
  overview_req.agencyPassword = agency.system_password;
  overview_req.request = soap_new_blog__BatchLoggingRequestExternal(logging->soap);
  overview_req.request->FileName = soap_new_std__string(logging->soap);
  *overview_req.request->FileName = "malformed.xml";
  _blog__GetStatusOverviewResponse overview;
  BOOST_REQUIRE_EQUAL(logging->GetStatusOverview(&overview_req, overview), SOAP_OK);
  BOOST_REQUIRE(overview.GetStatusOverviewResult->DataBatches != nullptr);
  BOOST_TEST(overview.GetStatusOverviewResult->DataBatches->DataBatch.size() == 1u);

  // Wrong password: a fault (ErrorID 989), nothing listed.
  overview_req.agencyPassword = "wrong";
  BOOST_TEST(logging->GetStatusOverview(&overview_req, overview) != SOAP_OK);
  const fault__AltinnFault* fault = altinnFault(logging->soap);
  BOOST_REQUIRE(fault != nullptr);
  BOOST_TEST(*fault->ErrorID == 989);
}

BOOST_AUTO_TEST_CASE(OneOwnersKeySeesNothingOfAnotherOwner) {
  if (skipped()) return;
  fs::create_directories(ownerFolder("ETAT", "outbound"));
  std::ofstream(ownerFolder("ETAT", "outbound") / "secret-of-etat.xml") << "<secret/>";
  std::string output;
  // ETAT2's chroot holds only its own four folders.
  BOOST_REQUIRE(sftpAs("ETAT2", g_env->key_etat2, "ls -1 /\nls -1 outbound\n", &output) == 0);
  BOOST_TEST(output.find("secret-of-etat") == std::string::npos);
  BOOST_TEST(output.find("owners") == std::string::npos);
  // No path leads out of it.
  for (const char* path : {"/owners/ETAT/outbound/secret-of-etat.xml", "../ETAT/outbound/secret-of-etat.xml",
                                  "../../owners/ETAT/outbound/secret-of-etat.xml"}) {
    BOOST_TEST(sftpAs("ETAT2", g_env->key_etat2, std::string("get ") + path + " " + (g_env->local / "stolen").string() + "\n",
                      nullptr) != 0);
    BOOST_TEST(!fs::exists(g_env->local / "stolen"));
  }
  // ETAT2's key does not log in as ETAT; ETAT's own key does.
  BOOST_TEST(sftpAs("ETAT", g_env->key_etat2, "ls\n", nullptr) != 0);
  BOOST_TEST(sftpAs("ETAT", g_env->key_etat, "ls outbound\n", &output) == 0);
  BOOST_TEST(output.find("secret-of-etat.xml") != std::string::npos);
  // A removed key no longer logs in.
  BOOST_REQUIRE(gatewayUnderTest().gatewayctl("sftp key remove ETAT2 " + g_env->key_etat2 + ".pub") == 0);
  BOOST_TEST(sftpAs("ETAT2", g_env->key_etat2, "ls\n", nullptr) != 0);
}

BOOST_AUTO_TEST_SUITE_END()
