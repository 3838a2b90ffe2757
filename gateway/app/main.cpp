// gatewayd: the SOAP gateway daemon. Wires configuration, persistence, auth, the core and the SOAP
// endpoints into the HTTPS server, then serves until SIGTERM or SIGINT. SIGHUP re-reads the CRL
// file (tls.crl) without a restart.
//
//   gatewayd --config FILE      serve (FILE may be omitted: defaults + GATEWAY_* environment)
//   gatewayd --version          print the version
//
// Exit codes: 0 after a clean shutdown, 1 when configuration or start-up fails (the reason is
// logged as a JSON line on stderr), 2 for a usage error.

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "auth/credential_verifier.h"
#include "common/log.h"
#include "batch/batch_channel.h"
#include "config/gateway_config.h"
#include "broker_sftp/broker_sftp_channel.h"
#include "core/broker_retention_job.h"
#include "storage/temp_sweep_job.h"
#include "core/services.h"
#include "delivery/notification_worker.h"
#include "persistence/database.h"
#include "push/delivery_worker.h"
#include "server/server.h"
#include "server/signals.h"
#include "services/endpoint.h"
#include "services/online_batch_receiver_client.h"

#ifndef GATEWAY_VERSION
#define GATEWAY_VERSION "0.1.0"
#endif

namespace {

using namespace gateway;

constexpr int kExitOk = 0;
constexpr int kExitStartup = 1;
constexpr int kExitUsage = 2;

int usage() {
  std::fprintf(stderr, "usage: gatewayd [--config FILE] [--version]\n");
  return kExitUsage;
}

int startupFailed(const std::string& stage, const Status& status) {
  log::error("startup.failed", {{"stage", stage}, {"error", status.message()}});
  return kExitStartup;
}

// The push channel's delivery worker, or nullptr when this process does not deliver (push.enabled
// = 0, push.threads = 0, or no client certificate configured: receivers require one).
Result<std::unique_ptr<push::DeliveryWorker>> startPushWorker(const config::GatewayConfig& c,
                                                               persistence::Database& db, persistence::FileStore& files) {
  const config::PushConfig& p = c.push;
  if (!p.enabled || p.threads <= 0) return std::unique_ptr<push::DeliveryWorker>();
  if (p.client_certificate.empty() || p.client_key.empty() || p.ca_bundle.empty()) {
    log::info("push.worker.disabled", {{"reason", "push.client_certificate, push.client_key or push.ca_bundle not set"}});
    return std::unique_ptr<push::DeliveryWorker>();
  }
  services::ReceiverClientConfig client;
  client.client_certificate = p.client_certificate;
  client.client_key = p.client_key;
  client.ca_bundle = p.ca_bundle;
  client.connect_timeout_seconds = p.connect_timeout_seconds;
  client.io_timeout_seconds = p.io_timeout_seconds;
  if (auto probe = services::makeOnlineBatchReceiverClient(client); !probe.ok()) return probe.status();
  push::WorkerOptions options;
  options.threads = p.threads;
  options.poll_interval = std::chrono::milliseconds(p.poll_interval_ms);
  options.lease = std::chrono::milliseconds(p.lease_ms);
  options.longest_delivery = std::chrono::seconds(p.connect_timeout_seconds + 2 * p.io_timeout_seconds);
  options.outcomes_per_commit = p.outcomes_per_commit;
  options.keep_delivered = std::chrono::hours(24) * p.keep_delivered_days;
  options.retry.max_attempts = p.max_attempts;
  options.retry.backoff_initial = std::chrono::milliseconds(p.backoff_initial_ms);
  options.retry.backoff_max = std::chrono::milliseconds(p.backoff_max_ms);
  options.retry.queue_retry_interval = std::chrono::milliseconds(p.queue_retry_interval_ms);
  options.holder = push::processLeaseHolder();
  options.max_attachment_bytes = p.max_attachment_bytes;
  options.temp_dir = !p.temp_dir.empty()              ? p.temp_dir
                     : std::getenv("TMPDIR") != nullptr ? std::string(std::getenv("TMPDIR"))
                                                        : std::string("/tmp");
  if (::access(options.temp_dir.c_str(), W_OK | X_OK) != 0) {
    return Status::InvalidArgument("push.temp_dir: " + options.temp_dir + " is not a writable directory");
  }
  auto factory = [client]() -> std::unique_ptr<push::ReceiverClient> {
    auto made = services::makeOnlineBatchReceiverClient(client);  // checked above
    return made.ok() ? std::move(made).value() : nullptr;
  };
  auto worker = std::make_unique<push::DeliveryWorker>(db.push(), db.submissions(), files, factory, options);
  worker->start();
  return worker;
}

int run(const std::string& config_path) {
  auto config = config::loadConfig(config_path);
  if (!config.ok()) return startupFailed("config", config.status());
  const config::GatewayConfig& c = config.value();
  log::Level level;
  if (!log::parseLevel(c.log_level, level)) {
    return startupFailed("config", Status::InvalidArgument("log.level must be debug, info, warn or error"));
  }
  log::setLevel(level);

  auto database = persistence::Database::connect(c.database);
  if (!database.ok()) return startupFailed("database", database.status());
  persistence::FileStoreOptions file_options;
  file_options.direct_io = c.storage_direct_io;
  auto files = persistence::openLocalFileStore(c.storage_root, file_options);
  if (!files.ok()) return startupFailed("storage", files.status());

  auth::CredentialVerifier verifier(database.value()->systems(), std::chrono::seconds(c.credential_cache_seconds),
                                    std::chrono::seconds(c.system_cache_seconds));
  core::CoreLimits limits;
  limits.max_forms = c.limits.max_forms;
  limits.max_attachments = c.limits.max_attachments;
  limits.max_attachment_bytes = c.limits.max_attachment_bytes;
  limits.max_form_data_bytes = c.limits.max_form_data_bytes;
  limits.max_archive_search = c.limits.max_archive_search_results;
  limits.pdf_max_pages = c.limits.pdf_max_pages;
  limits.pdf_max_form_bytes = c.limits.pdf_max_form_bytes;
  limits.max_rights_rules = c.limits.max_rights_rules;
  limits.max_streamed_attachment_bytes = c.limits.max_streamed_attachment_bytes;
  limits.lookup_cache_seconds = c.lookup_cache_seconds;
  limits.max_notifications_per_request = c.limits.max_notifications_per_request;
  limits.max_correspondence_status = c.limits.max_correspondence_status;
  limits.max_correspondence_inbox = c.limits.max_correspondence_inbox;
  limits.max_broker_file_bytes = c.limits.max_broker_file_bytes;
  limits.broker_default_availability_days = c.broker.default_availability_days;
  core::Services core(*database.value(), *files.value(), verifier, limits);

  persistence::Database& db = *database.value();
  auto server = server::Server::create(c, services::makeEndpoints(core), [&db] { return db.ping(); });
  if (!server.ok()) return startupFailed("server", server.status());
  if (Status s = server.value()->start(); !s.ok()) return startupFailed("server", s);
  std::vector<std::unique_ptr<delivery::NotificationWorker>> delivery;
  for (int i = 0; c.delivery.enabled && i < c.delivery.threads; ++i) {
    delivery.push_back(delivery::NotificationWorker::create(db.notifications(), c.delivery));
    delivery.back()->start();
  }

  auto worker = startPushWorker(c, db, *files.value());
  if (!worker.ok()) {
    server.value()->stop();
    return startupFailed("push", worker.status());
  }
  std::unique_ptr<core::BrokerRetentionJob> retention;
  if (c.broker.retention_enabled) {
    retention = std::make_unique<core::BrokerRetentionJob>(core.brokers(),
                                                           std::chrono::seconds(c.broker.retention_interval_seconds));
    retention->start();
  }

  // Orphaned temp files of dead processes (storage/temp_sweep.h): at start and then periodically.
  storage::TempSweepJob temp_sweep(
      storage::tempSweepRoots(c.storage_root, c.sftp.enabled ? c.sftp.root : std::string(), c.push.temp_dir),
      std::chrono::hours(c.storage_temp_max_age_hours), std::chrono::seconds(c.storage_temp_sweep_interval_seconds));
  temp_sweep.start();

  std::unique_ptr<batch::BatchChannel> batch_channel;
  std::unique_ptr<broker_sftp::BrokerSftpChannel> broker_channel;
  if (c.sftp.enabled) {
    batch::BatchChannelOptions options;
    options.root = c.sftp.root;
    options.uid_base = c.sftp.uid_base;
    options.writer.max_items = c.sftp.batch_max_items;
    options.writer.max_age = std::chrono::seconds(c.sftp.batch_max_age_seconds);
    options.writer.poll_interval = std::chrono::milliseconds(c.sftp.poll_interval_ms);
    options.writer.max_attachment_bytes = c.sftp.max_attachment_bytes;
    if (!c.push.temp_dir.empty()) options.writer.temp_dir = c.push.temp_dir;
    options.inbound.interval = std::chrono::milliseconds(c.sftp.poll_interval_ms);
    options.inbound.max_file_bytes = c.sftp.max_inbound_bytes;
    auto started = batch::BatchChannel::start(db, *files.value(), core, options);
    if (!started.ok()) {
      if (worker.value()) worker.value()->stop();
      server.value()->stop();
      return startupFailed("sftp", started.status());
    }
    batch_channel = std::move(started).value();
    broker_sftp::BrokerSftpOptions broker_options;
    broker_options.root = c.sftp.root;
    broker_options.uid_base = c.sftp.uid_base;
    broker_options.interval = std::chrono::milliseconds(c.sftp.poll_interval_ms);
    broker_options.max_file_bytes = c.sftp.max_broker_file_bytes;
    auto broker_started = broker_sftp::BrokerSftpChannel::start(db, core.brokers(), broker_options);
    if (!broker_started.ok()) {
      batch_channel->stop();
      if (worker.value()) worker.value()->stop();
      server.value()->stop();
      return startupFailed("sftp", broker_started.status());
    }
    broker_channel = std::move(broker_started).value();
  }

  int signal = server::waitForServerSignal();
  for (; signal == SIGHUP; signal = server::waitForServerSignal()) {
    log::info("signal.reload", {{"signal", "SIGHUP"}});
    server.value()->reloadCrl();  // logs the outcome; a bad file keeps the CRLs in use
  }
  log::info("shutdown.requested", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  if (broker_channel) broker_channel->stop();  // finishes the file in hand
  if (batch_channel) batch_channel->stop();  // finishes the file in hand
  if (worker.value()) worker.value()->stop();  // lets the delivery in progress finish and record
  server.value()->stop();  // finishes in-flight requests; `core` and the database outlive it
  for (auto& d : delivery) d->stop();  // each finishes the message in hand
  if (retention) retention->stop();
  temp_sweep.stop();
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--version")) {
      std::printf("gatewayd %s\n", GATEWAY_VERSION);
      return kExitOk;
    }
    if (!std::strcmp(argv[i], "--config") && i + 1 < argc) {
      config_path = argv[++i];
    } else if (!std::strncmp(argv[i], "--config=", 9)) {
      config_path = argv[i] + 9;
    } else {
      return usage();
    }
  }
  // Before any thread exists, so every thread inherits the mask and main alone takes the signal.
  server::blockServerSignals();
  server::ignoreSigpipe();
  try {
    return run(config_path);
  } catch (const std::exception& e) {
    log::error("startup.failed", {{"stage", "unexpected"}, {"error", e.what()}});
    return kExitStartup;
  }
}
