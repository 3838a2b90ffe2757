#include "gateway_under_test.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "stdsoap2.h"

namespace gateway::testing {
namespace fs = std::filesystem;

namespace {

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string runAndCapture(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  int rc = pclose(pipe);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return output;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string& extraConfig() {
  static std::string lines;
  return lines;
}

const char* const kPasswords[] = {"agency", "agency2", "enduser", "enduser2"};

// enduser2 is a second system of the same vendor: it presents the vendor's certificate.
std::string certificateName(const std::string& identity) { return identity == "enduser2" ? "enduser" : identity; }

}  // namespace

std::string GatewayUnderTest::env(const char* name) const {
  const char* v = std::getenv(name);
  if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set; run the tests through scripts/test.sh");
  return v;
}

GatewayUnderTest::GatewayUnderTest() {
  db_socket_ = env("GATEWAY_TEST_DB_SOCKET");
  db_user_ = env("GATEWAY_TEST_DB_USER");
  db_password_ = env("GATEWAY_TEST_DB_PASSWORD");
  pki_dir_ = env("GATEWAY_TEST_PKI_DIR");
  source_dir_ = env("GATEWAY_SOURCE_DIR");
  build_dir_ = env("GATEWAY_BUILD_DIR");
  ca_bundle_ = pki_dir_ + "/ca/chain.pem";

  std::random_device rd;
  database_ = "gwe2e_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
  work_dir_ = (fs::temp_directory_path() / database_).string();
  fs::create_directories(work_dir_ + "/files");

  for (const char* name : {"agency", "agency2", "enduser", "enduser2", "untrusted", "expired", "revoked", "noorg"}) {
    std::string client = pki_dir_ + "/clients/" + std::string(name);
    if (!fs::exists(client + ".pem")) continue;
    std::ofstream(work_dir_ + "/" + name + ".combined.pem") << readFile(client + ".pem") << readFile(client + ".key");
  }

  sql("CREATE DATABASE `" + database_ + "` CHARACTER SET utf8mb4");

  config_file_ = work_dir_ + "/gateway.conf";
  std::ofstream(config_file_) << "listen.host = 127.0.0.1\n"
                              << "listen.port = 0\n"
                              << "listen.ready_file = " << work_dir_ << "/port\n"
                              << "workers = 16\n"
                              << "tls.certificate = " << pki_dir_ << "/server/server.pem\n"
                              << "tls.key = " << pki_dir_ << "/server/server.key\n"
                              << "tls.client_ca = " << ca_bundle_ << "\n"
                              << "tls.crl = " << pki_dir_ << "/ca/crl.pem\n"
                              << "limits.max_message_bytes = 2097152\n"
                              << "limits.max_depth = 40\n"
                              << "limits.recv_timeout_seconds = 5\n"
                              << "limits.request_timeout_seconds = 3\n"
                              << "limits.idle_timeout_seconds = 5\n"
                              << "db.socket = " << db_socket_ << "\n"
                              << "db.user = " << db_user_ << "\n"
                              << "db.password = " << db_password_ << "\n"
                              << "db.name = " << database_ << "\n"
                              << "storage.root = " << work_dir_ << "/files\n"
                              << "wsdl.dir = " << source_dir_ << "/wsdl\n"
                              << "migrations.dir = " << source_dir_ << "/persistence/migrations\n"
                              << "auth.credential_cache_seconds = 60\n"
                              << extraConfig();

  auto must = [this](const std::string& args) {
    int rc = gatewayctl(args);
    if (rc != 0) throw std::runtime_error("gatewayctl " + args + " failed with " + std::to_string(rc));
  };
  must("migrate");
  must("owner add --code ETAT --org 910000004 --name 'Etaten'");
  must("owner add --code ETAT2 --org 910000101 --name 'Etaten to'");
  for (const char* name : kPasswords) {
    std::ofstream(work_dir_ + "/" + name + ".password") << "pw-" << name << "-" << database_ << "\n";
  }
  must("system add --username etat-arkiv --org 910000004 --role owner --owner ETAT < " + work_dir_ + "/agency.password");
  must("system add --username etat2-arkiv --org 910000101 --role owner --owner ETAT2 < " + work_dir_ +
       "/agency2.password");
  must("system add --username regnskap --org 910000209 --role enduser < " + work_dir_ + "/enduser.password");
  // A second end-user system of the same vendor: for isolation between systems.
  must("system add --username regnskap2 --org 910000209 --role enduser < " + work_dir_ + "/enduser2.password");
  must("service add --owner ETAT --code 4711 --edition 1 --name 'Skjema 4711' --format 5703:34");
  must("service add --owner ETAT2 --code 4712 --edition 1 --name 'Skjema 4712' --format 6001:1");
  must("reportee grant --system regnskap --reportee 910000306");
  must("reportee grant --system regnskap --reportee 01019010046");
  must("reportee grant --system regnskap2 --reportee 910000306");

  start();
}

void GatewayUnderTest::start() {
  const std::string ready = work_dir_ + "/port";
  fs::remove(ready);
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // a test binary killed by a timeout takes its gateway with it
    std::string log = work_dir_ + "/gatewayd.log";
    freopen(log.c_str(), "a", stderr);
    std::string binary = build_dir_ + "/gateway/gatewayd";
    execl(binary.c_str(), binary.c_str(), "--config", config_file_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(ready) && !readFile(ready).empty()) break;
    if (!running()) throw std::runtime_error("gatewayd exited at start; see " + work_dir_ + "/gatewayd.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  port_ = std::atoi(readFile(ready).c_str());
  if (port_ <= 0) throw std::runtime_error("gatewayd did not become ready; see " + work_dir_ + "/gatewayd.log");
  base_url_ = "https://127.0.0.1:" + std::to_string(port_);
}

int GatewayUnderTest::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  int result = -1;
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  } else if (WIFEXITED(status)) {
    result = WEXITSTATUS(status);
  }
  pid_ = -1;
  return result;
}

GatewayUnderTest::~GatewayUnderTest() {
  stop();
  try {
    sql("DROP DATABASE IF EXISTS `" + database_ + "`");
  } catch (...) {
  }
  if (!std::getenv("GATEWAY_TEST_KEEP")) fs::remove_all(work_dir_);
}

bool GatewayUnderTest::running() const {
  if (pid_ <= 0) return false;
  int status = 0;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

Identity GatewayUnderTest::identity(const std::string& name) const {
  Identity id;
  id.name = name;
  id.certificate = pki_dir_ + "/clients/" + certificateName(name) + ".pem";
  id.key = pki_dir_ + "/clients/" + certificateName(name) + ".key";
  id.combined_pem = work_dir_ + "/" + certificateName(name) + ".combined.pem";
  if (name == "agency") id.system_user = "etat-arkiv";
  if (name == "agency2") id.system_user = "etat2-arkiv";
  if (name == "enduser") id.system_user = "regnskap";
  if (name == "enduser2") id.system_user = "regnskap2";
  if (!id.system_user.empty()) {
    id.system_password = readFile(work_dir_ + "/" + name + ".password");
    while (!id.system_password.empty() && id.system_password.back() == '\n') id.system_password.pop_back();
  }
  return id;
}

int GatewayUnderTest::gatewayctl(const std::string& arguments) const {
  std::string command = shellQuote(build_dir_ + "/tools/gatewayctl") + " --config " + shellQuote(config_file_) + " " +
                        arguments + " > " + shellQuote(work_dir_ + "/gatewayctl.log") + " 2>&1";
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string GatewayUnderTest::gatewayctlOutput(const std::string& arguments, int* exit_code) const {
  int rc = gatewayctl(arguments);
  if (exit_code) *exit_code = rc;
  return readFile(work_dir_ + "/gatewayctl.log");
}

std::string GatewayUnderTest::sql(const std::string& statement) const {
  int status = 0;
  std::string out = runAndCapture("MYSQL_PWD=" + shellQuote(db_password_) + " mariadb -N -B --socket=" +
                                      shellQuote(db_socket_) + " -u " + shellQuote(db_user_) +
                                      (database_.empty() || statement.rfind("CREATE DATABASE", 0) == 0 ||
                                               statement.rfind("DROP DATABASE", 0) == 0
                                           ? std::string()
                                           : " " + shellQuote(database_)) +
                                      " -e " + shellQuote(statement) + " 2>&1",
                                  &status);
  if (status != 0) throw std::runtime_error("SQL failed: " + out);
  return out;
}

int GatewayUnderTest::configureClient(struct soap* soap, const std::string& identity) const {
  const std::string keyfile =
      identity.empty() ? std::string() : work_dir_ + "/" + certificateName(identity) + ".combined.pem";
  return soap_ssl_client_context(soap, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3,
                                 keyfile.empty() ? nullptr : keyfile.c_str(), nullptr, ca_bundle_.c_str(), nullptr,
                                 nullptr);
}

void setExtraGatewayConfig(const std::string& lines) { extraConfig() = lines; }

GatewayUnderTest& gatewayUnderTest() {
  static GatewayUnderTest instance;
  return instance;
}

}  // namespace gateway::testing
