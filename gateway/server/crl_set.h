#pragma once
// The contents of a tls.crl file: every CRL in it, parsed from PEM text, and the check that they are
// current. No I/O: the caller reads the file (server/crl_reloader.h) and passes the text.
//
// Thread safety: a CrlSet is immutable once made; copies share the parsed CRLs (reference-counted),
// so it may be read from any thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

typedef struct X509_crl_st X509_CRL;

namespace gateway::server {

struct CrlInfo {
  std::string issuer;  // one-line distinguished name of the CA that signed it
  std::chrono::system_clock::time_point last_update;
  std::optional<std::chrono::system_clock::time_point> next_update;  // absent when the CRL has none
};

class CrlSet {
 public:
  // Every PEM block in `pem` must be an "X509 CRL" and there must be at least one. kInvalidArgument
  // when the text holds no CRL, a block is cut short or is not a CRL, or a CRL does not decode.
  // Text outside PEM blocks is ignored (as OpenSSL does). Signatures are checked later, by OpenSSL,
  // against the CA bundle.
  static Result<CrlSet> parse(std::string_view pem);

  std::size_t size() const { return crls_.size(); }
  const std::vector<CrlInfo>& info() const { return info_; }
  // The parsed CRLs, owned by the set (and its copies); valid while one of them lives.
  std::vector<X509_CRL*> crls() const;

  // kInvalidArgument naming the issuer when, at `now`, a CRL is past its nextUpdate or its
  // lastUpdate is still ahead (OpenSSL would then refuse every certificate of that CA).
  Status checkCurrent(std::chrono::system_clock::time_point now) const;

  // "2026-12-01T00:00:00Z,none,...": each CRL's nextUpdate in file order (for logs).
  std::string nextUpdates() const;

 private:
  std::vector<std::shared_ptr<X509_CRL>> crls_;
  std::vector<CrlInfo> info_;
};

// UTC, seconds: "2026-12-01T00:00:00Z".
std::string formatUtc(std::chrono::system_clock::time_point t);

}  // namespace gateway::server
