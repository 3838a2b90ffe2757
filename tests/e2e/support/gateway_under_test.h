#pragma once
// The real gatewayd binary, started for one test binary: a fresh database (created, migrated and
// provisioned through gatewayctl), the development PKI, a free port, and clean shutdown.
// Reads GATEWAY_TEST_DB_SOCKET/USER/PASSWORD, GATEWAY_TEST_PKI_DIR, GATEWAY_SOURCE_DIR and
// GATEWAY_BUILD_DIR (scripts/test.sh sets them) and fails loudly when one is missing.

#include <string>
#include <sys/types.h>

struct soap;

namespace gateway::testing {

struct Identity {
  std::string name;           // agency, agency2, enduser, enduser2, untrusted, expired, revoked, noorg
  std::string certificate;    // PEM path
  std::string key;            // PEM path
  std::string combined_pem;   // certificate + key in one file (what gSOAP's client context takes)
  std::string system_user;    // empty for identities with no system
  std::string system_password;
};

class GatewayUnderTest {
 public:
  GatewayUnderTest();   // starts everything; throws std::runtime_error with the reason on failure
  ~GatewayUnderTest();  // SIGTERM, wait, drop the database
  GatewayUnderTest(const GatewayUnderTest&) = delete;
  GatewayUnderTest& operator=(const GatewayUnderTest&) = delete;

  const std::string& baseUrl() const { return base_url_; }
  std::string url(const std::string& path) const { return base_url_ + path; }
  const std::string& caBundle() const { return ca_bundle_; }
  Identity identity(const std::string& name) const;
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const;  // the process has not exited
  std::string storageRoot() const { return work_dir_ + "/files"; }  // the gateway's storage.root
  std::string logFile() const { return work_dir_ + "/gatewayd.log"; }  // gatewayd's stderr (JSON lines)
  const std::string& pkiDir() const { return pki_dir_; }  // GATEWAY_TEST_PKI_DIR when it was made

  // Runs gatewayctl against this instance's database; returns its exit code.
  int gatewayctl(const std::string& arguments) const;
  // The same, returning what it printed (stdout and stderr); the exit code in *exit_code.
  std::string gatewayctlOutput(const std::string& arguments, int* exit_code) const;

  // Stops gatewayd with SIGTERM and waits for it; returns its exit status (-1 when it had to be
  // killed). start() runs it again on the same database (a new port: baseUrl() changes).
  int stop();
  void start();
  // Runs a SQL statement with the mariadb client against this instance's database; returns stdout.
  std::string sql(const std::string& statement) const;

  // Configures `soap` as an mTLS client with `identity`'s certificate (or none when empty).
  // Returns SOAP_OK or the gSOAP error.
  int configureClient(struct soap* soap, const std::string& identity) const;

 private:
  std::string env(const char* name) const;

  std::string work_dir_, config_file_, database_, base_url_, ca_bundle_, pki_dir_, build_dir_, source_dir_;
  std::string db_socket_, db_user_, db_password_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// One instance shared by all test cases of a binary (Boost global fixture).
GatewayUnderTest& gatewayUnderTest();
// Lines appended to the gateway's config file; call before the first gatewayUnderTest().
void setExtraGatewayConfig(const std::string& lines);

}  // namespace gateway::testing
