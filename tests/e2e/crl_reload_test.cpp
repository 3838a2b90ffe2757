// Certificate revocation without a restart (gateway/server/crl_reloader.h): the real gatewayd over
// mTLS with a development PKI of this test's own (certs/make-dev-pki.sh into a temp folder, so the
// revocations here reach no other test). A client certificate is revoked with `openssl ca -revoke`
// and `-gencrl`, the CRL file is replaced atomically, and then
//   - on SIGHUP (tls.crl_reload_seconds = 0) or within the periodic check (= 1 s), a new connection
//     with that certificate is refused, and so is one resuming a TLS session it made before;
//   - another certificate keeps working;
//   - a broken CRL file is logged as tls.crl.reload_failed and the CRLs in use stay.
#define BOOST_TEST_MODULE e2e_crl_reload
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "gateway_under_test.h"

using namespace gateway::testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int run(const std::string& command) {
  const int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// A development PKI for this binary alone; GATEWAY_TEST_PKI_DIR points the gateways here.
struct PrivatePki {
  PrivatePki() {
    std::signal(SIGPIPE, SIG_IGN);
    const char* source = std::getenv("GATEWAY_SOURCE_DIR");
    if (!source || !*source) throw std::runtime_error("GATEWAY_SOURCE_DIR is not set; run through scripts/test.sh");
    dir = (fs::temp_directory_path() / ("gwe2e-crl-pki-" + std::to_string(getpid()))).string();
    if (run(std::string(source) + "/certs/make-dev-pki.sh " + dir + " > " + dir + ".log 2>&1") != 0) {
      throw std::runtime_error("certs/make-dev-pki.sh failed; see " + dir + ".log");
    }
    setenv("GATEWAY_TEST_PKI_DIR", dir.c_str(), 1);
  }
  ~PrivatePki() {
    if (std::getenv("GATEWAY_TEST_KEEP")) return;
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    fs::remove(dir + ".log", ignored);
  }
  std::string dir;
};

PrivatePki* g_pki = nullptr;

struct PkiFixture {
  PkiFixture() { g_pki = &pki; }
  PrivatePki pki;
};

// Revokes the client certificate `name` with the intermediate CA, re-issues that CA's CRL and
// replaces ca/crl.pem (the gateway's tls.crl) atomically, as the make-dev-pki script assembles it.
void revokeCertificate(const std::string& name) {
  const std::string d = g_pki->dir;
  const std::string config = d + "/ca/db/openssl.cnf";
  const std::string script =
      "set -e; openssl ca -config " + config + " -name ca_intermediate -revoke " + d + "/clients/" + name +
      ".pem -crl_reason keyCompromise; openssl ca -config " + config + " -name ca_intermediate -gencrl -crldays 30 -out " +
      d + "/ca/intermediate.crl.pem.tmp; mv -f " + d + "/ca/intermediate.crl.pem.tmp " + d +
      "/ca/intermediate.crl.pem; cat " + d + "/ca/root.crl.pem " + d + "/ca/intermediate.crl.pem > " + d +
      "/ca/crl.pem.tmp; mv -f " + d + "/ca/crl.pem.tmp " + d + "/ca/crl.pem";
  BOOST_REQUIRE_EQUAL(run("bash -c '" + script + "' > " + d + "/revoke.log 2>&1"), 0);
}

void replaceCrlFile(const std::string& text) {
  const std::string path = g_pki->dir + "/ca/crl.pem";
  std::ofstream(path + ".tmp", std::ios::trunc) << text;
  fs::rename(path + ".tmp", path);
}

// One GET /health over mTLS as the development certificate `identity`, offering `resume` when set.
struct Probe {
  bool answered = false;  // an HTTP response came back
  int status = 0;
  bool reused = false;    // the handshake resumed `resume`
  std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)> session{nullptr, SSL_SESSION_free};  // for later resumption
};

Probe probe(const GatewayUnderTest& gw, const std::string& identity, SSL_SESSION* resume = nullptr) {
  Probe out;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  SSL_CTX_load_verify_locations(ctx.get(), gw.caBundle().c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  const Identity id = gw.identity(identity);
  BOOST_REQUIRE(SSL_CTX_use_certificate_chain_file(ctx.get(), id.certificate.c_str()) == 1);
  BOOST_REQUIRE(SSL_CTX_use_PrivateKey_file(ctx.get(), id.key.c_str(), SSL_FILETYPE_PEM) == 1);
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(gw.port()));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return out;
  }
  SSL* ssl = SSL_new(ctx.get());
  SSL_set_fd(ssl, fd);
  if (resume) SSL_set_session(ssl, resume);
  if (SSL_connect(ssl) == 1) {
    out.reused = SSL_session_reused(ssl) == 1;
    const std::string request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));  // TLS 1.3: a refusal shows on the read
    std::string response;
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) response.append(buf, static_cast<std::size_t>(n));
    if (response.rfind("HTTP/1.", 0) == 0) {
      out.answered = true;
      out.status = std::atoi(response.c_str() + 9);
      out.session.reset(SSL_get1_session(ssl));  // TLS 1.3 tickets arrived with the response
    }
    SSL_shutdown(ssl);  // without a clean close OpenSSL marks the session not resumable
  }
  SSL_free(ssl);
  close(fd);
  return out;
}

std::size_t countIn(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// Waits until gatewayd's log holds more than `before` lines with `needle`; false after `limit`.
bool waitForLog(const GatewayUnderTest& gw, const std::string& needle, std::size_t before,
                std::chrono::seconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (countIn(readFile(gw.logFile()), needle) > before) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

constexpr char kReloaded[] = "\"event\":\"tls.crl.reloaded\"";
constexpr char kReloadFailed[] = "\"event\":\"tls.crl.reload_failed\"";
constexpr char kResumedRefused[] = "\"when\":\"resumed session\"";

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(PkiFixture);

BOOST_AUTO_TEST_SUITE(CrlReload)

BOOST_AUTO_TEST_CASE(ARevocationTakesEffectOnSighupAlsoForResumedSessions) {
  setExtraGatewayConfig("tls.crl_reload_seconds = 0\n");  // only SIGHUP reloads
  GatewayUnderTest gw;
  Probe first = probe(gw, "agency");
  BOOST_REQUIRE(first.answered);
  BOOST_TEST(first.status == 200);
  BOOST_REQUIRE(first.session);
  Probe resumed = probe(gw, "agency", first.session.get());
  BOOST_TEST(resumed.reused);  // resumption works, so the attempt below really tries it
  BOOST_TEST(resumed.status == 200);

  revokeCertificate("agency");
  BOOST_TEST(probe(gw, "agency").answered);  // the file changed, but nothing reads it before the signal

  const std::size_t reloads = countIn(readFile(gw.logFile()), kReloaded);
  BOOST_REQUIRE_EQUAL(kill(gw.pid(), SIGHUP), 0);
  BOOST_REQUIRE(waitForLog(gw, kReloaded, reloads));
  const std::string log = readFile(gw.logFile());
  BOOST_TEST(log.find("\"trigger\":\"SIGHUP\",\"crls\":\"2\"") != std::string::npos, "the reload line: " << log);

  BOOST_TEST(!probe(gw, "agency").answered);
  const std::size_t refusals = countIn(readFile(gw.logFile()), kResumedRefused);
  Probe again = probe(gw, "agency", first.session.get());
  BOOST_TEST(!again.answered);
  BOOST_TEST(waitForLog(gw, kResumedRefused, refusals, 5s));  // refused after resuming, not by a full handshake
  Probe other = probe(gw, "agency2");
  BOOST_TEST(other.answered);
  BOOST_TEST(other.status == 200);
  BOOST_TEST(gw.running());
}

BOOST_AUTO_TEST_CASE(ARevocationTakesEffectWithinThePeriodicCheck) {
  setExtraGatewayConfig("tls.crl_reload_seconds = 1\n");
  GatewayUnderTest gw;
  Probe first = probe(gw, "enduser");
  BOOST_REQUIRE(first.answered);
  BOOST_REQUIRE(first.session);

  const std::size_t reloads = countIn(readFile(gw.logFile()), kReloaded);
  revokeCertificate("enduser");
  BOOST_REQUIRE(waitForLog(gw, kReloaded, reloads, 10s));
  BOOST_TEST(readFile(gw.logFile()).find("\"trigger\":\"periodic\"") != std::string::npos);

  BOOST_TEST(!probe(gw, "enduser").answered);
  const std::size_t refusals = countIn(readFile(gw.logFile()), kResumedRefused);
  BOOST_TEST(!probe(gw, "enduser", first.session.get()).answered);
  BOOST_TEST(waitForLog(gw, kResumedRefused, refusals, 5s));
  BOOST_TEST(probe(gw, "agency2").status == 200);
  // Unchanged since: the periodic check reads nothing more.
  std::this_thread::sleep_for(2500ms);
  BOOST_TEST(countIn(readFile(gw.logFile()), kReloaded) == reloads + 1);
}

BOOST_AUTO_TEST_CASE(ABrokenCrlFileIsLoggedAndTheCrlsInUseStay) {
  setExtraGatewayConfig("tls.crl_reload_seconds = 0\n");
  GatewayUnderTest gw;
  const std::string good = readFile(g_pki->dir + "/ca/crl.pem");
  replaceCrlFile(good.substr(0, good.size() / 2));  // cut short, as a non-atomic writer would leave it
  BOOST_REQUIRE_EQUAL(kill(gw.pid(), SIGHUP), 0);
  BOOST_REQUIRE(waitForLog(gw, kReloadFailed, 0));
  const std::string log = readFile(gw.logFile());
  const std::size_t at = log.find(kReloadFailed);
  const std::size_t begin = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
  const std::string line = log.substr(begin, log.find('\n', at) - begin);
  BOOST_TEST(line.find("\"level\":\"error\"") != std::string::npos, line);
  BOOST_TEST(line.find("/ca/crl.pem") != std::string::npos, line);
  BOOST_TEST(line.find("\"kept\":\"previous CRLs\"") != std::string::npos, line);

  Probe valid = probe(gw, "agency2");  // CRL checking still has every CA's CRL: valid certificates pass
  BOOST_TEST(valid.answered);
  BOOST_TEST(valid.status == 200);
  BOOST_TEST(!probe(gw, "revoked").answered);  // and the revoked ones are still refused
  BOOST_TEST(gw.running());

  const std::size_t reloads = countIn(readFile(gw.logFile()), kReloaded);
  replaceCrlFile(good);  // fixed
  BOOST_REQUIRE_EQUAL(kill(gw.pid(), SIGHUP), 0);
  BOOST_TEST(waitForLog(gw, kReloaded, reloads));
  BOOST_TEST(probe(gw, "agency2").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
