#include "gateway_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <unistd.h>

extern char** environ;

namespace gateway::config {
namespace {

using Setter = std::function<bool(GatewayConfig&, const std::string&)>;

bool parseInt(const std::string& text, long& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}


template <typename Member>
Setter number(Member member) {
  return [member](GatewayConfig& c, const std::string& v) {
    using Target = std::remove_reference_t<decltype(member(c))>;
    long n = 0;
    if (!parseInt(v, n) || n < 0 || n > static_cast<long>(std::numeric_limits<Target>::max())) return false;
    member(c) = static_cast<Target>(n);
    return true;
  };
}

template <typename Member>
Setter text(Member member) {
  return [member](GatewayConfig& c, const std::string& v) {
    member(c) = v;
    return true;
  };
}

const std::map<std::string, Setter>& keys() {
  static const std::map<std::string, Setter> table = {
      {"listen.host", text([](GatewayConfig& c) -> auto& { return c.server.host; })},
      {"listen.port", number([](GatewayConfig& c) -> auto& { return c.server.port; })},
      {"listen.ready_file", text([](GatewayConfig& c) -> auto& { return c.server.ready_file; })},
      {"listen.backlog", number([](GatewayConfig& c) -> auto& { return c.server.backlog; })},
      {"public_base_url", text([](GatewayConfig& c) -> auto& { return c.server.public_base_url; })},
      {"workers", number([](GatewayConfig& c) -> auto& { return c.server.workers; })},
      {"tls.certificate", text([](GatewayConfig& c) -> auto& { return c.tls.certificate; })},
      {"tls.key", text([](GatewayConfig& c) -> auto& { return c.tls.key; })},
      {"tls.client_ca", text([](GatewayConfig& c) -> auto& { return c.tls.client_ca; })},
      {"tls.crl", text([](GatewayConfig& c) -> auto& { return c.tls.crl; })},
      {"tls.crl_reload_seconds", number([](GatewayConfig& c) -> auto& { return c.tls.crl_reload_seconds; })},
      {"limits.max_message_bytes", number([](GatewayConfig& c) -> auto& { return c.limits.max_message_bytes; })},
      {"limits.max_depth", number([](GatewayConfig& c) -> auto& { return c.limits.max_depth; })},
      {"limits.max_elements", number([](GatewayConfig& c) -> auto& { return c.limits.max_elements; })},
      {"limits.recv_timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.limits.recv_timeout_seconds; })},
      {"limits.request_timeout_seconds",
       number([](GatewayConfig& c) -> auto& { return c.limits.request_timeout_seconds; })},
      {"limits.send_timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.limits.send_timeout_seconds; })},
      {"limits.keep_alive_max_requests",
       number([](GatewayConfig& c) -> auto& { return c.limits.keep_alive_max_requests; })},
      {"limits.idle_timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.limits.idle_timeout_seconds; })},
      {"limits.max_forms", number([](GatewayConfig& c) -> auto& { return c.limits.max_forms; })},
      {"limits.max_attachments", number([](GatewayConfig& c) -> auto& { return c.limits.max_attachments; })},
      {"limits.max_attachment_bytes", number([](GatewayConfig& c) -> auto& { return c.limits.max_attachment_bytes; })},
      {"limits.max_form_data_bytes", number([](GatewayConfig& c) -> auto& { return c.limits.max_form_data_bytes; })},
      {"limits.max_rights_rules", number([](GatewayConfig& c) -> auto& { return c.limits.max_rights_rules; })},
      {"limits.max_archive_search_results",
       number([](GatewayConfig& c) -> auto& { return c.limits.max_archive_search_results; })},
      {"limits.pdf_max_pages", number([](GatewayConfig& c) -> auto& { return c.limits.pdf_max_pages; })},
      {"limits.pdf_max_form_bytes", number([](GatewayConfig& c) -> auto& { return c.limits.pdf_max_form_bytes; })},
      {"limits.max_notifications_per_request",
       number([](GatewayConfig& c) -> auto& { return c.limits.max_notifications_per_request; })},
      {"limits.max_correspondence_status",
       number([](GatewayConfig& c) -> auto& { return c.limits.max_correspondence_status; })},
      {"limits.max_correspondence_inbox",
       number([](GatewayConfig& c) -> auto& { return c.limits.max_correspondence_inbox; })},
      {"smtp.host", text([](GatewayConfig& c) -> auto& { return c.delivery.smtp.host; })},
      {"smtp.port", number([](GatewayConfig& c) -> auto& { return c.delivery.smtp.port; })},
      {"smtp.starttls", text([](GatewayConfig& c) -> auto& { return c.delivery.smtp.starttls; })},
      {"smtp.username", text([](GatewayConfig& c) -> auto& { return c.delivery.smtp.username; })},
      {"smtp.password", text([](GatewayConfig& c) -> auto& { return c.delivery.smtp.password; })},
      {"smtp.from", text([](GatewayConfig& c) -> auto& { return c.delivery.smtp.from; })},
      {"smtp.ca_file", text([](GatewayConfig& c) -> auto& { return c.delivery.smtp.ca_file; })},
      {"smtp.timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.delivery.smtp.timeout_seconds; })},
      {"sms.url", text([](GatewayConfig& c) -> auto& { return c.delivery.sms.url; })},
      {"sms.token", text([](GatewayConfig& c) -> auto& { return c.delivery.sms.token; })},
      {"sms.from", text([](GatewayConfig& c) -> auto& { return c.delivery.sms.from; })},
      {"sms.ca_file", text([](GatewayConfig& c) -> auto& { return c.delivery.sms.ca_file; })},
      {"sms.timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.delivery.sms.timeout_seconds; })},
      {"delivery.enabled", number([](GatewayConfig& c) -> auto& { return c.delivery.enabled; })},
      {"delivery.poll_interval_ms", number([](GatewayConfig& c) -> auto& { return c.delivery.poll_interval_ms; })},
      {"delivery.batch_size", number([](GatewayConfig& c) -> auto& { return c.delivery.batch_size; })},
      {"delivery.threads", number([](GatewayConfig& c) -> auto& { return c.delivery.threads; })},
      {"delivery.lease_seconds", number([](GatewayConfig& c) -> auto& { return c.delivery.lease_seconds; })},
      {"delivery.max_attempts", number([](GatewayConfig& c) -> auto& { return c.delivery.max_attempts; })},
      {"delivery.backoff_base_seconds",
       number([](GatewayConfig& c) -> auto& { return c.delivery.backoff_base_seconds; })},
      {"delivery.backoff_max_seconds", number([](GatewayConfig& c) -> auto& { return c.delivery.backoff_max_seconds; })},
      {"limits.max_broker_file_bytes", number([](GatewayConfig& c) -> auto& { return c.limits.max_broker_file_bytes; })},
      {"broker.default_availability_days",
       number([](GatewayConfig& c) -> auto& { return c.broker.default_availability_days; })},
      {"broker.retention_interval_seconds",
       number([](GatewayConfig& c) -> auto& { return c.broker.retention_interval_seconds; })},
      {"broker.retention_enabled", number([](GatewayConfig& c) -> auto& { return c.broker.retention_enabled; })},
      {"limits.max_streamed_attachment_bytes",
       number([](GatewayConfig& c) -> auto& { return c.limits.max_streamed_attachment_bytes; })},
      {"db.host", text([](GatewayConfig& c) -> auto& { return c.database.host; })},
      {"db.port", number([](GatewayConfig& c) -> auto& { return c.database.port; })},
      {"db.socket", text([](GatewayConfig& c) -> auto& { return c.database.unix_socket; })},
      {"db.user", text([](GatewayConfig& c) -> auto& { return c.database.user; })},
      {"db.password", text([](GatewayConfig& c) -> auto& { return c.database.password; })},
      {"db.name", text([](GatewayConfig& c) -> auto& { return c.database.database; })},
      {"db.connect_timeout_seconds",
       number([](GatewayConfig& c) -> auto& { return c.database.connect_timeout_seconds; })},
      {"db.lock_retry_attempts", number([](GatewayConfig& c) -> auto& { return c.database.lock_retry_attempts; })},
      {"db.group_commit_max_submissions",
       number([](GatewayConfig& c) -> auto& { return c.database.group_commit_max_submissions; })},
      {"db.group_commit_max_bytes", number([](GatewayConfig& c) -> auto& { return c.database.group_commit_max_bytes; })},
      {"db.group_commit_writers", number([](GatewayConfig& c) -> auto& { return c.database.group_commit_writers; })},
      {"storage.root", text([](GatewayConfig& c) -> auto& { return c.storage_root; })},
      {"storage.direct_io", number([](GatewayConfig& c) -> auto& { return c.storage_direct_io; })},
      {"storage.temp_max_age_hours", number([](GatewayConfig& c) -> auto& { return c.storage_temp_max_age_hours; })},
      {"storage.temp_sweep_interval_seconds",
       number([](GatewayConfig& c) -> auto& { return c.storage_temp_sweep_interval_seconds; })},
      {"wsdl.dir", text([](GatewayConfig& c) -> auto& { return c.wsdl_dir; })},
      {"migrations.dir", text([](GatewayConfig& c) -> auto& { return c.migrations_dir; })},
      {"log.level", text([](GatewayConfig& c) -> auto& { return c.log_level; })},
      {"cache.lookup_seconds", number([](GatewayConfig& c) -> auto& { return c.lookup_cache_seconds; })},
      {"auth.credential_cache_seconds", number([](GatewayConfig& c) -> auto& { return c.credential_cache_seconds; })},
      {"push.enabled", number([](GatewayConfig& c) -> auto& { return c.push.enabled; })},
      {"push.threads", number([](GatewayConfig& c) -> auto& { return c.push.threads; })},
      {"push.poll_interval_ms", number([](GatewayConfig& c) -> auto& { return c.push.poll_interval_ms; })},
      {"push.max_attempts", number([](GatewayConfig& c) -> auto& { return c.push.max_attempts; })},
      {"push.backoff_initial_ms", number([](GatewayConfig& c) -> auto& { return c.push.backoff_initial_ms; })},
      {"push.backoff_max_ms", number([](GatewayConfig& c) -> auto& { return c.push.backoff_max_ms; })},
      {"push.queue_retry_interval_ms", number([](GatewayConfig& c) -> auto& { return c.push.queue_retry_interval_ms; })},
      {"push.lease_ms", number([](GatewayConfig& c) -> auto& { return c.push.lease_ms; })},
      {"push.outcomes_per_commit", number([](GatewayConfig& c) -> auto& { return c.push.outcomes_per_commit; })},
      {"push.keep_delivered_days", number([](GatewayConfig& c) -> auto& { return c.push.keep_delivered_days; })},
      {"push.connect_timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.push.connect_timeout_seconds; })},
      {"push.io_timeout_seconds", number([](GatewayConfig& c) -> auto& { return c.push.io_timeout_seconds; })},
      {"push.max_attachment_bytes", number([](GatewayConfig& c) -> auto& { return c.push.max_attachment_bytes; })},
      {"push.temp_dir", text([](GatewayConfig& c) -> auto& { return c.push.temp_dir; })},
      {"push.client_certificate", text([](GatewayConfig& c) -> auto& { return c.push.client_certificate; })},
      {"push.client_key", text([](GatewayConfig& c) -> auto& { return c.push.client_key; })},
      {"push.ca_bundle", text([](GatewayConfig& c) -> auto& { return c.push.ca_bundle; })},
      {"sftp.enabled", number([](GatewayConfig& c) -> auto& { return c.sftp.enabled; })},
      {"sftp.root", text([](GatewayConfig& c) -> auto& { return c.sftp.root; })},
      {"sftp.host", text([](GatewayConfig& c) -> auto& { return c.sftp.host; })},
      {"sftp.port", number([](GatewayConfig& c) -> auto& { return c.sftp.port; })},
      {"sftp.uid_base", number([](GatewayConfig& c) -> auto& { return c.sftp.uid_base; })},
      {"sftp.batch_max_items", number([](GatewayConfig& c) -> auto& { return c.sftp.batch_max_items; })},
      {"sftp.batch_max_age_seconds", number([](GatewayConfig& c) -> auto& { return c.sftp.batch_max_age_seconds; })},
      {"sftp.poll_interval_ms", number([](GatewayConfig& c) -> auto& { return c.sftp.poll_interval_ms; })},
      {"sftp.max_inbound_bytes", number([](GatewayConfig& c) -> auto& { return c.sftp.max_inbound_bytes; })},
      {"sftp.max_attachment_bytes", number([](GatewayConfig& c) -> auto& { return c.sftp.max_attachment_bytes; })},
      {"sftp.max_broker_file_bytes", number([](GatewayConfig& c) -> auto& { return c.sftp.max_broker_file_bytes; })},
      {"auth.system_cache_seconds", number([](GatewayConfig& c) -> auto& { return c.system_cache_seconds; })},
  };
  return table;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string envName(const std::string& key) {
  std::string name = "GATEWAY_";
  for (char ch : key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

Status apply(GatewayConfig& config, const std::string& key, const std::string& value, const std::string& where) {
  auto it = keys().find(key);
  if (it == keys().end()) return Status::InvalidArgument(where + ": unknown key '" + key + "'");
  if (!it->second(config, value)) return Status::InvalidArgument(where + ": bad value for '" + key + "'");
  return Status::Ok();
}

std::map<std::string, std::string> processEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos && entry.rfind("GATEWAY_", 0) == 0) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace

Result<GatewayConfig> loadConfig(const std::string& path, const std::map<std::string, std::string>& environment) {
  GatewayConfig config;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return Status::InvalidArgument("cannot read config file " + path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      auto eq = line.find('=');
      if (eq == std::string::npos) return Status::InvalidArgument(path + ":" + std::to_string(number) + ": expected key = value");
      Status s = apply(config, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), path + ":" + std::to_string(number));
      if (!s.ok()) return s;
    }
  }
  for (const auto& [key, setter] : keys()) {
    auto it = environment.find(envName(key));
    if (it == environment.end()) continue;
    Status s = apply(config, key, it->second, it->first);
    if (!s.ok()) return s;
  }
  const std::string& starttls = config.delivery.smtp.starttls;
  if (starttls != "required" && starttls != "optional" && starttls != "off") {
    return Status::InvalidArgument("smtp.starttls must be required, optional or off");
  }
  if (config.delivery.max_attempts < 1 || config.delivery.batch_size < 1 || config.delivery.lease_seconds < 1 ||
      config.delivery.threads < 1) {
    return Status::InvalidArgument(
        "delivery.max_attempts, delivery.batch_size, delivery.lease_seconds and delivery.threads must be at least 1");
  }
  if (config.push.outcomes_per_commit < 1) return Status::InvalidArgument("push.outcomes_per_commit must be at least 1");
  if (config.push.keep_delivered_days < 0) return Status::InvalidArgument("push.keep_delivered_days must not be negative");
  if (static_cast<long>(config.push.lease_ms) <=
      1000L * (config.push.connect_timeout_seconds + 2L * config.push.io_timeout_seconds)) {
    return Status::InvalidArgument("push.lease_ms must exceed push.connect_timeout_seconds + 2 x "
                                   "push.io_timeout_seconds (one delivery's longest time)");
  }
  if (config.push.max_attachment_bytes > kMaxPushAttachmentBytes) {
    return Status::InvalidArgument("push.max_attachment_bytes must be at most 1073741824 (1 GiB): the ZIP is sent "
                                   "as one in-memory base64 value");
  }
  if (config.sftp.enabled && config.sftp.root.empty()) return Status::InvalidArgument("sftp.enabled needs sftp.root");
  if (config.sftp.batch_max_items < 1 || config.sftp.batch_max_age_seconds < 0 || config.sftp.poll_interval_ms < 1 ||
      config.sftp.uid_base < 1000 || config.sftp.max_inbound_bytes < 1 || config.sftp.max_broker_file_bytes < 1) {
    return Status::InvalidArgument("sftp.batch_max_items, sftp.poll_interval_ms, sftp.max_inbound_bytes and "
                                   "sftp.max_broker_file_bytes must be at least 1, sftp.batch_max_age_seconds at least 0, sftp.uid_base at least 1000");
  }
  if (config.limits.max_broker_file_bytes < 1 || config.limits.max_broker_file_bytes > 2147483647L) {
    return Status::InvalidArgument("limits.max_broker_file_bytes must be 1 to 2147483647 (gSOAP sizes a part with an int)");
  }
  if (config.broker.default_availability_days < 1 || config.broker.retention_interval_seconds < 1) {
    return Status::InvalidArgument("broker.default_availability_days and broker.retention_interval_seconds must be at least 1");
  }
  if (config.storage_temp_max_age_hours < 1 || config.storage_temp_sweep_interval_seconds < 1) {
    return Status::InvalidArgument("storage.temp_max_age_hours and storage.temp_sweep_interval_seconds must be at least 1");
  }
  if (3600L * config.storage_temp_max_age_hours <= config.limits.recv_timeout_seconds + 60L) {
    return Status::InvalidArgument("storage.temp_max_age_hours must exceed limits.recv_timeout_seconds + 60 seconds "
                                   "(a live upload's temp file may go that long untouched)");
  }
  if (config.tls.crl_reload_seconds > kMaxCrlReloadSeconds) {
    return Status::InvalidArgument("tls.crl_reload_seconds must be 0 (only on SIGHUP) to " +
                                   std::to_string(kMaxCrlReloadSeconds));
  }
  if (config.server.public_base_url.empty()) {
    config.server.public_base_url = "https://" + config.server.host + ":" + std::to_string(config.server.port);
  }
  return config;
}

Result<GatewayConfig> loadConfig(const std::string& path) { return loadConfig(path, processEnvironment()); }

}  // namespace gateway::config
