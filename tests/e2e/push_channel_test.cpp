// The push channel end to end: the real gatewayd delivers submissions to a service owner's
// OnlineBatchReceiver (a gSOAP server built from wsdl/OnlineBatchReceiver.wsdl, over mutual TLS)
// that answers OK, FAILED, FAILED_DO_NOT_RETRY, a SOAP fault, or is not there at all; the gateway is
// also restarted with items pending. Each case waits until its items are settled, so the cases
// share one channel (service 4711) in order.
#define BOOST_TEST_MODULE e2e_push_channel
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <map>
#include <thread>

#include <openssl/evp.h>
#include <zip.h>

#include "online_batch_receiver.h"
#include "services/online_batch_receiver_client.h"
#include "submissions.h"
#include "waiting.h"

using namespace gateway::testing;
using Answer = OnlineBatchReceiver::Answer;

namespace {

constexpr const char* kReceiverUser = "altinn-push";
constexpr const char* kReceiverPassword = "receiver-pw-æøå";
constexpr long kMaxAttachmentBytes = 200'000;  // push.max_attachment_bytes for this gateway

OnlineBatchReceiver* g_receiver = nullptr;

struct PushEnvironment {
  std::unique_ptr<OnlineBatchReceiver> receiver;
  PushEnvironment() {
    // TLS writes go through OpenSSL's socket BIO, which MSG_NOSIGNAL does not reach: a peer that
    // hangs up (the gateway restarting, a refused handshake) must not kill the test receiver.
    std::signal(SIGPIPE, SIG_IGN);
    const char* pki = std::getenv("GATEWAY_TEST_PKI_DIR");
    if (pki == nullptr) throw std::runtime_error("GATEWAY_TEST_PKI_DIR is not set");
    const std::string dir = pki;
    // The dev PKI has no certificate made for the gateway as a client; any client certificate of
    // the dev CA will do for the receiver.
    setExtraGatewayConfig("push.client_certificate = " + dir + "/clients/agency.pem\n" +
                          "push.client_key = " + dir + "/clients/agency.key\n" + "push.ca_bundle = " + dir +
                          "/ca/chain.pem\n"
                          "push.threads = 2\n"
                          "push.poll_interval_ms = 100\n"
                          "push.backoff_initial_ms = 200\n"
                          "push.backoff_max_ms = 400\n"
                          "push.max_attempts = 3\n"
                          "push.queue_retry_interval_ms = 300\n"
                          "push.lease_ms = 15000\n"
                          "push.connect_timeout_seconds = 2\n"
                          "push.io_timeout_seconds = 5\n"
                          "push.max_attachment_bytes = " + std::to_string(kMaxAttachmentBytes) + "\n");
    GatewayUnderTest& gw = gatewayUnderTest();
    receiver = std::make_unique<OnlineBatchReceiver>(dir);
    g_receiver = receiver.get();
    setenv("PUSH_TEST_RECEIVER_PASSWORD", kReceiverPassword, 1);
    const int rc = gw.gatewayctl("service channel --code 4711 --edition 1 --push " + receiver->url() + " --user " +
                                 kReceiverUser + " --password-env PUSH_TEST_RECEIVER_PASSWORD");
    if (rc != 0) throw std::runtime_error("gatewayctl service channel failed");
  }
  ~PushEnvironment() { g_receiver = nullptr; }
};

BOOST_TEST_GLOBAL_FIXTURE(PushEnvironment);

OnlineBatchReceiver& receiver() { return *g_receiver; }

int g_counter = 0;

std::string submitOne(SubmissionSpec spec = {}) {
  auto& gw = gatewayUnderTest();
  auto inbound = client<InboundProxy>(kInboundPath, "enduser");
  spec.end_user_reference = "push-" + std::to_string(gw.pid()) + "-" + std::to_string(++g_counter);
  iib__ReceiptExternalBE* receipt = nullptr;
  if (submit(inbound, gw.identity("enduser"), spec, &receipt) != SOAP_OK) throw std::runtime_error("submit failed");
  const std::string ar = archiveReferenceOf(receipt);
  if (ar.empty()) throw std::runtime_error("no archive reference");
  return ar;
}

std::vector<std::string> submitMany(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(submitOne());
  return out;
}

std::string idOf(const std::string& archive_reference) { return archive_reference.substr(2); }

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string stateOf(const std::string& ar) {
  return trimmed(gatewayUnderTest().sql("SELECT state FROM push_outbox WHERE submission_id = " + idOf(ar)));
}

bool allInState(const std::vector<std::string>& ars, const std::string& state) {
  return std::all_of(ars.begin(), ars.end(), [&](const std::string& ar) { return stateOf(ar) == state; });
}

std::vector<OnlineBatchReceiver::Call> callsFor(const std::string& ar) {
  std::vector<OnlineBatchReceiver::Call> out;
  for (const auto& c : receiver().calls()) {
    if (c.receivers_reference == ar) out.push_back(c);
  }
  return out;
}

int okCount(const std::string& ar) {
  int n = 0;
  for (const auto& c : callsFor(ar)) n += c.answer == Answer::kOk ? 1 : 0;
  return n;
}

// The OK answers for `ars` came in the order given, and their sequence numbers increase.
void expectDeliveredOnceInOrder(const std::vector<std::string>& ars) {
  std::vector<std::string> ok_order;
  std::int64_t last_sequence = 0;
  for (const auto& c : receiver().calls()) {
    if (c.answer != Answer::kOk || std::find(ars.begin(), ars.end(), c.receivers_reference) == ars.end()) continue;
    ok_order.push_back(c.receivers_reference);
    BOOST_TEST(c.sequence_number > last_sequence);
    last_sequence = c.sequence_number;
  }
  BOOST_TEST(ok_order == ars, boost::test_tools::per_element());
  for (const auto& ar : ars) BOOST_TEST(okCount(ar) == 1, ar);
}

// Every entry of a ZIP held in memory: name -> bytes.
std::map<std::string, std::string> unzip(const std::string& zip_bytes) {
  std::map<std::string, std::string> entries;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
  BOOST_TEST_REQUIRE(archive != nullptr, zip_error_strerror(&error));
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t st;
    BOOST_TEST_REQUIRE(zip_stat_index(archive, i, 0, &st) == 0);
    std::string bytes(st.size, '\0');
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    BOOST_TEST_REQUIRE(file != nullptr);
    BOOST_TEST_REQUIRE(zip_fread(file, bytes.data(), st.size) == static_cast<zip_int64_t>(st.size));
    zip_fclose(file);
    entries[st.name] = bytes;
  }
  zip_close(archive);
  zip_error_fini(&error);
  return entries;
}

std::string sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += {kHex[digest[i] >> 4], kHex[digest[i] & 15]};
  return out;
}

// The value of attribute `name` in the element text `element` (as the gateway writes it: name="...").
std::string attribute(const std::string& element, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto at = element.find(key);
  if (at == std::string::npos) return "";
  const auto from = at + key.size();
  return element.substr(from, element.find('"', from) - from);
}

// The <Attachment .../> elements of a DataBatch, in order.
std::vector<std::string> attachmentElements(const std::string& batch) {
  std::vector<std::string> out;
  for (std::size_t at = 0; (at = batch.find("<Attachment ", at)) != std::string::npos; ++at) {
    out.push_back(batch.substr(at, batch.find("/>", at) + 2 - at));
  }
  return out;
}

const OnlineBatchReceiver::Call* okCallFor(const std::string& ar, std::vector<OnlineBatchReceiver::Call>& calls) {
  calls = callsFor(ar);
  for (const auto& c : calls) {
    if (c.answer == Answer::kOk) return &c;
  }
  return nullptr;
}

std::string queueMode() {
  return trimmed(gatewayUnderTest().sql(
      "SELECT c.queue_mode FROM service_channel c JOIN service s ON s.id = c.service_id WHERE s.code = '4711'"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(PushChannel)

BOOST_AUTO_TEST_CASE(DeliversEachSubmissionOnceInOrder) {
  const auto ars = submitMany(4);
  BOOST_TEST_REQUIRE(waitFor([&] { return allInState(ars, "delivered"); }));
  expectDeliveredOnceInOrder(ars);
  const auto first = callsFor(ars[0]);
  BOOST_TEST_REQUIRE(first.size() == 1u);
  BOOST_TEST(first[0].soap_action == "http://AltInn.no/webservices/ReceiveOnlineBatchExternalAttachment");
  BOOST_TEST(first[0].content_type.find("text/xml") == 0u, first[0].content_type);  // SOAP 1.1
  BOOST_TEST(first[0].username == kReceiverUser);
  BOOST_TEST(first[0].password == kReceiverPassword);
  BOOST_TEST(first[0].attachments_size == 0);
  BOOST_TEST(first[0].batch.find("<DataBatch ") != std::string::npos);
  BOOST_TEST(first[0].batch.find("archiveReference=\"" + ars[0] + "\"") != std::string::npos);
  BOOST_TEST(first[0].batch.find("<ServiceCode>4711</ServiceCode>") != std::string::npos);
  BOOST_TEST(first[0].batch.find("Blåbær Ærlig Øvre") != std::string::npos, first[0].batch);
  // Sequence numbers are contiguous per channel.
  BOOST_TEST(callsFor(ars[3])[0].sequence_number == first[0].sequence_number + 3);

  auto& gw = gatewayUnderTest();
  BOOST_TEST(trimmed(gw.sql("SELECT COUNT(*) FROM shipment_status_log WHERE status = 'Sent' AND submission_id = " +
                            idOf(ars[0]))) == "1");
  // Default: a delivered item stays in the download queue until the owner purges it.
  BOOST_TEST(trimmed(gw.sql("SELECT COUNT(*) FROM download_queue WHERE purged_at IS NULL AND submission_id = " +
                            idOf(ars[0]))) == "1");
}

BOOST_AUTO_TEST_CASE(FailedIsRetriedWithBackoffThenDelivered) {
  receiver().script({Answer::kFailed, Answer::kFailed});
  const auto ars = submitMany(2);
  BOOST_TEST_REQUIRE(waitFor([&] { return allInState(ars, "delivered"); }));
  const auto calls = callsFor(ars[0]);
  BOOST_TEST_REQUIRE(calls.size() == 3u);
  BOOST_TEST((calls[0].answer == Answer::kFailed));
  BOOST_TEST((calls[1].answer == Answer::kFailed));
  BOOST_TEST((calls[2].answer == Answer::kOk));
  BOOST_TEST(callsFor(ars[1]).size() == 1u);  // sent once, after the first was delivered
  expectDeliveredOnceInOrder(ars);
  // Answers received: FAILED, FAILED, OK.
  BOOST_TEST(trimmed(gatewayUnderTest().sql("SELECT attempts FROM push_outbox WHERE submission_id = " + idOf(ars[0]))) ==
             "3");
}

BOOST_AUTO_TEST_CASE(DoNotRetryEndsDeadIsListedAndRedriveDeliversIt) {
  receiver().script({Answer::kDoNotRetry});
  const auto ars = submitMany(2);
  BOOST_TEST_REQUIRE(waitFor([&] { return stateOf(ars[0]) == "dead" && stateOf(ars[1]) == "delivered"; }));
  BOOST_TEST(callsFor(ars[0]).size() == 1u);

  auto& gw = gatewayUnderTest();
  int rc = -1;
  const std::string dead = gw.gatewayctlOutput("push list --dead", &rc);
  BOOST_TEST(rc == 0);
  BOOST_TEST(dead.find(ars[0]) != std::string::npos, dead);
  BOOST_TEST(dead.find("FAILED_DO_NOT_RETRY: answer FAILED_DO_NOT_RETRY") != std::string::npos, dead);
  BOOST_TEST(dead.find(ars[1]) == std::string::npos, dead);
  BOOST_TEST(dead.find(kReceiverPassword) == std::string::npos);
  BOOST_TEST(trimmed(gw.sql("SELECT COUNT(*) FROM shipment_status_log WHERE status = 'Error' AND submission_id = " +
                            idOf(ars[0]))) == "1");

  const std::string id = trimmed(gw.sql("SELECT id FROM push_outbox WHERE submission_id = " + idOf(ars[0])));
  BOOST_TEST(gw.gatewayctl("push redrive " + id) == 0);
  BOOST_TEST(gw.gatewayctl("push redrive " + id) != 0);  // no longer dead
  BOOST_TEST_REQUIRE(waitFor([&] { return stateOf(ars[0]) == "delivered"; }));
  BOOST_TEST(okCount(ars[0]) == 1);
  BOOST_TEST(okCount(ars[1]) == 1);
}

BOOST_AUTO_TEST_CASE(FaultPutsTheChannelInQueueModeAndKeepsOrder) {
  receiver().script({Answer::kFault, Answer::kFault});
  const auto ars = submitMany(3);
  BOOST_TEST_REQUIRE(waitFor([&] { return allInState(ars, "delivered"); }));
  const auto first = callsFor(ars[0]);
  BOOST_TEST_REQUIRE(first.size() == 3u);  // the oldest is retried; nothing behind it is sent meanwhile
  BOOST_TEST((first[0].answer == Answer::kFault));
  BOOST_TEST(callsFor(ars[1]).size() == 1u);
  BOOST_TEST(callsFor(ars[2]).size() == 1u);
  expectDeliveredOnceInOrder(ars);
  BOOST_TEST(queueMode() == "0");
  // Faults are not answers: only the final OK counts.
  BOOST_TEST(trimmed(gatewayUnderTest().sql("SELECT attempts FROM push_outbox WHERE submission_id = " + idOf(ars[0]))) ==
             "1");
}

BOOST_AUTO_TEST_CASE(ReceiverStoppedAndRestartedGetsEverythingInOrder) {
  receiver().stop();
  const auto ars = submitMany(3);
  BOOST_TEST_REQUIRE(waitFor([&] { return queueMode() == "1"; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a few queue-mode retries fail
  BOOST_TEST(allInState(ars, "pending"));
  receiver().start();
  BOOST_TEST_REQUIRE(waitFor([&] { return allInState(ars, "delivered"); }));
  expectDeliveredOnceInOrder(ars);
  for (const auto& ar : ars) BOOST_TEST(callsFor(ar).size() == 1u);
  BOOST_TEST(queueMode() == "0");
}

BOOST_AUTO_TEST_CASE(NothingIsLostAcrossAGatewayRestart) {
  auto& gw = gatewayUnderTest();
  receiver().stop();
  const auto ars = submitMany(3);
  BOOST_TEST_REQUIRE(waitFor([&] { return queueMode() == "1"; }));
  BOOST_TEST(gw.stop() == 0);  // SIGTERM: the worker stops cleanly with the server
  BOOST_TEST(allInState(ars, "pending"));
  receiver().start();
  gw.start();
  BOOST_TEST_REQUIRE(waitFor([&] { return allInState(ars, "delivered"); }));
  expectDeliveredOnceInOrder(ars);
  for (const auto& ar : ars) BOOST_TEST(callsFor(ar).size() == 1u);
}

BOOST_AUTO_TEST_CASE(AttachmentsArriveAsAZipWhoseEntriesMatchTheBatch) {
  SubmissionSpec spec;
  std::string binary;
  for (int i = 0; i < 70'000; ++i) binary += static_cast<char>((i * 131) % 256);  // NULs included
  const std::string norwegian = "Søknad om støtte – Ærlig Øvre Ås.pdf";
  spec.more_attachments = {{norwegian, binary}, {"data.xml", "<data>blåbær</data>"}};
  const std::string ar = submitOne(spec);
  BOOST_TEST_REQUIRE(waitFor([&] { return stateOf(ar) == "delivered"; }));
  std::vector<OnlineBatchReceiver::Call> calls;
  const OnlineBatchReceiver::Call* call = okCallFor(ar, calls);
  BOOST_TEST_REQUIRE(call != nullptr);
  BOOST_TEST(call->attachments_size == static_cast<int>(call->attachments.size()));
  const auto entries = unzip(call->attachments);
  const auto elements = attachmentElements(call->batch);
  BOOST_TEST_REQUIRE(elements.size() == 2u, call->batch);
  BOOST_TEST_REQUIRE(entries.size() == 2u);
  std::map<std::string, std::string> sent = {{norwegian, binary}, {"data.xml", "<data>blåbær</data>"}};
  for (const std::string& element : elements) {
    const std::string file_name = attribute(element, "filename");
    const std::string entry = attribute(element, "zipEntry");
    BOOST_TEST_REQUIRE(sent.count(file_name) == 1u, element);
    BOOST_TEST_REQUIRE(entries.count(entry) == 1u, entry);
    BOOST_TEST(entries.at(entry) == sent.at(file_name));
    BOOST_TEST(attribute(element, "size") == std::to_string(sent.at(file_name).size()));
    BOOST_TEST(attribute(element, "checksum") == sha256Hex(entries.at(entry)));
    // "<attachment id>_<file name>": the Norwegian letters are kept as UTF-8.
    BOOST_TEST(entry.size() > file_name.size());
    BOOST_TEST(entry.substr(entry.size() - file_name.size()) == file_name, entry);
    BOOST_TEST(entry[entry.size() - file_name.size() - 1] == '_');
  }
}

BOOST_AUTO_TEST_CASE(AttachmentsOverTheLimitEndDeadUnsentAndARedriveAfterRaisingTheLimitDeliversThem) {
  SubmissionSpec spec;
  spec.more_attachments = {{"stor.bin", std::string(kMaxAttachmentBytes - 100, 'x')},
                           {"liten.txt", std::string(101, 'y')}};  // together one byte too many
  const std::string big = submitOne(spec);
  const std::string next = submitOne();
  BOOST_TEST_REQUIRE(waitFor([&] { return stateOf(big) == "dead" && stateOf(next) == "delivered"; }));
  BOOST_TEST(callsFor(big).empty());  // never sent, not even in part

  auto& gw = gatewayUnderTest();
  int rc = -1;
  const std::string dead = gw.gatewayctlOutput("push list --dead", &rc);
  BOOST_TEST(rc == 0);
  BOOST_TEST(dead.find(big) != std::string::npos, dead);
  BOOST_TEST(dead.find("push.max_attachment_bytes") != std::string::npos, dead);

  // Raise the limit (environment over file) and redrive: now it is delivered whole.
  BOOST_TEST(gw.stop() == 0);
  setenv("GATEWAY_PUSH_MAX_ATTACHMENT_BYTES", std::to_string(kMaxAttachmentBytes + 1).c_str(), 1);
  gw.start();
  unsetenv("GATEWAY_PUSH_MAX_ATTACHMENT_BYTES");
  const std::string id = trimmed(gw.sql("SELECT id FROM push_outbox WHERE submission_id = " + idOf(big)));
  BOOST_TEST(gw.gatewayctl("push redrive " + id) == 0);
  BOOST_TEST_REQUIRE(waitFor([&] { return stateOf(big) == "delivered"; }));
  std::vector<OnlineBatchReceiver::Call> calls;
  const OnlineBatchReceiver::Call* call = okCallFor(big, calls);
  BOOST_TEST_REQUIRE(call != nullptr);
  const auto entries = unzip(call->attachments);
  BOOST_TEST_REQUIRE(entries.size() == 2u);
  std::size_t total = 0;
  for (const auto& [name, bytes] : entries) total += bytes.size();
  BOOST_TEST(total == static_cast<std::size_t>(kMaxAttachmentBytes + 1));
}

BOOST_AUTO_TEST_CASE(EverySubmissionWasDeliveredExactlyOnce) {
  auto& gw = gatewayUnderTest();
  BOOST_TEST(trimmed(gw.sql("SELECT COUNT(*) FROM push_outbox WHERE state <> 'delivered'")) == "0");
  std::map<std::string, int> ok;
  for (const auto& c : receiver().calls()) ok[c.receivers_reference] += c.answer == Answer::kOk ? 1 : 0;
  const std::string rows = gw.sql("SELECT COUNT(*) FROM push_outbox");
  BOOST_TEST(std::to_string(ok.size()) == trimmed(rows));
  for (const auto& [ar, n] : ok) BOOST_TEST(n == 1, ar);
}

BOOST_AUTO_TEST_SUITE_END()

// The gateway's receiver client on its own, against the same receiver: mutual TLS both ways.
BOOST_AUTO_TEST_SUITE(ReceiverClientTls)

namespace {

gateway::services::ReceiverClientConfig clientConfig(const std::string& cert, const std::string& ca) {
  const std::string dir = std::getenv("GATEWAY_TEST_PKI_DIR");
  gateway::services::ReceiverClientConfig c;
  c.client_certificate = dir + "/clients/" + cert + ".pem";
  c.client_key = dir + "/clients/" + cert + ".key";
  c.ca_bundle = dir + ca;
  c.io_timeout_seconds = 5;
  return c;
}

gateway::push::ReceiverOutcome deliverWith(const gateway::services::ReceiverClientConfig& config,
                                           const std::string& reference) {
  auto client = gateway::services::makeOnlineBatchReceiverClient(config);
  BOOST_TEST_REQUIRE(client.ok(), client.status().message());
  gateway::push::DeliveryRequest request;
  request.url = receiver().url();
  request.receivers_reference = reference;
  request.sequence_number = 1;
  request.batch = "<DataBatch/>";
  return client.value()->deliver(request);
}

}  // namespace

BOOST_AUTO_TEST_CASE(TrustedBothWaysIsDelivered) {
  const auto outcome = deliverWith(clientConfig("agency", "/ca/chain.pem"), "tls-ok");
  BOOST_TEST((outcome.kind == gateway::push::OutcomeKind::kOk));
  BOOST_TEST(callsFor("tls-ok").size() == 1u);
}

BOOST_AUTO_TEST_CASE(ReceiverCertificateFromAnotherCaIsRefusedBeforeAnythingIsSent) {
  const auto outcome = deliverWith(clientConfig("agency", "/untrusted-ca/ca.pem"), "tls-untrusted-receiver");
  BOOST_TEST((outcome.kind == gateway::push::OutcomeKind::kUnavailable));
  BOOST_TEST(callsFor("tls-untrusted-receiver").empty());
}

BOOST_AUTO_TEST_CASE(ReceiverRefusesAGatewayCertificateItDoesNotTrust) {
  const auto outcome = deliverWith(clientConfig("untrusted", "/ca/chain.pem"), "tls-untrusted-gateway");
  BOOST_TEST((outcome.kind == gateway::push::OutcomeKind::kUnavailable));
  BOOST_TEST(callsFor("tls-untrusted-gateway").empty());
}

BOOST_AUTO_TEST_CASE(PlainHttpIsNeverUsed) {
  auto client = gateway::services::makeOnlineBatchReceiverClient(clientConfig("agency", "/ca/chain.pem"));
  BOOST_TEST_REQUIRE(client.ok());
  gateway::push::DeliveryRequest request;
  request.url = "http://127.0.0.1:1/OnlineBatchReceiver.asmx";
  BOOST_TEST((client.value()->deliver(request).kind == gateway::push::OutcomeKind::kUnavailable));
}

BOOST_AUTO_TEST_CASE(MissingFilesAreRefusedAtStart) {
  auto config = clientConfig("agency", "/ca/chain.pem");
  config.client_key = "/nonexistent.key";
  auto client = gateway::services::makeOnlineBatchReceiverClient(config);
  BOOST_TEST(!client.ok());
  BOOST_TEST(client.status().message().find("push.client_key") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
