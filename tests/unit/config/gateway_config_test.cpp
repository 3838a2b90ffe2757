#define BOOST_TEST_MODULE gateway_config
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "config/gateway_config.h"

namespace bdata = boost::unit_test::data;
using gateway::StatusCode;
using gateway::config::loadConfig;
using Env = std::map<std::string, std::string>;

namespace {

// A config file that lives for one test.
struct ConfigFile {
  explicit ConfigFile(const std::string& text) {
    char pattern[] = "/tmp/gw-config-XXXXXX";
    int fd = mkstemp(pattern);
    BOOST_REQUIRE(fd >= 0);
    ::close(fd);
    path = pattern;
    std::ofstream(path) << text;
  }
  ~ConfigFile() { std::remove(path.c_str()); }
  std::string path;
};

void requireInvalid(const gateway::Result<gateway::config::GatewayConfig>& r, const std::string& mention) {
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(static_cast<int>(r.status().code()) == static_cast<int>(StatusCode::kInvalidArgument));
  BOOST_TEST(r.status().message().find(mention) != std::string::npos, r.status().message());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ConfigLoader)

BOOST_AUTO_TEST_CASE(DefaultsWithoutFileOrEnvironment) {
  auto c = loadConfig("", Env{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->server.host == "127.0.0.1");
  BOOST_TEST(c->server.port == 8443);
  BOOST_TEST(c->server.public_base_url == "https://127.0.0.1:8443");
  BOOST_TEST(c->limits.max_message_bytes == 16L * 1024 * 1024);
  BOOST_TEST(c->log_level == "info");
}

BOOST_AUTO_TEST_CASE(ReadsKeysCommentsAndWhitespace) {
  ConfigFile f(
      "# gateway\n"
      "\n"
      "listen.host = 0.0.0.0\n"
      "   # an indented comment\n"
      "listen.port=9443\n"
      "db.password = a#b\n"
      "  workers =\t16\r\n"
      "tls.certificate = /etc/gw/server.pem\n"
      "db.socket = /run/mysqld/mysqld.sock\n"
      "limits.max_message_bytes = 1048576\n"
      "limits.pdf_max_pages = 12\n"
      "limits.pdf_max_form_bytes = 65536\n"
      "limits.max_archive_search_results = 250\n"
      "limits.max_streamed_attachment_bytes = 3221225472\n");
  auto c = loadConfig(f.path, Env{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->server.host == "0.0.0.0");
  BOOST_TEST(c->server.port == 9443);
  BOOST_TEST(c->server.workers == 16);
  BOOST_TEST(c->tls.certificate == "/etc/gw/server.pem");
  BOOST_TEST(c->database.unix_socket == "/run/mysqld/mysqld.sock");
  BOOST_TEST(c->limits.max_message_bytes == 1048576);
  BOOST_TEST(c->limits.pdf_max_pages == 12);
  BOOST_TEST(c->limits.pdf_max_form_bytes == 65536);
  BOOST_TEST(c->limits.max_archive_search_results == 250);
  BOOST_TEST(c->limits.max_streamed_attachment_bytes == 3221225472L);  // beyond 32 bits
  BOOST_TEST(c->server.public_base_url == "https://0.0.0.0:9443");
  BOOST_TEST(c->database.password == "a#b");  // '#' inside a value is data, not a comment
}

BOOST_AUTO_TEST_CASE(RejectsNumbersThatDoNotFitTheirKey) {
  ConfigFile f("listen.port = 99999999999\n");
  auto c = loadConfig(f.path, Env{});
  BOOST_TEST(!c.ok());
  BOOST_TEST(c.status().message().find("listen.port") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(EnvironmentWinsOverFileWhichWinsOverDefaults) {
  ConfigFile f("listen.port = 9443\nworkers = 16\ndb.user = from-file\n");
  auto c = loadConfig(f.path, Env{{"GATEWAY_LISTEN_PORT", "7443"},
                                  {"GATEWAY_DB_SOCKET", "/tmp/env.sock"},
                                  {"GATEWAY_LIMITS_MAX_DEPTH", "40"}});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->server.port == 7443);                     // environment over file
  BOOST_TEST(c->server.workers == 16);                    // file over default
  BOOST_TEST(c->database.user == "from-file");
  BOOST_TEST(c->database.unix_socket == "/tmp/env.sock");  // environment over default
  BOOST_TEST(c->limits.max_depth == 40);
  BOOST_TEST(c->server.public_base_url == "https://127.0.0.1:7443");
}

BOOST_AUTO_TEST_CASE(RefusesAPushLeaseShorterThanOneDelivery) {
  ConfigFile file("push.lease_ms = 20000\npush.connect_timeout_seconds = 10\npush.io_timeout_seconds = 5\n");
  auto r = loadConfig(file.path, Env{});
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message().find("push.lease_ms") != std::string::npos);
  BOOST_TEST(loadConfig(file.path, Env{{"GATEWAY_PUSH_LEASE_MS", "20001"}}).ok());
}

BOOST_AUTO_TEST_CASE(ReadsPushChannelKeys) {
  ConfigFile file(
      "push.enabled = 0\npush.threads = 3\npush.poll_interval_ms = 50\npush.max_attempts = 7\n"
      "push.backoff_initial_ms = 11\npush.backoff_max_ms = 99\npush.queue_retry_interval_ms = 123\n"
      "push.lease_ms = 45670\npush.outcomes_per_commit = 8\npush.client_certificate = /c.pem\npush.client_key = /k.pem\npush.ca_bundle = /ca.pem\n"
      "push.max_attachment_bytes = 1073741824\npush.temp_dir = /var/tmp/gw\n");
  auto r = loadConfig(file.path, Env{{"GATEWAY_PUSH_IO_TIMEOUT_SECONDS", "9"}});
  BOOST_TEST_REQUIRE(r.ok(), r.status().message());
  const auto& p = r.value().push;
  BOOST_TEST(!p.enabled);
  BOOST_TEST(p.threads == 3);
  BOOST_TEST(p.poll_interval_ms == 50);
  BOOST_TEST(p.max_attempts == 7);
  BOOST_TEST(p.backoff_initial_ms == 11);
  BOOST_TEST(p.backoff_max_ms == 99);
  BOOST_TEST(p.queue_retry_interval_ms == 123);
  BOOST_TEST(p.lease_ms == 45670);
  BOOST_TEST(p.outcomes_per_commit == 8);
  BOOST_TEST(p.io_timeout_seconds == 9);
  BOOST_TEST(p.client_certificate == "/c.pem");
  BOOST_TEST(p.client_key == "/k.pem");
  BOOST_TEST(p.ca_bundle == "/ca.pem");
  BOOST_TEST(p.max_attachment_bytes == 1073741824L);
  BOOST_TEST(p.temp_dir == "/var/tmp/gw");
  BOOST_TEST(loadConfig("", Env{}).value().push.max_attachment_bytes == 64L * 1024 * 1024);
  requireInvalid(loadConfig("", Env{{"GATEWAY_PUSH_ENABLED", "2"}}), "GATEWAY_PUSH_ENABLED");
  requireInvalid(loadConfig("", Env{{"GATEWAY_PUSH_MAX_ATTACHMENT_BYTES", "-1"}}), "push.max_attachment_bytes");
  requireInvalid(loadConfig("", Env{{"GATEWAY_PUSH_MAX_ATTACHMENT_BYTES", "1073741825"}}), "at most 1073741824");
}

BOOST_AUTO_TEST_CASE(ReadsBrokerKeys) {
  auto defaults = loadConfig("", Env{});
  BOOST_REQUIRE(defaults.ok());
  BOOST_TEST(defaults.value().broker.default_availability_days == 30);
  BOOST_TEST(defaults.value().broker.retention_interval_seconds == 300);
  BOOST_TEST(defaults.value().broker.retention_enabled);
  BOOST_TEST(defaults.value().limits.max_broker_file_bytes == 1L << 30);
  ConfigFile file("broker.default_availability_days = 7\nlimits.max_broker_file_bytes = 1048576\n");
  auto c = loadConfig(file.path, Env{{"GATEWAY_BROKER_RETENTION_INTERVAL_SECONDS", "1"},
                                     {"GATEWAY_BROKER_RETENTION_ENABLED", "0"}});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.value().broker.default_availability_days == 7);
  BOOST_TEST(c.value().broker.retention_interval_seconds == 1);
  BOOST_TEST(!c.value().broker.retention_enabled);
  BOOST_TEST(c.value().limits.max_broker_file_bytes == 1048576);
  requireInvalid(loadConfig("", Env{{"GATEWAY_BROKER_DEFAULT_AVAILABILITY_DAYS", "0"}}), "broker.default_availability_days");
  requireInvalid(loadConfig("", Env{{"GATEWAY_LIMITS_MAX_BROKER_FILE_BYTES", "2147483648"}}),
                 "limits.max_broker_file_bytes");
}

BOOST_AUTO_TEST_CASE(ReadsTempSweepKeysAndRefusesAnAgeALiveUploadCouldReach) {
  auto defaults = loadConfig("", Env{});
  BOOST_REQUIRE(defaults.ok());
  BOOST_TEST(defaults.value().storage_temp_max_age_hours == 24);
  BOOST_TEST(defaults.value().storage_temp_sweep_interval_seconds == 3600);
  auto c = loadConfig("", Env{{"GATEWAY_STORAGE_TEMP_MAX_AGE_HOURS", "2"},
                              {"GATEWAY_STORAGE_TEMP_SWEEP_INTERVAL_SECONDS", "60"}});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.value().storage_temp_max_age_hours == 2);
  BOOST_TEST(c.value().storage_temp_sweep_interval_seconds == 60);
  requireInvalid(loadConfig("", Env{{"GATEWAY_STORAGE_TEMP_MAX_AGE_HOURS", "0"}}), "storage.temp_max_age_hours");
  requireInvalid(loadConfig("", Env{{"GATEWAY_STORAGE_TEMP_SWEEP_INTERVAL_SECONDS", "0"}}),
                 "storage.temp_sweep_interval_seconds");
  // One hour is not enough when a single read may wait an hour: the live temp file could look orphaned.
  requireInvalid(loadConfig("", Env{{"GATEWAY_STORAGE_TEMP_MAX_AGE_HOURS", "1"}, {"GATEWAY_LIMITS_RECV_TIMEOUT_SECONDS", "3600"}}),
                 "limits.recv_timeout_seconds");
}

BOOST_AUTO_TEST_CASE(DirectIoIsOnByDefaultAndTakesOnlyZeroOrOne) {
  auto defaults = loadConfig("", Env{});
  BOOST_REQUIRE(defaults.ok());
  BOOST_TEST(defaults.value().storage_direct_io);
  auto off = loadConfig("", Env{{"GATEWAY_STORAGE_DIRECT_IO", "0"}});
  BOOST_REQUIRE(off.ok());
  BOOST_TEST(!off.value().storage_direct_io);
  requireInvalid(loadConfig("", Env{{"GATEWAY_STORAGE_DIRECT_IO", "2"}}), "storage.direct_io");
}

BOOST_AUTO_TEST_CASE(ReadsTheCrlReloadIntervalAndRefusesOneOverADay) {
  auto defaults = loadConfig("", Env{});
  BOOST_REQUIRE(defaults.ok());
  BOOST_TEST(defaults.value().tls.crl_reload_seconds == 60);
  ConfigFile file("tls.crl_reload_seconds = 5\n");
  auto c = loadConfig(file.path, Env{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.value().tls.crl_reload_seconds == 5);
  auto signal_only = loadConfig(file.path, Env{{"GATEWAY_TLS_CRL_RELOAD_SECONDS", "0"}});  // environment wins
  BOOST_REQUIRE(signal_only.ok());
  BOOST_TEST(signal_only.value().tls.crl_reload_seconds == 0);
  requireInvalid(loadConfig("", Env{{"GATEWAY_TLS_CRL_RELOAD_SECONDS", "86401"}}), "tls.crl_reload_seconds");
  requireInvalid(loadConfig("", Env{{"GATEWAY_TLS_CRL_RELOAD_SECONDS", "-1"}}), "GATEWAY_TLS_CRL_RELOAD_SECONDS");
}

BOOST_AUTO_TEST_CASE(ExplicitPublicBaseUrlIsKept) {
  auto c = loadConfig("", Env{{"GATEWAY_PUBLIC_BASE_URL", "https://gw.example"}});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->server.public_base_url == "https://gw.example");
}

BOOST_AUTO_TEST_CASE(IgnoresUnrelatedEnvironment) {
  auto c = loadConfig("", Env{{"GATEWAY_NOT_A_KEY", "1"}, {"PATH", "/bin"}, {"LISTEN_PORT", "1"}});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->server.port == 8443);
}

BOOST_AUTO_TEST_CASE(UnknownKeyInFileNamesKeyAndLine) {
  ConfigFile f("listen.port = 9443\nlisten.prot = 9444\n");
  auto c = loadConfig(f.path, Env{});
  requireInvalid(c, "listen.prot");
  requireInvalid(c, ":2");
}

BOOST_DATA_TEST_CASE(BadNumbersAreRefused, bdata::make({"abc", "12x", "-1", "", "1.5", "0x10", "99999999999999999999"}),
                     value) {
  ConfigFile f(std::string("listen.port = ") + value + "\n");
  requireInvalid(loadConfig(f.path, Env{}), "listen.port");
}

BOOST_AUTO_TEST_CASE(BadNumberInEnvironmentNamesTheVariable) {
  requireInvalid(loadConfig("", Env{{"GATEWAY_WORKERS", "many"}}), "GATEWAY_WORKERS");
}

BOOST_AUTO_TEST_CASE(LineWithoutEqualsIsRefused) {
  ConfigFile f("listen.port 9443\n");
  requireInvalid(loadConfig(f.path, Env{}), "key = value");
}

BOOST_AUTO_TEST_CASE(MissingFileIsRefused) {
  requireInvalid(loadConfig("/nonexistent/gateway.conf", Env{}), "/nonexistent/gateway.conf");
}

BOOST_AUTO_TEST_CASE(DeliveryKeysHaveSafeDefaultsAndAreRead) {
  auto d = loadConfig("", Env{});
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(d->delivery.enabled == 1);
  BOOST_TEST(d->delivery.smtp.starttls == "required");
  BOOST_TEST(d->delivery.smtp.host.empty());
  BOOST_TEST(d->delivery.sms.url.empty());
  BOOST_TEST(d->limits.max_notifications_per_request == 50);
  auto c = loadConfig("", Env{{"GATEWAY_SMTP_HOST", "relay.example"}, {"GATEWAY_SMTP_PORT", "587"},
                              {"GATEWAY_SMTP_STARTTLS", "optional"}, {"GATEWAY_SMS_URL", "https://sms.example/send"},
                              {"GATEWAY_SMS_TOKEN", "t"}, {"GATEWAY_DELIVERY_MAX_ATTEMPTS", "3"},
                              {"GATEWAY_DELIVERY_BACKOFF_BASE_SECONDS", "2"},
                              {"GATEWAY_LIMITS_MAX_NOTIFICATIONS_PER_REQUEST", "7"}});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->delivery.smtp.host == "relay.example");
  BOOST_TEST(c->delivery.smtp.port == 587);
  BOOST_TEST(c->delivery.smtp.starttls == "optional");
  BOOST_TEST(c->delivery.sms.url == "https://sms.example/send");
  BOOST_TEST(c->delivery.sms.token == "t");
  BOOST_TEST(c->delivery.max_attempts == 3);
  BOOST_TEST(c->delivery.backoff_base_seconds == 2);
  BOOST_TEST(c->limits.max_notifications_per_request == 7);
}

BOOST_AUTO_TEST_CASE(UnknownStarttlsModeAndZeroAttemptsAreRefused) {
  requireInvalid(loadConfig("", Env{{"GATEWAY_SMTP_STARTTLS", "maybe"}}), "smtp.starttls");
  requireInvalid(loadConfig("", Env{{"GATEWAY_DELIVERY_MAX_ATTEMPTS", "0"}}), "delivery.max_attempts");
}

BOOST_AUTO_TEST_SUITE_END()
