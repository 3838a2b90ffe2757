// The broker over SFTP end to end: the real gatewayd with its drop area, a real OpenSSH sshd
// (scripts/lib/sftp.sh) and the real `sftp -b` client with keys of the test's own, one account per
// organisation (gatewayctl sftp org add + sftp key add). Organisation A drops a ZIP (manifest +
// recipient list + payload); B, a recipient with Read, finds it in its outbound/ folder byte for byte
// and its receipt moves Uploaded -> Downloaded -> Confirmed (B deletes the file); C, without Read and
// not on the list, never sees it; D, without Write, gets failed/ and an error report; a truncated ZIP
// and a manifest for another organisation are rejected whole, creating nothing, as is a ZIP over
// sftp.max_broker_file_bytes (while a file over SOAP's limit goes through); an expired file leaves
// outbound/.
//
// sshd must run as root to chroot: without root the cases say "skipped: SFTP needs root".
#define BOOST_TEST_MODULE e2e_sftp_broker
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <zip.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "gateway_under_test.h"
#include "sftp_server.h"
#include "waiting.h"

using namespace gateway::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* kService = "5200";
constexpr const char* kNs = "http://schema.altinn.no/services/ServiceEngine/Broker/2015/06";
// Valid organisation numbers (mod 11) of the test's own.
constexpr const char* kOrgA = "920000002";  // sender, Write
constexpr const char* kOrgB = "920000010";  // recipient, Read
constexpr const char* kOrgC = "920000029";  // no rights
constexpr const char* kOrgD = "920000037";  // Read only: may not send

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct SftpEnvironment {
  std::string skip_reason;
  fs::path base, drop_root, run_dir, local;
  std::map<std::string, std::string> keys;  // organisation -> private key file
  std::unique_ptr<SftpServer> server;

  SftpEnvironment() {
    skip_reason = sftpUnsupportedReason();
    if (!skip_reason.empty()) return;
    const char* build = std::getenv("GATEWAY_BUILD_DIR");
    if (build == nullptr) throw std::runtime_error("GATEWAY_BUILD_DIR is not set");
    // Not under /tmp: every component of a chroot path must be root-owned and not world-writable.
    base = fs::path(build) / ("e2e-sftp-broker-" + std::to_string(::getpid()));
    drop_root = base / "drop";
    run_dir = base / "sshd";
    local = base / "client";
    fs::create_directories(local);
    fs::permissions(base, fs::perms(0755));
    setExtraGatewayConfig("sftp.enabled = 1\nsftp.root = " + drop_root.string() + "\nsftp.poll_interval_ms = 200\n" +
                          "broker.retention_interval_seconds = 1\n"
                          // SOAP uploads stop at 1 MiB here; SFTP takes up to 6 MiB: the round trip's 3 MiB
                          // file shows the SFTP limit is its own.
                          "limits.max_broker_file_bytes = 1048576\nsftp.max_broker_file_bytes = 6291456\n");
    GatewayUnderTest& gw = gatewayUnderTest();
    auto must = [&gw](const std::string& args) {
      if (gw.gatewayctl(args) != 0) throw std::runtime_error("gatewayctl " + args + " failed");
    };
    must(std::string("service add --owner ETAT --code ") + kService +
         " --edition 1 --name 'Formidling over SFTP' --format 1:1 --kind BrokerService");
    gw.sql(std::string("INSERT INTO service_right (service_id, reportee, access, `condition`, valid_to) SELECT id, r.p, "
                       "r.a, '', '2099-01-01' FROM service, (SELECT '") + kOrgA + "' p, 'Write' a UNION SELECT '" +
           kOrgB + "', 'Read' UNION SELECT '" + kOrgD + "', 'Read') r WHERE code = '" + kService + "'");
    for (const char* org : {kOrgA, kOrgB, kOrgC, kOrgD}) {
      const std::string system = std::string("bs-") + org;
      const fs::path password = local / (system + ".password");
      std::ofstream(password) << "pw-" << system << "-" << ::getpid() << "\n";
      must("system add --username " + system + " --org " + org + " --role enduser < " + password.string());
      must("sftp org add " + std::string(org) + " --system " + system);
      keys[org] = (local / (std::string("key-") + org)).string();
      makeKeyPair(keys[org], system + "@e2e");
      must("sftp key add org" + std::string(org) + " " + keys[org] + ".pub");
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

bool skipped() {
  if (g_env->skip_reason.empty()) return false;
  BOOST_TEST_MESSAGE("skipped: " << g_env->skip_reason);
  return true;
}

int sftpAs(const std::string& org, const std::string& commands, std::string* output = nullptr) {
  std::string out;
  const int rc = g_env->server->run(std::string("org") + org, g_env->keys.at(org), commands, &out);
  BOOST_TEST_MESSAGE("sftp as org" << org << " -> " << rc << "\n" << out);
  if (output) *output = out;
  return rc;
}

fs::path orgFolder(const std::string& org, const std::string& folder) {
  return g_env->drop_root / "orgs" / ("org" + org) / folder;
}

std::string manifestXml(const std::string& reportee, const std::string& reference) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BrokerServiceManifest xmlns=\"") + kNs +
         "\"><ExternalServiceCode>" + kService + "</ExternalServiceCode><ExternalServiceEditionCode>1"
         "</ExternalServiceEditionCode><SendersReference>" + reference + "</SendersReference><Reportee>" + reportee +
         "</Reportee><FileList><File><FileName>payload.bin</FileName></File></FileList></BrokerServiceManifest>\n";
}

std::string recipientsXml(const std::vector<std::string>& recipients) {
  std::string out = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BrokerServiceRecipientList xmlns=\"") +
                    kNs + "\">";
  for (const auto& r : recipients) out += "<Recipient><PartyNumber>" + r + "</PartyNumber></Recipient>";
  return out + "</BrokerServiceRecipientList>\n";
}

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

// Uploads the local file as inbound/<name> the documented way: under a temporary name, then renamed.
int upload(const std::string& org, const fs::path& file, const std::string& name) {
  return sftpAs(org, "put " + file.string() + " inbound/" + name + ".part\nrename inbound/" + name + ".part inbound/" +
                         name + "\n");
}

std::string sql(const std::string& statement) { return trimmed(gatewayUnderTest().sql(statement)); }

std::string unique(const std::string& tag) { return tag + "-" + std::to_string(::getpid()); }

std::string shipmentsFrom(const std::string& org) {
  return sql(std::string("SELECT COUNT(*) FROM broker_shipment WHERE sender_reportee = '") + org + "'");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(SftpBroker)

BOOST_AUTO_TEST_CASE(SenderDropsAZipAndTheRecipientFetchesItFromOutbound) {
  if (skipped()) return;
  const std::string name = unique("shipment") + ".zip";
  const fs::path file = g_env->local / name;
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
  const fs::path fetched = g_env->local / ("fetched-" + delivered);
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
                               (g_env->local / "stolen").string() + "\n") != 0);
  BOOST_TEST(!fs::exists(g_env->local / "stolen"));

  // B deletes the file: that confirms the download.
  BOOST_REQUIRE_EQUAL(sftpAs(kOrgB, "rm outbound/" + delivered + "\n"), 0);
  BOOST_TEST(waitFor([&] { return sql(recipient_state) == "Confirmed"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few passes: it is not delivered again
  BOOST_TEST(!fs::exists(orgFolder(kOrgB, "outbound") / delivered));
}

BOOST_AUTO_TEST_CASE(ASenderWithoutWriteGetsFailedAndAReport) {
  if (skipped()) return;
  const std::string name = unique("no-write") + ".zip";
  const fs::path file = g_env->local / name;
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
  const fs::path file = g_env->local / name;
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
  const fs::path file = g_env->local / name;
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
  const fs::path file = g_env->local / name;
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
  const fs::path file = g_env->local / name;
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
  const fs::path file = g_env->local / name;
  makeBrokerZip(file, manifestXml(kOrgA, unique("ref")), recipientsXml({kOrgB}), 7 * 1024 * 1024);
  BOOST_REQUIRE_EQUAL(upload(kOrgA, file, name), 0);
  const fs::path report = orgFolder(kOrgA, "failed") / (name + ".error.txt");
  BOOST_REQUIRE(waitFor([&] { return fs::exists(report); }));
  BOOST_TEST(slurp(report).find("larger than 6291456 bytes") != std::string::npos, slurp(report));
  BOOST_TEST(shipmentsFrom(kOrgA) == before);
}

BOOST_AUTO_TEST_SUITE_END()
