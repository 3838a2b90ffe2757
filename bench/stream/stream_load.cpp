// stream_load: streaming throughput of the gateway's MTOM attachment operations, and the same bytes
// over bare TLS as the baseline (scripts/bench-streaming.sh runs both; docs/performance.md).
//
// Gateway mode (--url): --clients threads each make a fresh form task (SubmitFormTaskBasic, not
// measured), then all of them at once upload --bytes with SubmitAttachmentStreamedBasic (an MTOM
// part produced in 64 KB pieces as gSOAP asks for them), then all of them at once download what they
// uploaded with GetAttachmentDataStreamedBasic (counted as it arrives, never kept). --rounds repeats
// that. While uploads are in flight a sampler reads gatewayd's VmRSS (--gateway-pid) every 5 ms;
// the growth over the RSS before the phase, divided by the uploads in flight, is the "RSS growth per
// upload in flight"; VmHWM before and after the measured rounds bounds it from above (it also catches
// peaks between samples). A warm-up round of 1 MB transfers goes first and is not reported. Baseline mode (--baseline): the same threads move the same bytes in the same
// pieces to and from a bare OpenSSL sink/source in this process, TLS 1.3 with a required client
// certificate from the same PKI, on loopback.
//
// Broker mode (--url ... --broker): the same phases through the broker service (formidling): the
// service owner first lets --reportee send and receive on broker service --broker-service through its
// rights register (AddRightsBasic), each client initiates a shipment from --reportee to itself
// (InitiateBrokerServiceBasic, not measured), uploads a ZIP-signed file with UploadFileStreamedBasic
// and downloads it as the recipient with DownloadFileStreamedBasic (both MTOM, both as the end-user
// system).
//
// Prints aggregate MB/s (1 MB = 10^6 bytes) per phase, per-transfer latency, errors, and a last line
// "RESULT {json}" for scripts, with the CPU per MB of this process and of --gateway-pid per phase.
// Not a test: it asserts nothing.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mime/mime_part_reader.h"
#include "soapBasicHttpBinding_USCOREIBrokerServiceExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryInboundExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIRegisterSRRAgencyExternalBasicProxy.h"
#include "soapBasicHttpBinding_USCOREIIntermediaryInboundExternalBasicStreamedProxy.h"
#include "soapBasicHttpBinding_USCOREIServiceOwnerArchiveExternalStreamedBasicProxy.h"

namespace {

using Clock = std::chrono::steady_clock;
using InboundProxy = BasicHttpBinding_USCOREIIntermediaryInboundExternalBasicProxy;
using InboundStreamedProxy = BasicHttpBinding_USCOREIIntermediaryInboundExternalBasicStreamedProxy;
using ArchiveStreamedProxy = BasicHttpBinding_USCOREIServiceOwnerArchiveExternalStreamedBasicProxy;
using BrokerProxy = BasicHttpBinding_USCOREIBrokerServiceExternalBasicProxy;
using RightsProxy = BasicHttpBinding_USCOREIRegisterSRRAgencyExternalBasicProxy;

constexpr const char* kInboundPath = "/IntermediaryExternal/IntermediaryInboundBasic.svc";
constexpr const char* kInboundStreamedPath = "/IntermediaryExternal/IntermediaryInboundBasicStreamed.svc";
constexpr const char* kArchiveStreamedPath = "/ArchiveExternal/ServiceOwnerArchiveExternalStreamedBasic.svc";
constexpr const char* kBrokerPath = "/ServiceEngineExternal/BrokerServiceExternalBasic.svc";
constexpr const char* kBrokerStreamedPath = "/ServiceEngineExternal/BrokerServiceExternalBasicStreamed.svc";
constexpr const char* kRightsPath = "/RegisterExternal/RegisterSRRAgencyExternalBasic.svc";
constexpr std::size_t kPiece = 64 * 1024;

struct Options {
  bool baseline = false;
  bool broker = false;
  bool gsoap_mime = false;  // downloads: gSOAP's own MIME receive instead of gateway/mime
  std::string broker_service = "5100";
  std::string url;  // https://host:port (gateway mode)
  std::string ca, cert, key, user, password_file;                            // the end-user system
  std::string owner_cert, owner_key, owner_user, owner_password_file;        // the service owner
  std::string server_cert, server_key;                                       // baseline server
  std::string reportee = "910000306", service_code = "4711", format_id = "5703";
  int service_edition = 1, format_version = 34;
  int clients = 1, rounds = 2, gateway_pid = 0;
  std::uint64_t bytes = 30ull * 1000 * 1000;
  std::string label = "stream";
};

[[noreturn]] void usage(const std::string& problem) {
  if (!problem.empty()) std::cerr << "stream_load: " << problem << "\n";
  std::cerr << "usage: stream_load --url https://HOST:PORT --ca CA --cert PEM --key KEY --user U --password-file F\n"
               "                   --owner-cert PEM --owner-key KEY --owner-user U --owner-password-file F\n"
               "                   [--gateway-pid PID] [common options]\n"
               "       stream_load --baseline --ca CA --cert PEM --key KEY --server-cert PEM --server-key KEY\n"
               "                   [common options]\n"
               "                   [--broker [--broker-service CODE (5100)] [--reportee NUMBER (910000306)]]\n"
               "common: [--clients N (1)] [--rounds N (2)] [--bytes N (30000000)] [--label NAME]\n"
               "        [--gsoap-mime (downloads: gSOAP's per-character MIME receive, for comparison)]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--baseline") {
      o.baseline = true;
      continue;
    }
    if (flag == "--broker") {
      o.broker = true;
      continue;
    }
    if (flag == "--gsoap-mime") {
      o.gsoap_mime = true;
      continue;
    }
    if (flag == "--help") usage("");
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string v = argv[++i];
    if (flag == "--url") o.url = v;
    else if (flag == "--ca") o.ca = v;
    else if (flag == "--cert") o.cert = v;
    else if (flag == "--key") o.key = v;
    else if (flag == "--user") o.user = v;
    else if (flag == "--password-file") o.password_file = v;
    else if (flag == "--owner-cert") o.owner_cert = v;
    else if (flag == "--owner-key") o.owner_key = v;
    else if (flag == "--owner-user") o.owner_user = v;
    else if (flag == "--owner-password-file") o.owner_password_file = v;
    else if (flag == "--server-cert") o.server_cert = v;
    else if (flag == "--server-key") o.server_key = v;
    else if (flag == "--clients") o.clients = std::stoi(v);
    else if (flag == "--rounds") o.rounds = std::stoi(v);
    else if (flag == "--bytes") o.bytes = std::stoull(v);
    else if (flag == "--gateway-pid") o.gateway_pid = std::stoi(v);
    else if (flag == "--label") o.label = v;
    else if (flag == "--broker-service") o.broker_service = v;
    else if (flag == "--reportee") o.reportee = v;
    else usage("unknown option " + flag);
  }
  if (o.clients < 1 || o.rounds < 1 || o.bytes == 0) usage("--clients, --rounds and --bytes must be positive");
  if (o.ca.empty() || o.cert.empty() || o.key.empty()) usage("--ca, --cert and --key are required");
  if (o.baseline && (o.server_cert.empty() || o.server_key.empty())) usage("--baseline needs --server-cert/--server-key");
  if (!o.baseline && (o.url.empty() || o.user.empty() || o.password_file.empty() || o.owner_cert.empty() ||
                      o.owner_key.empty() || o.owner_user.empty() || o.owner_password_file.empty())) {
    usage("gateway mode needs --url, --user, --password-file and the --owner-* options");
  }
  return o;
}

std::string readSecret(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  if (s.empty()) usage("cannot read " + path);
  return s;
}

// 64 KB of fixed pseudo-random bytes; every piece of every transfer is cut from it (no per-byte work).
const std::vector<char>& pieceBytes() {
  static const std::vector<char> bytes = [] {
    std::vector<char> b(kPiece);
    std::uint64_t s = 0x9E3779B97F4A7C15ull;
    for (auto& c : b) {
      s ^= s << 13;
      s ^= s >> 7;
      s ^= s << 17;
      c = static_cast<char>(s);
    }
    return b;
  }();
  return bytes;
}

struct Source {
  std::uint64_t total = 0, produced = 0;
  bool zip = false;  // start with a ZIP local-file signature (the broker accepts ZIP archives only)
  std::size_t fill(char* buffer, std::size_t capacity) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({capacity, kPiece, total - produced}));
    std::memcpy(buffer, pieceBytes().data(), n);
    if (zip && produced == 0 && n >= 4) std::memcpy(buffer, "PK\x03\x04", 4);
    produced += n;
    return n;
  }
};

long procStatusKb(int pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stol(line.substr(prefix.size()));
  }
  return -1;
}

struct Transfer {
  bool ok = false;
  double ms = 0;
  std::uint64_t bytes = 0;
  std::string error;
};

struct Phase {
  std::vector<Transfer> transfers;
  double wall_s = 0;
  long rss_before_kb = 0, rss_peak_kb = 0;
  double client_cpu_s = 0, server_cpu_s = 0;  // this process; the watched process (gatewayd)
};

// CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 if unreadable.
double processCpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Runs fn(i) on `n` threads started together; wall time from start to the last one's end, and the
// watched process's RSS sampled throughout.
Phase runPhase(int n, int pid, const std::function<Transfer(int)>& fn) {
  Phase p;
  p.transfers.resize(n);
  std::atomic<bool> sampling{pid > 0};
  p.rss_before_kb = pid > 0 ? procStatusKb(pid, "VmRSS") : 0;
  std::atomic<long> peak{p.rss_before_kb};
  std::thread sampler([&] {
    while (sampling) {
      const long rss = procStatusKb(pid, "VmRSS");
      if (rss > peak) peak = rss;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const double client_cpu = processCpuSeconds(getpid());
  const double server_cpu = pid > 0 ? processCpuSeconds(pid) : 0;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { p.transfers[i] = fn(i); });
  for (auto& t : threads) t.join();
  p.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  p.client_cpu_s = processCpuSeconds(getpid()) - client_cpu;
  p.server_cpu_s = pid > 0 ? processCpuSeconds(pid) - server_cpu : 0;
  sampling = false;
  sampler.join();
  p.rss_peak_kb = peak;
  return p;
}

double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// ---- gateway mode ------------------------------------------------------------------------------

template <typename Proxy>
std::unique_ptr<Proxy> proxy(const Options& o, const std::string& endpoint, const std::string& cert,
                             const std::string& key) {
  auto p = std::make_unique<Proxy>(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
  p->soap_endpoint = endpoint.c_str();
  p->soap->connect_timeout = 10;
  p->soap->send_timeout = p->soap->recv_timeout = 120;
  if (soap_ssl_client_context(p->soap, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3, nullptr, nullptr,
                              o.ca.c_str(), nullptr, nullptr) != SOAP_OK ||
      !p->soap->ctx || SSL_CTX_use_certificate_chain_file(p->soap->ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(p->soap->ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("cannot set up the TLS client with " + cert);
  }
  return p;
}

std::string faultText(struct soap* soap) {
  const char* s = *soap_faultstring(soap);
  return "soap error " + std::to_string(soap->error) + (s ? std::string(": ") + s : std::string());
}

// A fresh form task of the end-user system; its ReporteeElementId (the number of its AR reference).
int newFormTask(const Options& o, const std::string& password, const std::string& reference) {
  const std::string endpoint = o.url + kInboundPath;
  auto c = proxy<InboundProxy>(o, endpoint, o.cert, o.key);
  struct soap* soap = c->soap;
  _iib__SubmitFormTaskBasic req;
  _iib__SubmitFormTaskBasicResponse resp;
  req.systemUserName = o.user;
  req.systemPassword = password;
  auto text = [&](const std::string& v) {
    auto* s = soap_new_std__string(soap);
    *s = v;
    return s;
  };
  auto number = [&](int v) {
    int* n = static_cast<int*>(soap_malloc(soap, sizeof(int)));
    *n = v;
    return n;
  };
  auto* shipment = soap_new_iib__FormTaskShipmentBE(soap);
  shipment->Reportee = text(o.reportee);
  shipment->ExternalShipmentReference = text("ext-" + reference);
  shipment->FormTasks = soap_new_iib__FormTask(soap);
  shipment->FormTasks->ServiceCode = text(o.service_code);
  shipment->FormTasks->ServiceEdition = number(o.service_edition);
  shipment->FormTasks->Forms = soap_new_iib__ArrayOfForm(soap);
  auto* form = soap_new_iib__Form(soap);
  form->DataFormatId = text(o.format_id);
  form->DataFormatVersion = number(o.format_version);
  form->EndUserSystemReference = text(reference);
  form->FormData = text("<Skjema><Navn>Strømmetest</Navn></Skjema>");
  shipment->FormTasks->Forms->Form.push_back(form);
  req.formTaskShipment = shipment;
  if (c->SubmitFormTaskBasic(&req, resp) != SOAP_OK) throw std::runtime_error("SubmitFormTaskBasic: " + faultText(soap));
  const auto* receipt = resp.SubmitFormTaskBasicResult;
  if (receipt && receipt->References) {
    for (const auto* ref : receipt->References->ReferenceBE) {
      if (ref && ref->ReferenceTypeName == iib__ReferenceTypeExternal__ArchiveReference && ref->ReferenceValue &&
          ref->ReferenceValue->rfind("AR", 0) == 0) {
        return std::stoi(ref->ReferenceValue->substr(2));
      }
    }
  }
  throw std::runtime_error("SubmitFormTaskBasic: no archive reference in the receipt");
}

Transfer upload(const Options& o, const std::string& password, int element, int& attachment_id) {
  Transfer t;
  const std::string endpoint = o.url + kInboundStreamedPath;
  auto c = proxy<InboundStreamedProxy>(o, endpoint, o.cert, o.key);
  struct soap* soap = c->soap;
  soap_set_omode(soap, SOAP_ENC_MTOM);
  soap->fmimereadopen = [](struct soap*, void* handle, const char*, const char*, const char*) { return handle; };
  soap->fmimeread = [](struct soap*, void* handle, char* buffer, size_t length) -> size_t {
    return static_cast<Source*>(handle)->fill(buffer, length);
  };
  soap->fmimereadclose = [](struct soap*, void*) {};
  auto text = [&](const std::string& v) {
    auto* s = soap_new_std__string(soap);
    *s = v;
    return s;
  };
  int* id = static_cast<int*>(soap_malloc(soap, sizeof(int)));
  *id = element;
  // By name: every service's header elements share one generated SOAP_ENV__Header.
  SOAP_ENV__Header* header = soap_new_SOAP_ENV__Header(soap);
  header->iibs__AttachmentTypeName = text("application/octet-stream");
  header->iibs__EndUserSystemreference = text("bench");
  header->iibs__FileName = text("bench.bin");
  header->iibs__Name = text("bench");
  header->iibs__ReporteeElementId = id;
  header->iibs__password = text(password);
  header->iibs__userName = text(o.user);
  soap->header = header;
  Source source;
  source.total = o.bytes;
  _iibs__StreamedAttachmentBasicBE request;
  request.dataStream.__ptr = reinterpret_cast<unsigned char*>(&source);
  request.dataStream.__size = static_cast<int>(o.bytes);
  request.dataStream.id = soap_strdup(soap, "cid:bench-part@stream-load");
  request.dataStream.type = soap_strdup(soap, "application/octet-stream");
  request.dataStream.options = nullptr;
  _iibs__ReceiptExternalStreamedBE receipt;
  const auto start = Clock::now();
  const int rc = c->SubmitAttachmentStreamedBasic(&request, receipt);
  t.ms = msSince(start);
  t.bytes = source.produced;
  if (rc != SOAP_OK) {
    t.error = "upload: " + faultText(soap);
    return t;
  }
  const std::string receipt_text = receipt.ReceiptText ? *receipt.ReceiptText : "";
  if (receipt_text.rfind("Attachment ", 0) != 0) {
    t.error = "upload: unexpected receipt '" + receipt_text + "'";
    return t;
  }
  attachment_id = std::stoi(receipt_text.substr(11));
  t.ok = t.bytes == o.bytes;
  if (!t.ok) t.error = "upload: sent " + std::to_string(t.bytes) + " bytes";
  return t;
}

struct Sink {
  std::uint64_t bytes = 0;
};

// The response's part is counted as it arrives, never kept. By default the part is read after the
// call returns (SOAP_MIME_POSTCHECK), a receive buffer at a time (gateway/mime/mime_part_reader.h,
// as gatewayd reads uploads); --gsoap-mime leaves it to gSOAP's per-character scan inside the call,
// which made this client, not the gateway, the limit of the download runs (docs/performance.md).
void countPartsAsTheyArrive(const Options& o, struct soap* soap, Sink& sink) {
  soap->user = &sink;
  soap->fmimewriteopen = [](struct soap* s, void*, const char*, const char*, const char*,
                            enum soap_mime_encoding) -> void* { return s->user; };
  soap->fmimewrite = [](struct soap*, void* handle, const char*, size_t length) -> int {
    static_cast<Sink*>(handle)->bytes += length;
    return SOAP_OK;
  };
  soap->fmimewriteclose = [](struct soap*, void*) {};
  if (!o.gsoap_mime) soap->imode |= SOAP_MIME_POSTCHECK;
}

// After a successful call: the parts the call left unread (none with --gsoap-mime).
int readRemainingParts(struct soap* soap) {
  if (!(soap->imode & SOAP_MIME_POSTCHECK)) return SOAP_OK;
  return gateway::mime::readMimeParts(soap, nullptr);
}

Transfer download(const Options& o, const std::string& owner_password, int attachment_id) {
  Transfer t;
  const std::string endpoint = o.url + kArchiveStreamedPath;
  auto c = proxy<ArchiveStreamedProxy>(o, endpoint, o.owner_cert, o.owner_key);
  struct soap* soap = c->soap;
  Sink sink;
  countPartsAsTheyArrive(o, soap, sink);
  _soas__GetAttachmentDataStreamedBasic request;
  _soas__GetAttachmentDataStreamedBasicResponse response;
  request.systemUserName = soap_new_std__string(soap);
  *request.systemUserName = o.owner_user;
  request.systemPassword = soap_new_std__string(soap);
  *request.systemPassword = owner_password;
  request.attachmentId = static_cast<int*>(soap_malloc(soap, sizeof(int)));
  *request.attachmentId = attachment_id;
  const auto start = Clock::now();
  int rc = c->GetAttachmentDataStreamedBasic(&request, response);
  if (rc == SOAP_OK) rc = readRemainingParts(soap);
  t.ms = msSince(start);
  t.bytes = sink.bytes;
  if (rc != SOAP_OK) {
    t.error = "download: " + faultText(soap);
    return t;
  }
  t.ok = t.bytes == o.bytes;
  if (!t.ok) t.error = "download: received " + std::to_string(t.bytes) + " bytes";
  return t;
}

// ---- broker mode --------------------------------------------------------------------------------

// The owner lets the reportee send (Write, condition sender) and receive (Read, condition recipient).
void grantBrokerRights(const Options& o, const std::string& owner_password) {
  const std::string endpoint = o.url + kRightsPath;
  auto c = proxy<RightsProxy>(o, endpoint, o.owner_cert, o.owner_key);
  struct soap* soap = c->soap;
  _srra__AddRightsBasic req;
  _srra__AddRightsBasicResponse resp;
  req.systemUserName = o.owner_user;
  req.systemPassword = owner_password;
  req.serviceCode = o.broker_service;
  req.serviceEditionCode = 1;
  req.insertRightList = soap_new_srr__AddRightRequestList(soap);
  for (auto [right, condition] : {std::pair{reg__RegisterSRRRightsType__Write, "sender"},
                                  std::pair{reg__RegisterSRRRightsType__Read, "recipient"}}) {
    auto* r = soap_new_srr__AddRightRequest(soap);
    r->Reportee = soap_new_std__string(soap);
    *r->Reportee = o.reportee;
    r->Right = right;
    r->Condition = soap_new_std__string(soap);
    *r->Condition = condition;
    r->ValidTo = std::time(nullptr) + 24 * 3600;
    req.insertRightList->AddRightRequest.push_back(r);
  }
  if (c->AddRightsBasic(&req, resp) != SOAP_OK) throw std::runtime_error("AddRightsBasic: " + faultText(soap));
}

// A new shipment from the reportee to itself; its file reference.
std::string initiateShipment(const Options& o, const std::string& password, const std::string& reference) {
  const std::string endpoint = o.url + kBrokerPath;
  auto c = proxy<BrokerProxy>(o, endpoint, o.cert, o.key);
  struct soap* soap = c->soap;
  auto text = [&](const std::string& v) {
    auto* s = soap_new_std__string(soap);
    *s = v;
    return s;
  };
  _brk__InitiateBrokerServiceBasic req;
  _brk__InitiateBrokerServiceBasicResponse resp;
  req.systemUserName = o.user;
  req.systemPassword = password;
  req.brokerServiceInitiation = soap_new_brks__BrokerServiceInitiation(soap);
  auto* m = soap_new_brks__Manifest(soap);
  m->ExternalServiceCode = text(o.broker_service);
  m->ExternalServiceEditionCode = 1;
  m->Reportee = text(o.reportee);
  m->SendersReference = text(reference);
  req.brokerServiceInitiation->Manifest = m;
  req.brokerServiceInitiation->RecipientList = soap_new_brks__ArrayOfRecipient(soap);
  auto* recipient = soap_new_brks__Recipient(soap);
  recipient->PartyNumber = text(o.reportee);
  req.brokerServiceInitiation->RecipientList->Recipient.push_back(recipient);
  if (c->InitiateBrokerServiceBasic(&req, resp) != SOAP_OK || !resp.InitiateBrokerServiceBasicResult) {
    throw std::runtime_error("InitiateBrokerServiceBasic: " + faultText(soap));
  }
  return *resp.InitiateBrokerServiceBasicResult;
}

Transfer brokerUpload(const Options& o, const std::string& password, const std::string& file_reference) {
  Transfer t;
  const std::string endpoint = o.url + kBrokerStreamedPath;
  auto c = proxy<BrokerProxy>(o, endpoint, o.cert, o.key);
  struct soap* soap = c->soap;
  soap_set_omode(soap, SOAP_ENC_MTOM);
  soap->fmimereadopen = [](struct soap*, void* handle, const char*, const char*, const char*) { return handle; };
  soap->fmimeread = [](struct soap*, void* handle, char* buffer, size_t length) -> size_t {
    return static_cast<Source*>(handle)->fill(buffer, length);
  };
  soap->fmimereadclose = [](struct soap*, void*) {};
  auto text = [&](const std::string& v) {
    auto* s = soap_new_std__string(soap);
    *s = v;
    return s;
  };
  SOAP_ENV__Header* header = soap_new_SOAP_ENV__Header(soap);
  header->brk__FileName = text("bench.zip");
  header->brk__Reference = text(file_reference);
  header->brk__Reportee = text(o.reportee);
  header->brk__SystemPassword = text(password);
  header->brk__SystemUserName = text(o.user);
  soap->header = header;
  Source source;
  source.total = o.bytes;
  source.zip = true;
  _brk__StreamedPayloadBasicBE request;
  request.DataStream.__ptr = reinterpret_cast<unsigned char*>(&source);
  request.DataStream.__size = static_cast<int>(o.bytes);
  request.DataStream.id = soap_strdup(soap, "cid:bench-part@stream-load");
  request.DataStream.type = soap_strdup(soap, "application/octet-stream");
  request.DataStream.options = nullptr;
  _brk__ReceiptExternalStreamedBE receipt;
  const auto start = Clock::now();
  const int rc = c->UploadFileStreamedBasic(&request, receipt);
  t.ms = msSince(start);
  t.bytes = source.produced;
  if (rc != SOAP_OK) {
    t.error = "broker upload: " + faultText(soap);
    return t;
  }
  t.ok = t.bytes == o.bytes && receipt.ReceiptStatusCode && *receipt.ReceiptStatusCode == "OK";
  if (!t.ok) t.error = "broker upload: sent " + std::to_string(t.bytes) + " bytes";
  return t;
}

Transfer brokerDownload(const Options& o, const std::string& password, const std::string& file_reference) {
  Transfer t;
  const std::string endpoint = o.url + kBrokerStreamedPath;
  auto c = proxy<BrokerProxy>(o, endpoint, o.cert, o.key);
  struct soap* soap = c->soap;
  Sink sink;
  countPartsAsTheyArrive(o, soap, sink);
  _brk__DownloadFileStreamedBasic request;
  _brk__DownloadFileStreamedBasicResponse response;
  request.systemUserName = o.user;
  request.systemPassword = password;
  request.fileReference = file_reference;
  request.reportee = o.reportee;
  const auto start = Clock::now();
  int rc = c->DownloadFileStreamedBasic(&request, response);
  if (rc == SOAP_OK) rc = readRemainingParts(soap);
  t.ms = msSince(start);
  t.bytes = sink.bytes;
  if (rc != SOAP_OK) {
    t.error = "broker download: " + faultText(soap);
    return t;
  }
  t.ok = t.bytes == o.bytes;
  if (!t.ok) t.error = "broker download: received " + std::to_string(t.bytes) + " bytes";
  return t;
}

// ---- baseline mode: a bare TLS sink/source ----------------------------------------------------

SSL_CTX* tlsContext(bool server, const Options& o) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  const std::string& cert = server ? o.server_cert : o.cert;
  const std::string& key = server ? o.server_key : o.key;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(ctx, o.ca.c_str(), nullptr) != 1) {
    throw std::runtime_error("cannot load the baseline's TLS files");
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), nullptr);
  return ctx;
}

bool writeAll(SSL* ssl, const char* data, std::size_t n) {
  while (n > 0) {
    const int w = SSL_write(ssl, data, static_cast<int>(n));
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

// One line "U <bytes>" (the client sends that many bytes, the server answers "OK\n") or
// "D <bytes>" (the server sends that many bytes).
void serveBaseline(SSL_CTX* ctx, int fd, std::uint64_t) {
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
    char line[64] = {0};
    std::size_t got = 0;
    while (got + 1 < sizeof(line)) {
      const int r = SSL_read(ssl, line + got, 1);
      if (r <= 0) break;
      if (line[got++] == '\n') break;
    }
    const std::uint64_t n = std::strtoull(line + 2, nullptr, 10);
    std::vector<char> buffer(kPiece);
    if (line[0] == 'U') {
      std::uint64_t read = 0;
      while (read < n) {
        const int r = SSL_read(ssl, buffer.data(), static_cast<int>(buffer.size()));
        if (r <= 0) break;
        read += static_cast<std::uint64_t>(r);
      }
      writeAll(ssl, "OK\n", 3);
    } else if (line[0] == 'D') {
      Source s;
      s.total = n;
      while (std::size_t k = s.fill(buffer.data(), buffer.size())) {
        if (!writeAll(ssl, buffer.data(), k)) break;
      }
    }
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  close(fd);
}

int connectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

Transfer baselineTransfer(SSL_CTX* ctx, int port, bool up, std::uint64_t bytes) {
  Transfer t;
  const auto start = Clock::now();
  const int fd = connectLoopback(port);
  if (fd < 0) {
    t.error = "connect failed";
    return t;
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::vector<char> buffer(kPiece);
  if (SSL_connect(ssl) == 1) {
    const std::string line = std::string(up ? "U " : "D ") + std::to_string(bytes) + "\n";
    writeAll(ssl, line.data(), line.size());
    if (up) {
      Source s;
      s.total = bytes;
      while (std::size_t k = s.fill(buffer.data(), buffer.size())) {
        if (!writeAll(ssl, buffer.data(), k)) break;
      }
      t.bytes = s.produced;
      char ok[3];
      t.ok = SSL_read(ssl, ok, 3) == 3 && t.bytes == bytes;
    } else {
      while (t.bytes < bytes) {
        const int r = SSL_read(ssl, buffer.data(), static_cast<int>(buffer.size()));
        if (r <= 0) break;
        t.bytes += static_cast<std::uint64_t>(r);
      }
      t.ok = t.bytes == bytes;
    }
  }
  if (!t.ok) t.error = "baseline transfer failed";
  SSL_shutdown(ssl);
  SSL_free(ssl);
  close(fd);
  t.ms = msSince(start);
  return t;
}

// ---- report -------------------------------------------------------------------------------------

struct Summary {
  double mb_per_s = 0, p50_ms = 0, max_ms = 0, rss_growth_per_transfer_kb = 0;
  double client_cpu_ms_per_mb = 0, server_cpu_ms_per_mb = 0;  // CPU time per MB moved (steadier than MB/s)
  long rss_peak_growth_kb = 0;
  int ok = 0, errors = 0;
  std::string first_error;
};

Summary summarise(const Options& o, const std::vector<Phase>& phases) {
  Summary s;
  std::vector<double> ms;
  double bytes = 0, wall = 0, client_cpu = 0, server_cpu = 0;
  for (const auto& p : phases) {
    wall += p.wall_s;
    client_cpu += p.client_cpu_s;
    server_cpu += p.server_cpu_s;
    s.rss_peak_growth_kb = std::max(s.rss_peak_growth_kb, p.rss_peak_kb - p.rss_before_kb);
    for (const auto& t : p.transfers) {
      if (t.ok) {
        ++s.ok;
        bytes += static_cast<double>(t.bytes);
        ms.push_back(t.ms);
      } else {
        ++s.errors;
        if (s.first_error.empty()) s.first_error = t.error;
      }
    }
  }
  std::sort(ms.begin(), ms.end());
  if (!ms.empty()) {
    s.p50_ms = ms[ms.size() / 2];
    s.max_ms = ms.back();
  }
  s.mb_per_s = wall > 0 ? bytes / 1e6 / wall : 0;
  if (bytes > 0) {
    s.client_cpu_ms_per_mb = client_cpu * 1e3 / (bytes / 1e6);
    s.server_cpu_ms_per_mb = server_cpu * 1e3 / (bytes / 1e6);
  }
  s.rss_growth_per_transfer_kb = static_cast<double>(s.rss_peak_growth_kb) / o.clients;
  return s;
}

std::string fixed(double v, int d) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(d);
  out << v;
  return out.str();
}

std::string jsonEscaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

std::string report(const std::string& phase, const Options& o, const Summary& s, bool rss) {
  std::cout << "  " << phase << ": " << fixed(s.mb_per_s, 1) << " MB/s aggregate, " << s.ok << " x "
            << o.bytes / 1000000.0 << " MB, per transfer p50 " << fixed(s.p50_ms, 0) << " ms, max "
            << fixed(s.max_ms, 0) << " ms, errors " << s.errors << ", CPU per MB: client "
            << fixed(s.client_cpu_ms_per_mb, 2) << " ms" << (rss ? ", gatewayd " + fixed(s.server_cpu_ms_per_mb, 2) + " ms" : "");
  if (rss) {
    std::cout << ", gatewayd RSS growth " << s.rss_peak_growth_kb << " kB peak (" << fixed(s.rss_growth_per_transfer_kb, 0)
              << " kB per transfer in flight)";
  }
  if (!s.first_error.empty()) std::cout << "; first error: " << s.first_error;
  std::cout << "\n";
  return "\"" + phase + "\":{\"mb_per_s\":" + fixed(s.mb_per_s, 2) + ",\"ok\":" + std::to_string(s.ok) +
         ",\"errors\":" + std::to_string(s.errors) + ",\"p50_ms\":" + fixed(s.p50_ms, 1) +
         ",\"max_ms\":" + fixed(s.max_ms, 1) + ",\"client_cpu_ms_per_mb\":" + fixed(s.client_cpu_ms_per_mb, 3) +
         ",\"server_cpu_ms_per_mb\":" + fixed(s.server_cpu_ms_per_mb, 3) + ",\"rss_growth_kb\":" + std::to_string(s.rss_peak_growth_kb) +
         ",\"rss_growth_per_transfer_kb\":" + fixed(s.rss_growth_per_transfer_kb, 1) + ",\"first_error\":\"" +
         jsonEscaped(s.first_error.substr(0, 300)) + "\"}";
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::vector<Phase> ups, downs;
  long hwm_before = 0;
  try {
    if (o.baseline) {
      SSL_CTX* server_ctx = tlsContext(true, o);
      SSL_CTX* client_ctx = tlsContext(false, o);
      const int listener = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof(a);
      if (bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(listener, 64) != 0 ||
          getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        throw std::runtime_error("cannot listen on loopback");
      }
      const int port = ntohs(a.sin_port);
      std::thread acceptor([&] {
        for (;;) {
          const int fd = accept(listener, nullptr, nullptr);
          if (fd < 0) return;
          std::thread(serveBaseline, server_ctx, fd, o.bytes).detach();
        }
      });
      acceptor.detach();
      for (int r = 0; r < o.rounds; ++r) {
        ups.push_back(runPhase(o.clients, 0, [&](int) { return baselineTransfer(client_ctx, port, true, o.bytes); }));
        downs.push_back(runPhase(o.clients, 0, [&](int) { return baselineTransfer(client_ctx, port, false, o.bytes); }));
      }
    } else {
      soap_ssl_init();
      const std::string password = readSecret(o.password_file);
      const std::string owner_password = readSecret(o.owner_password_file);
      const auto stamp = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
      if (o.broker) grantBrokerRights(o, owner_password);
      // Round -1 is a warm-up of 1 MB transfers (not reported): the gateway's first requests touch
      // worker stacks, TLS and database state once, which is not memory per upload.
      for (int r = -1; r < o.rounds; ++r) {
        if (r == 0 && o.gateway_pid > 0) hwm_before = procStatusKb(o.gateway_pid, "VmHWM");
        Options round_options = o;
        if (r < 0) round_options.bytes = std::min<std::uint64_t>(o.bytes, 1000000);
        const Options& ro = round_options;
        std::vector<int> elements(o.clients), attachments(o.clients, 0);
        std::vector<std::string> shipments(o.clients);
        for (int i = 0; i < o.clients; ++i) {
          const std::string reference = "stream-" + stamp + "-" + std::to_string(r) + "-" + std::to_string(i);
          if (o.broker) {
            shipments[i] = initiateShipment(o, password, reference);
          } else {
            elements[i] = newFormTask(o, password, reference);
          }
        }
        Phase up = runPhase(o.clients, o.gateway_pid, [&](int i) {
          if (o.broker) return brokerUpload(ro, password, shipments[i]);
          return upload(ro, password, elements[i], attachments[i]);
        });
        Phase down = runPhase(o.clients, o.gateway_pid, [&](int i) {
          if (o.broker) return brokerDownload(ro, password, shipments[i]);
          if (attachments[i] == 0) return Transfer{false, 0, 0, "no attachment to download (upload failed)"};
          return download(ro, owner_password, attachments[i]);
        });
        if (r < 0) continue;
        ups.push_back(std::move(up));
        downs.push_back(std::move(down));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "stream_load: " << e.what() << "\n";
    return 1;
  }
  std::cout << o.label << ": " << o.clients << " client(s), " << o.rounds << " round(s)\n";
  const bool rss = !o.baseline && o.gateway_pid > 0;
  const std::string up_json = report("upload", o, summarise(o, ups), rss);
  const std::string down_json = report("download", o, summarise(o, downs), rss);
  std::string hwm;
  if (rss) {
    const long hwm_after = procStatusKb(o.gateway_pid, "VmHWM");
    std::cout << "  gatewayd VmHWM " << hwm_before << " kB before the measured rounds, " << hwm_after
              << " kB after (" << fixed(static_cast<double>(hwm_after - hwm_before) / o.clients, 0)
              << " kB per transfer in flight)\n";
    hwm = ",\"vmhwm_before_kb\":" + std::to_string(hwm_before) + ",\"vmhwm_after_kb\":" + std::to_string(hwm_after);
  }
  std::cout << "RESULT {\"label\":\"" << jsonEscaped(o.label) << "\",\"baseline\":" << (o.baseline ? "true" : "false")
            << ",\"clients\":" << o.clients << ",\"rounds\":" << o.rounds << ",\"bytes\":" << o.bytes << "," << up_json
            << "," << down_json << hwm << "}\n";
  return 0;
}
