#pragma once
// The gateway's configuration: a `key = value` file (a line whose first non-blank character is '#'
// is a comment; '#' elsewhere is part of the value) with every key
// overridable from the environment as GATEWAY_<KEY>, upper-cased, with '.' -> '_'
// (e.g. db.socket -> GATEWAY_DB_SOCKET). Environment wins over the file; the file wins over defaults.
// docs/configuration.md lists every key.

#include <map>
#include <string>

#include "common/status.h"
#include "persistence/database.h"

namespace gateway::config {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8443;                  // 0 = pick a free port (tests)
  std::string ready_file;           // when set, the bound port is written here once serving
  std::string public_base_url;      // soap:address in served WSDLs; default https://host:port
  int workers = 96;                 // threads serving connections (one connection per worker)
  int backlog = 256;
};

struct TlsConfig {
  std::string certificate;          // server certificate chain (PEM)
  std::string key;                  // server private key (PEM)
  std::string client_ca;            // trust anchors for client certificates (PEM bundle)
  std::string crl;                  // optional CRL file (PEM); checked for the whole chain when set
  int crl_reload_seconds = 60;      // how often gatewayd looks for a changed tls.crl (0 = only on SIGHUP)
};

inline constexpr int kMaxCrlReloadSeconds = 86400;  // a day: CRLs are commonly reissued daily

// Explicit limits on untrusted input. Each is enforced before or while parsing.
struct LimitsConfig {
  long max_message_bytes = 16L * 1024 * 1024;
  int max_depth = 64;               // XML nesting depth
  int max_elements = 10000;         // repeated elements in one array
  int recv_timeout_seconds = 30;     // one read
  int request_timeout_seconds = 120; // receiving one whole request, however slowly it trickles in
  int send_timeout_seconds = 30;
  int keep_alive_max_requests = 10000;
  int idle_timeout_seconds = 60;    // keep-alive connection idle time before close
  int max_forms = 50;
  int max_attachments = 100;
  long max_attachment_bytes = 8L * 1024 * 1024;
  int max_form_data_bytes = 4 * 1024 * 1024;
  int max_archive_search_results = 1000;    // ArchiveCommon search: results per call (newest first)
  int pdf_max_pages = 200;                  // GetFormSetPdfBasic: pages rendered at most
  long pdf_max_form_bytes = 1024L * 1024;   // GetFormSetPdfBasic: larger form data is listed, not walked
  int max_rights_rules = 1000;              // AddRightsBasic / DeleteRightsBasic: rules per request
  int max_notifications_per_request = 50;   // SendStandaloneNotification: more is ErrorID 40014
  int max_correspondence_status = 1000;     // GetCorrespondenceStatusDetails/History: results, then LimitReached
  int max_correspondence_inbox = 500;       // CorrespondenceExternal GetCorrespondenceListBasic: results, then LimitReached
  long max_streamed_attachment_bytes = 1L << 30;  // one attachment on a ...Streamed endpoint (1 GiB)
  long max_broker_file_bytes = 1L << 30;          // one broker file (UploadFileStreamedBasic, 1 GiB)
};

// The broker service (formidling).
struct BrokerConfig {
  int default_availability_days = 30;     // when a broker service has no period of its own
  int retention_interval_seconds = 300;   // how often the retention job looks for expired files
  bool retention_enabled = true;          // run the retention job in this process
};

// The SFTP drop area and batch channel (gateway/sftp, gateway/batch; docs/configuration.md).
struct SftpConfig {
  bool enabled = false;             // write batch files and poll inbound folders in this process
  std::string root;                 // the drop area; every component of the path must be root-owned and
                                    // not group/world writable (sshd's ChrootDirectory rule), so not /tmp
  std::string host = "127.0.0.1";   // where the scripts' sshd listens (printed, written to dev-env.json)
  int port = 2222;
  int uid_base = 61000;             // owner accounts get uid = gid = uid_base + owner id
  int batch_max_items = 100;        // submissions per outbound batch file
  int batch_max_age_seconds = 60;   // a batch file is written once its oldest submission waited this long
  int poll_interval_ms = 1000;      // the writer and the inbound poller look this often
  long max_inbound_bytes = 64L << 20;  // a larger inbound file is moved to failed/ unread
  long max_attachment_bytes = 64L << 20;  // attachments per submission in one batch ZIP
  long max_broker_file_bytes = 10L << 30;  // one broker ZIP dropped by an organisation (SOAP: 1 GiB)
};

// The most push.max_attachment_bytes may be (gSOAP holds a base64Binary's size in an int).
constexpr long kMaxPushAttachmentBytes = 1L << 30;

// The push channel's delivery worker (gateway/push). Times in milliseconds.
struct PushConfig {
  bool enabled = true;              // run the worker in this process (push.threads = 0 also disables it)
  int threads = 1;
  int poll_interval_ms = 1000;      // idle threads look for due channels this often
  int max_attempts = 5;             // FAILED answers before an item is dead
  int backoff_initial_ms = 10000;   // first retry after FAILED; doubles per FAILED, capped
  int backoff_max_ms = 3600000;
  int queue_retry_interval_ms = 60000;  // queue mode (fault / network error): retry of the oldest item
  int lease_ms = 120000;            // channel lease; must exceed connect + send + receive timeouts
  int outcomes_per_commit = 32;     // delivery outcomes recorded per transaction (re-sent after a crash)
  int keep_delivered_days = 30;     // delivered outbox rows are deleted after this many days (0: kept)
  int connect_timeout_seconds = 10;
  int io_timeout_seconds = 30;
  long max_attachment_bytes = 64L << 20;  // attachments per pushed item (sent as one ZIP), else dead (64 MiB)
  std::string temp_dir;             // where the attachments ZIP is built ("" = $TMPDIR or /tmp)
  std::string client_certificate;   // the gateway's own client certificate (PEM chain) for receivers
  std::string client_key;           // its private key
  std::string ca_bundle;            // trust anchors for receivers' server certificates
};

// Outgoing e-mail: an SMTP relay reached with libcurl.
struct SmtpConfig {
  std::string host;                         // empty: e-mail messages fail (and are retried) until set
  int port = 25;
  std::string starttls = "required";        // required | optional | off
  std::string username;                     // optional AUTH
  std::string password;
  std::string from = "noreply@gateway.invalid";  // From when the request gives no FromAddress
  std::string ca_file;                      // trust anchors for the relay's certificate (default: system store)
  int timeout_seconds = 30;
};

// Outgoing SMS: an HTTP(S) gateway taking {"to","from","text"} as a JSON POST.
struct SmsConfig {
  std::string url;                          // empty: SMS messages fail (and are retried) until set
  std::string token;                        // optional: sent as "Authorization: Bearer <token>"
  std::string from = "Gateway";             // the "from" field of every SMS
  std::string ca_file;
  int timeout_seconds = 30;
};

// The outbox worker in gatewayd (gateway/delivery).
struct DeliveryConfig {
  int enabled = 1;                          // 0: this process sends nothing (another one may)
  int poll_interval_ms = 1000;              // idle wait between looks at the outbox
  int threads = 4;                          // workers, each with its own relay connection
  int batch_size = 20;                      // messages claimed at a time (and recorded sent in one commit)
  int lease_seconds = 300;                  // a claimed message is another worker's again after this
  int max_attempts = 8;                     // then the message is dead (gatewayctl notification list --dead)
  int backoff_base_seconds = 30;            // retry n waits base * 2^(n-1) seconds ...
  int backoff_max_seconds = 3600;           // ... but never longer than this
  SmtpConfig smtp;
  SmsConfig sms;
};

struct GatewayConfig {
  BrokerConfig broker;
  ServerConfig server;
  TlsConfig tls;
  LimitsConfig limits;
  PushConfig push;
  SftpConfig sftp;
  persistence::DatabaseConfig database;
  DeliveryConfig delivery;
  std::string storage_root = ".local/files";
  // The temp-file sweep (storage/temp_sweep.h): temp files older than this are orphans of a dead
  // process. At least 1; must exceed limits.recv_timeout_seconds + 60 s (how long a live upload's temp
  // file can go untouched; docs/operations.md "Temp files").
  int storage_temp_max_age_hours = 24;
  int storage_temp_sweep_interval_seconds = 3600;  // how often gatewayd sweeps (and once at start)
  bool storage_direct_io = true;  // large blobs bypass the page cache (persistence::FileStoreOptions)
  std::string wsdl_dir;             // folder of the WSDLs served at ?wsdl
  std::string migrations_dir;
  std::string log_level = "info";   // debug | info | warn | error
  int credential_cache_seconds = 60;
  int system_cache_seconds = 1;  // how long a system record read for authentication is reused
  int lookup_cache_seconds = 5;     // service definitions and reportee grants (0 = no cache)
};

// Reads `path` (may be empty: defaults + environment only). kInvalidArgument names the bad key.
Result<GatewayConfig> loadConfig(const std::string& path);

// The same, with an explicit environment (tests).
Result<GatewayConfig> loadConfig(const std::string& path, const std::map<std::string, std::string>& environment);

}  // namespace gateway::config
