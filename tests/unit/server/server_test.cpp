#define BOOST_TEST_MODULE server
#include <boost/test/unit_test.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "server/server.h"
#include "services/request_context.h"
#include "services/soap_fault.h"
#include "stdsoap2.h"
#include "test_pki.h"
#include "tls_client.h"

using namespace gateway;
using namespace std::chrono_literals;
using test_client::TlsClient;

namespace {

constexpr char kPath[] = "/Test/DummyService.svc";

struct DummyState {
  std::atomic<int> calls{0};
  std::atomic<int> slow_started{0};
  std::atomic<int> last_version{0};
  std::mutex mutex;
  std::string last_org;
};

// Answers every operation with <EchoResponse/>; "Slow" takes 700 ms, "Fail" returns a fault the
// server must send.
class DummyBound : public services::BoundEndpoint {
 public:
  DummyBound(struct soap* soap, DummyState& state) : soap_(soap), state_(state) {}
  int dispatch() override {
    // As the generated dispatch() does: re-installing the namespace table resets soap->version.
    soap_set_namespaces(soap_, namespaces);
    ++state_.calls;
    std::string operation = soap_->tag;
    operation = operation.substr(operation.find(':') + 1);
    // Read the whole request first, as generated code does before calling the operation.
    if (skipElement() || soap_body_end_in(soap_) || soap_envelope_end_in(soap_) || soap_end_recv(soap_)) {
      return soap_->error;
    }
    state_.last_version = soap_->version;
    {
      std::lock_guard lock(state_.mutex);
      state_.last_org = services::requestContext(soap_).certificate.org_number.value_or("");
    }
    if (operation == "Slow") {
      ++state_.slow_started;
      std::this_thread::sleep_for(700ms);
    }
    if (operation == "Fail") return services::toSoapFault(soap_, Status::InvalidArgument("dummy refuses"), "Fail");
    const bool v12 = soap_->version == 2;
    const std::string envelope =
        std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><e:Envelope xmlns:e=\"") +
        (v12 ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/") +
        "\"><e:Body><EchoResponse xmlns=\"urn:test\"/></e:Body></e:Envelope>";
    soap_->http_content = v12 ? "application/soap+xml; charset=utf-8" : "text/xml; charset=utf-8";
    if (soap_response(soap_, SOAP_FILE) || soap_send(soap_, envelope.c_str()) || soap_end_send(soap_)) {
      return soap_->error;
    }
    return SOAP_OK;
  }

 private:
  // Reads the element the server peeked at, children included, through the engine's element
  // functions, so the engine's limits (depth, size) apply as they do to generated code.
  int skipElement() {
    if (soap_element_begin_in(soap_, nullptr, 0, nullptr)) return soap_->error;
    if (soap_->body) {
      for (;;) {
        if (soap_peek_element(soap_)) {
          if (soap_->error != SOAP_NO_TAG) return soap_->error;
          soap_->error = SOAP_OK;
          break;
        }
        if (skipElement()) return soap_->error;
      }
      return soap_element_end_in(soap_, nullptr);
    }
    return SOAP_OK;  // <empty/>: nothing more to read
  }

  struct soap* soap_;
  DummyState& state_;
};

class DummyEndpoint : public services::Endpoint {
 public:
  DummyEndpoint(std::string path, std::string wsdl, DummyState& state)
      : path_(std::move(path)), wsdl_(std::move(wsdl)), state_(state) {}
  const std::string& path() const override { return path_; }
  const std::string& wsdlFile() const override { return wsdl_; }
  std::unique_ptr<services::BoundEndpoint> bind(struct soap* worker) override {
    return std::make_unique<DummyBound>(worker, state_);
  }

 private:
  std::string path_, wsdl_;
  DummyState& state_;
};

const char kWsdl[] =
    "<?xml version=\"1.0\"?>\n<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\" "
    "xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" xmlns:soap12=\"http://schemas.xmlsoap.org/wsdl/soap12/\">"
    "<wsdl:service name=\"Dummy\"><wsdl:port name=\"p\" binding=\"b\">"
    "<soap:address location=\"http://old.example/x.svc\"/></wsdl:port>"
    "<wsdl:port name=\"p12\" binding=\"b12\"><soap12:address location='http://old.example/x.svc'/></wsdl:port>"
    "</wsdl:service></wsdl:definitions>\n";

const test_pki::Pki& pki() {
  static test_pki::Pki instance;
  return instance;
}

struct ServerFixture {
  explicit ServerFixture(int workers = 2, std::function<void(config::GatewayConfig&)> adjust = {}) {
    {
      std::ofstream(pki().dir() + "/Dummy.wsdl") << kWsdl;
    }
    config.server.host = "127.0.0.1";
    config.server.port = 0;
    config.server.public_base_url = "https://127.0.0.1:0";
    config.server.workers = workers;
    config.server.ready_file = pki().dir() + "/ready";
    config.tls.certificate = pki().pem("server");
    config.tls.key = pki().key("server");
    config.tls.client_ca = pki().pem("ca");
    config.tls.crl = pki().crl();
    config.limits.max_message_bytes = 64 * 1024;
    config.limits.max_depth = 30;
    config.limits.recv_timeout_seconds = 5;
    config.limits.send_timeout_seconds = 5;
    config.limits.idle_timeout_seconds = 30;
    config.wsdl_dir = pki().dir();
    if (adjust) adjust(config);
    std::vector<std::unique_ptr<services::Endpoint>> endpoints;
    endpoints.push_back(std::make_unique<DummyEndpoint>(kPath, "Dummy.wsdl", state));
    auto created = server::Server::create(config, std::move(endpoints), [this] {
      return healthy.load() ? Status::Ok() : Status::Unavailable("database is down");
    });
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
    server = std::move(created).value();
    auto started = server->start();
    BOOST_REQUIRE_MESSAGE(started.ok(), started.message());
  }
  ~ServerFixture() { server->stop(); }

  test_client::Options as(const std::string& identity) const {
    test_client::Options o;
    if (!identity.empty()) {
      o.cert = pki().pem(identity);
      o.key = pki().key(identity);
    }
    o.ca = pki().pem("ca");
    return o;
  }
  std::unique_ptr<TlsClient> connect(const std::string& identity = "agency") {
    std::string error;
    auto client = TlsClient::connect(server->port(), as(identity), &error);
    BOOST_REQUIRE_MESSAGE(client, error);
    return client;
  }
  std::optional<test_client::HttpResponse> roundTrip(TlsClient& client, const std::string& request) {
    if (!client.send(request)) return std::nullopt;
    return client.readResponse();
  }
  // True when `identity` gets no HTTP answer at all: the handshake or the first read fails.
  bool refused(const std::string& identity, int max_version = 0) {
    auto options = as(identity);
    options.max_version = max_version;
    auto client = TlsClient::connect(server->port(), options);
    if (!client) return true;
    if (!client->send(test_client::get("/health"))) return true;
    return !client->readResponse().has_value();
  }

  DummyState state;
  std::atomic<bool> healthy{true};
  config::GatewayConfig config;
  std::unique_ptr<server::Server> server;
};

std::string echo() { return test_client::soap11("<Echo xmlns=\"urn:test\"><x>1</x></Echo>"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ServerOverMutualTls)

BOOST_FIXTURE_TEST_CASE(WritesTheBoundPortToTheReadyFile, ServerFixture) {
  std::ifstream in(config.server.ready_file);
  int port = 0;
  in >> port;
  BOOST_TEST(port == server->port());
  BOOST_TEST(port > 0);
  BOOST_TEST(server->publicBaseUrl() == "https://127.0.0.1:" + std::to_string(port));
}

BOOST_FIXTURE_TEST_CASE(ServesASoapRequestWithTheCertificateIdentity, ServerFixture) {
  auto client = connect("agency");
  auto response = roundTrip(*client, test_client::post(kPath, echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  BOOST_TEST(response->body.find("EchoResponse") != std::string::npos);
  BOOST_TEST(response->header("x-request-id").size() == 16u);
  BOOST_TEST(state.calls == 1);
  std::lock_guard lock(state.mutex);
  BOOST_TEST(state.last_org == "910000004");
}

BOOST_FIXTURE_TEST_CASE(MatchesThePathCaseInsensitivelyAndIgnoresTheQuery, ServerFixture) {
  auto client = connect("agency2");
  auto response = roundTrip(*client, test_client::post("/test/dummyservice.SVC?x=1", echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  std::lock_guard lock(state.mutex);
  BOOST_TEST(state.last_org == "910000101");
}

BOOST_FIXTURE_TEST_CASE(KeepsTheConnectionAliveBetweenRequests, ServerFixture) {
  auto client = connect();
  for (int i = 0; i < 5; ++i) {
    auto response = roundTrip(*client, test_client::post(kPath, echo()));
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 200);
    BOOST_TEST(response->header("connection") != "close");
  }
  BOOST_TEST(state.calls == 5);
}

BOOST_FIXTURE_TEST_CASE(AcceptsSoap12Envelopes, ServerFixture) {
  auto client = connect();
  auto response =
      roundTrip(*client, test_client::post(kPath, test_client::soap12("<Echo xmlns=\"urn:test\"/>"), true));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  BOOST_TEST(response->header("content-type").find("application/soap+xml") == 0u);
  BOOST_TEST(state.last_version == 2);
}

BOOST_FIXTURE_TEST_CASE(AnswersSoap12FaultsInSoap12, ServerFixture) {
  auto client = connect();
  auto response = roundTrip(*client, test_client::post(kPath, test_client::soap12("<Fail xmlns=\"urn:test\"/>"), true));
  BOOST_REQUIRE(response);
  BOOST_TEST((response->status == 400 || response->status == 500));
  BOOST_TEST(response->header("content-type").find("application/soap+xml") == 0u);
  BOOST_TEST(response->body.find("http://www.w3.org/2003/05/soap-envelope") != std::string::npos);
  BOOST_TEST(response->body.find("Sender") != std::string::npos);
  BOOST_TEST(response->body.find("faultcode") == std::string::npos);  // no SOAP 1.1 fault inside
  BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
  BOOST_TEST_MESSAGE(response->status << " " << response->body);
}

BOOST_FIXTURE_TEST_CASE(RequiresAClientCertificate, ServerFixture) {
  BOOST_TEST(refused(""));
  BOOST_TEST(state.calls == 0);
}

BOOST_FIXTURE_TEST_CASE(RefusesUntrustedExpiredAndRevokedCertificates, ServerFixture) {
  BOOST_TEST(refused("untrusted"));
  BOOST_TEST(refused("expired"));
  BOOST_TEST(refused("revoked"));
  BOOST_TEST(!refused("agency"));
}

BOOST_FIXTURE_TEST_CASE(RefusesTlsOlderThan12, ServerFixture) {
  BOOST_TEST(refused("agency", TLS1_1_VERSION));
  BOOST_TEST(!refused("agency", TLS1_2_VERSION));
}

BOOST_FIXTURE_TEST_CASE(ResumesTlsSessions, ServerFixture) {
  // TLS 1.3 tickets; TLS 1.2 tickets; TLS 1.2 session IDs (server-side cache).
  for (auto [version, no_tickets] : {std::pair{0, false}, std::pair{TLS1_2_VERSION, false},
                                     std::pair{TLS1_2_VERSION, true}}) {
    BOOST_TEST_CONTEXT("max version " << version << ", no tickets " << no_tickets) {
      auto options = as("agency");
      options.max_version = version;
      options.no_tickets = no_tickets;
      SSL_SESSION* session = nullptr;
      {
        auto first = TlsClient::connect(server->port(), options);
        BOOST_REQUIRE(first);
        auto response = roundTrip(*first, test_client::get("/health"));  // TLS 1.3 tickets come with the first read
        BOOST_REQUIRE(response);
        session = SSL_get1_session(first->ssl());
        BOOST_REQUIRE(session);
        BOOST_TEST(!SSL_session_reused(first->ssl()));
      }
      options.session = session;
      auto second = TlsClient::connect(server->port(), options);
      BOOST_REQUIRE(second);
      BOOST_TEST(SSL_session_reused(second->ssl()) == 1);
      // The resumed session still carries the client's identity.
      auto response = roundTrip(*second, test_client::post(kPath, echo()));
      BOOST_REQUIRE(response);
      BOOST_TEST(response->status == 200);
      {
        std::lock_guard lock(state.mutex);
        BOOST_TEST(state.last_org == "910000004");
      }
      SSL_SESSION_free(session);
    }
  }
}

// The CRL file of the reload tests: a copy of their own, so revoking agency reaches no other case.
std::string reloadCrlPath() { return pki().dir() + "/reload-crl.pem"; }

void replaceReloadCrl(const std::string& text) {
  const std::string temp = reloadCrlPath() + ".tmp";
  std::ofstream(temp, std::ios::trunc) << text;
  std::filesystem::rename(temp, reloadCrlPath());  // atomic, as an operator's tooling should do it
}

struct CrlReloadFixture : ServerFixture {
  explicit CrlReloadFixture(int reload_seconds = 0)
      : ServerFixture(2, [reload_seconds](config::GatewayConfig& c) {
          replaceReloadCrl(pki().crlPem({6}));
          c.tls.crl = reloadCrlPath();
          c.tls.crl_reload_seconds = reload_seconds;
        }) {}

  // A session of `identity` from a full handshake and one request, for resumption attempts.
  SSL_SESSION* sessionOf(const std::string& identity, int max_version, bool no_tickets) {
    auto options = as(identity);
    options.max_version = max_version;
    options.no_tickets = no_tickets;
    auto first = TlsClient::connect(server->port(), options);
    BOOST_REQUIRE(first);
    BOOST_REQUIRE(roundTrip(*first, test_client::get("/health")));  // TLS 1.3 tickets come with the first read
    return SSL_get1_session(first->ssl());
  }

  // The resumption really happens (reused) and the request is answered (true), or not.
  bool resumedAndAnswered(SSL_SESSION* session, int max_version, bool no_tickets, bool* reused = nullptr) {
    auto options = as("agency");
    options.max_version = max_version;
    options.no_tickets = no_tickets;
    options.session = session;
    auto client = TlsClient::connect(server->port(), options);
    if (!client) return false;
    if (reused) *reused = SSL_session_reused(client->ssl()) == 1;
    auto response = roundTrip(*client, test_client::get("/health"));
    return response && response->status == 200;
  }
};

struct PeriodicCrlReloadFixture : CrlReloadFixture {
  PeriodicCrlReloadFixture() : CrlReloadFixture(1) {}
};

constexpr std::pair<int, bool> kResumptionKinds[] = {
    {0, false}, {TLS1_2_VERSION, false}, {TLS1_2_VERSION, true}};  // TLS 1.3 tickets, 1.2 tickets, 1.2 session IDs

BOOST_FIXTURE_TEST_CASE(ARevocationReloadedOnRequestRefusesNewResumedAndKeptAliveConnections, CrlReloadFixture) {
  std::vector<SSL_SESSION*> sessions;
  for (auto [version, no_tickets] : kResumptionKinds) {
    sessions.push_back(sessionOf("agency", version, no_tickets));
    bool reused = false;
    BOOST_TEST(resumedAndAnswered(sessions.back(), version, no_tickets, &reused));
    BOOST_TEST(reused);  // so the attempts below do try to resume
  }
  auto kept = connect("agency");
  BOOST_REQUIRE(roundTrip(*kept, test_client::get("/health")));
  SSL_SESSION* other = sessionOf("agency2", 0, false);

  replaceReloadCrl(pki().crlPem({3, 6}));  // agency is serial 3
  BOOST_TEST(!refused("agency"));          // reload-on-request only (crl_reload_seconds = 0)
  server->reloadCrl();

  BOOST_TEST(refused("agency"));
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    auto [version, no_tickets] = kResumptionKinds[i];
    BOOST_TEST_CONTEXT("max version " << version << ", no tickets " << no_tickets) {
      BOOST_TEST(!resumedAndAnswered(sessions[i], version, no_tickets));
    }
    SSL_SESSION_free(sessions[i]);
  }
  BOOST_TEST(!roundTrip(*kept, test_client::get("/health")).has_value());  // closed before its next request
  BOOST_TEST(!refused("agency2"));
  {  // a certificate that is still good resumes as before (verified again against the new CRLs)
    auto options = as("agency2");
    options.session = other;
    auto client = TlsClient::connect(server->port(), options);
    BOOST_REQUIRE(client);
    BOOST_TEST(SSL_session_reused(client->ssl()) == 1);
    auto response = roundTrip(*client, test_client::get("/health"));
    BOOST_TEST((response && response->status == 200));
    SSL_SESSION_free(other);
  }
  BOOST_TEST(refused("revoked"));
}

BOOST_FIXTURE_TEST_CASE(ABadOrExpiredCrlFileKeepsTheCrlsInUse, CrlReloadFixture) {
  for (const std::string& bad : {std::string("-----BEGIN X509 CRL-----\nAAAA"), pki().crlPem({3, 6}, -7200, -60)}) {
    replaceReloadCrl(bad);
    server->reloadCrl();
    BOOST_TEST(!refused("agency"));
    BOOST_TEST(refused("revoked"));
  }
}

BOOST_FIXTURE_TEST_CASE(AChangedCrlFileIsReloadedPeriodically, PeriodicCrlReloadFixture) {
  BOOST_REQUIRE(!refused("agency"));
  replaceReloadCrl(pki().crlPem({3, 6}));
  bool refused_in_time = false;
  for (int i = 0; i < 50 && !refused_in_time; ++i) {
    std::this_thread::sleep_for(100ms);
    refused_in_time = refused("agency");
  }
  BOOST_TEST(refused_in_time);
  BOOST_TEST(!refused("agency2"));
}

BOOST_AUTO_TEST_CASE(RefusesACrlReloadIntervalOverADay) {
  config::GatewayConfig c;
  c.tls.crl_reload_seconds = 86401;
  auto created = server::Server::create(c, {}, {});
  BOOST_REQUIRE(!created.ok());
  BOOST_TEST(created.status().message().find("tls.crl_reload_seconds") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(RefusesACertificateWithoutOrgNumberWithErrorId5, ServerFixture) {
  auto client = connect("noorg");
  auto response = roundTrip(*client, test_client::post(kPath, echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
  BOOST_TEST(response->body.find("ErrorID>5<") != std::string::npos);
  BOOST_TEST(state.calls == 0);
}

BOOST_FIXTURE_TEST_CASE(UnknownPathIsASoapFault, ServerFixture) {
  auto client = connect();
  auto response = roundTrip(*client, test_client::post("/Nothing/Here.svc", echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
  BOOST_TEST(response->body.find("no service at this path") != std::string::npos);
  BOOST_TEST(state.calls == 0);
}

BOOST_FIXTURE_TEST_CASE(SendsTheFaultAnEndpointReturns, ServerFixture) {
  auto client = connect();
  auto response = roundTrip(*client, test_client::post(kPath, test_client::soap11("<Fail xmlns=\"urn:test\"/>")));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("dummy refuses") != std::string::npos);
  BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(MalformedXmlIsAFault, ServerFixture) {
  auto client = connect();
  auto response = roundTrip(*client, test_client::post(kPath, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
                                                              "envelope/\"><s:Body><Echo></s:Body>"));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(TooDeepXmlIsAFault, ServerFixture) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  auto client = connect();
  auto response = roundTrip(*client, test_client::post(kPath, test_client::soap11("<Echo xmlns=\"urn:test\">" + deep +
                                                                                 "</Echo>")));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(OversizeBodyIsAFaultNotACrash, ServerFixture) {
  {
    // Announced too large: answered from the headers, before reading the body.
    auto client = connect();
    std::string request = "POST " + std::string(kPath) +
                          " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 10000000\r\n\r\n" +
                          echo().substr(0, 100);
    auto response = roundTrip(*client, request);
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 500);
    BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
  }
  {
    // Chunked, so only counting can tell.
    auto client = connect();
    std::string filler(200 * 1024, 'x');
    std::string body = test_client::soap11("<Echo xmlns=\"urn:test\"><x>" + filler + "</x></Echo>");
    std::string request = "POST " + std::string(kPath) +
                          " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", body.size());
    request += size + body + "\r\n0\r\n\r\n";
    client->send(request);  // the server may stop reading early
    auto response = client->readResponse();
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 500);
    BOOST_TEST(response->body.find("AltinnFault") != std::string::npos);
  }
  auto client = connect();
  auto response = roundTrip(*client, test_client::post(kPath, echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  BOOST_TEST(state.calls == 1);
}

BOOST_FIXTURE_TEST_CASE(AcceptsChunkedBodies, ServerFixture) {
  auto client = connect();
  const std::string body =
      test_client::soap11("<Echo xmlns=\"urn:test\"><x>" + std::string(40 * 1024, 'y') + "</x></Echo>");
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", body.size());
  std::string request = "POST " + std::string(kPath) +
                        " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        size + body + "\r\n0\r\n\r\n";
  for (int i = 0; i < 2; ++i) {  // and the connection stays usable
    auto response = roundTrip(*client, request);
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 200);
  }
}

BOOST_FIXTURE_TEST_CASE(RefusesCompressedBodies, ServerFixture) {
  auto client = connect();
  auto response = roundTrip(*client, test_client::post(kPath, echo(), false, "Content-Encoding: gzip\r\n"));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 500);
  BOOST_TEST(response->body.find("Content-Encoding") != std::string::npos);
  BOOST_TEST(state.calls == 0);
}

BOOST_FIXTURE_TEST_CASE(HealthReportsTheDatabase, ServerFixture) {
  auto client = connect();
  auto ok = roundTrip(*client, test_client::get("/health"));
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->status == 200);
  BOOST_TEST(ok->header("content-type") == "application/json");
  BOOST_TEST(ok->body == "{\"status\":\"ok\",\"database\":\"ok\"}");
  healthy = false;
  auto down = roundTrip(*client, test_client::get("/health"));
  BOOST_REQUIRE(down);
  BOOST_TEST(down->status == 503);
  BOOST_TEST(down->body.find("\"database\":\"unavailable\"") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(ServesTheWsdlWithRewrittenAddresses, ServerFixture) {
  const std::string expected = "https://127.0.0.1:" + std::to_string(server->port()) + kPath;
  auto client = connect();
  for (const char* query : {"?wsdl", "?WSDL", "?singleWsdl"}) {
    auto response = roundTrip(*client, test_client::get(std::string(kPath) + query));
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 200);
    BOOST_TEST(response->header("content-type").find("text/xml") == 0u);
    BOOST_TEST(response->body.find("<soap:address location=\"" + expected + "\"/>") != std::string::npos);
    BOOST_TEST(response->body.find("<soap12:address location='" + expected + "'/>") != std::string::npos);
    BOOST_TEST(response->body.find("old.example") == std::string::npos);
  }
}

BOOST_FIXTURE_TEST_CASE(OtherGetsAre404, ServerFixture) {
  auto client = connect();
  for (const char* target : {"/", "/Nothing.svc?wsdl", kPath, "/health/x"}) {
    auto response = roundTrip(*client, test_client::get(target));
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 404, target);
  }
}

BOOST_AUTO_TEST_CASE(IdleKeepAliveClientsDoNotStarveNewOnes) {
  ServerFixture f(2);
  // Four idle keep-alive connections on two workers...
  std::vector<std::unique_ptr<TlsClient>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(f.connect());
    auto response = f.roundTrip(*idle.back(), test_client::post(kPath, echo()));
    BOOST_REQUIRE(response);
  }
  // ...and a fifth client is still served,
  auto fifth = f.connect();
  auto response = f.roundTrip(*fifth, test_client::post(kPath, echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  // as is every idle one when it sends again.
  for (auto& client : idle) {
    auto again = f.roundTrip(*client, test_client::post(kPath, echo()));
    BOOST_REQUIRE(again);
    BOOST_TEST(again->status == 200);
  }
  BOOST_TEST(f.state.calls == 9);
}

BOOST_AUTO_TEST_CASE(ASilentClientDoesNotHoldTheOnlyWorker) {
  ServerFixture f(1);
  auto silent = f.connect();  // handshake done, no request yet
  std::this_thread::sleep_for(50ms);
  const auto start = std::chrono::steady_clock::now();
  auto other = f.connect();
  auto response = f.roundTrip(*other, test_client::post(kPath, echo()));
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 2s));
  auto late = f.roundTrip(*silent, test_client::post(kPath, echo()));  // served once it speaks
  BOOST_REQUIRE(late);
  BOOST_TEST(late->status == 200);
}

BOOST_AUTO_TEST_CASE(ManyConcurrentClientsAreAllServed) {
  ServerFixture f(4);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<TlsClient> client;
      for (int i = 0; i < 40; ++i) {
        if (!client || (t % 4 == 0 && i % 5 == 0)) client = TlsClient::connect(f.server->port(), f.as("agency"));
        if (!client) continue;
        const bool health = (t + i) % 7 == 0;
        auto response = f.roundTrip(*client, health ? test_client::get("/health") : test_client::post(kPath, echo()));
        if (response && response->status == 200) ++ok;
        if (t % 3 == 0 && i % 10 == 9) std::this_thread::sleep_for(20ms);  // idle a little
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(ok == 16 * 40);
}

BOOST_AUTO_TEST_CASE(ClosesAfterKeepAliveMaxRequests) {
  ServerFixture f(2, [](config::GatewayConfig& c) { c.limits.keep_alive_max_requests = 3; });
  auto client = f.connect();
  for (int i = 1; i <= 3; ++i) {
    auto response = f.roundTrip(*client, test_client::post(kPath, echo()));
    BOOST_REQUIRE(response);
    BOOST_TEST(response->status == 200);
    BOOST_TEST((response->header("connection") == "close") == (i == 3));
  }
  BOOST_TEST(client->closedByServer());
}

BOOST_AUTO_TEST_CASE(ClosesIdleConnectionsAfterTheIdleTimeout) {
  ServerFixture f(2, [](config::GatewayConfig& c) { c.limits.idle_timeout_seconds = 1; });
  auto client = f.connect();
  BOOST_REQUIRE(f.roundTrip(*client, test_client::post(kPath, echo())));
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(client->closedByServer());
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
}

BOOST_AUTO_TEST_CASE(StopFinishesTheInFlightRequestAndRefusesNewConnections) {
  ServerFixture f(2);
  auto idle = f.connect();  // an idle keep-alive connection, closed by stop()
  BOOST_REQUIRE(f.roundTrip(*idle, test_client::post(kPath, echo())));

  auto busy = f.connect();
  auto in_flight = std::async(std::launch::async, [&] {
    return f.roundTrip(*busy, test_client::post(kPath, test_client::soap11("<Slow xmlns=\"urn:test\"/>")));
  });
  for (int i = 0; i < 200 && f.state.slow_started == 0; ++i) std::this_thread::sleep_for(5ms);
  BOOST_REQUIRE(f.state.slow_started == 1);

  const int port = f.server->port();
  const auto start = std::chrono::steady_clock::now();
  f.server->stop();
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));

  auto response = in_flight.get();
  BOOST_REQUIRE(response);
  BOOST_TEST(response->status == 200);
  BOOST_TEST(response->header("connection") == "close");  // sent after stop() began
  BOOST_TEST(busy->closedByServer());
  BOOST_TEST(idle->closedByServer());
  std::string error;
  BOOST_TEST(!TlsClient::connect(port, f.as("agency"), &error));
}

BOOST_AUTO_TEST_CASE(ReportsConfigurationErrorsFromCreate) {
  config::GatewayConfig c;
  c.server.port = 0;
  c.tls.certificate = pki().pem("server");
  c.tls.key = pki().key("agency");  // not the certificate's key
  c.tls.client_ca = pki().pem("ca");
  auto mismatched = server::Server::create(c, {}, {});
  BOOST_REQUIRE(!mismatched.ok());
  BOOST_TEST(mismatched.status().message().find("private key") != std::string::npos);

  c.tls.key = pki().key("server");
  c.tls.crl = pki().dir() + "/missing-crl.pem";
  auto no_crl = server::Server::create(c, {}, {});
  BOOST_REQUIRE(!no_crl.ok());
  BOOST_TEST(no_crl.status().message().find("CRL") != std::string::npos);

  c.tls.crl.clear();
  c.wsdl_dir = pki().dir();
  DummyState state;
  std::vector<std::unique_ptr<services::Endpoint>> endpoints;
  endpoints.push_back(std::make_unique<DummyEndpoint>(kPath, "Missing.wsdl", state));
  auto no_wsdl = server::Server::create(c, std::move(endpoints), {});
  BOOST_REQUIRE(!no_wsdl.ok());
  BOOST_TEST(no_wsdl.status().message().find("Missing.wsdl") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
