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
};

// Explicit limits on untrusted input. Each is enforced before or while parsing.
struct LimitsConfig {
  long max_message_bytes = 16L * 1024 * 1024;
  int max_depth = 64;               // XML nesting depth
  int max_elements = 10000;         // repeated elements in one array
  int recv_timeout_seconds = 30;
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
  long max_streamed_attachment_bytes = 1L << 30;  // one attachment on a ...Streamed endpoint (1 GiB)
};

struct GatewayConfig {
  ServerConfig server;
  TlsConfig tls;
  LimitsConfig limits;
  persistence::DatabaseConfig database;
  std::string storage_root = ".local/files";
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
