#pragma once
// Who a client certificate says the caller is. The TLS layer has already checked chain, validity
// and revocation; this only reads the subject.

#include <optional>
#include <string>

typedef struct x509_st X509;

namespace gateway::auth {

struct CertificateIdentity {
  // 9-digit organisation number from subject serialNumber, or from organizationIdentifier
  // "NTRNO-<orgnr>". Empty when the certificate carries neither (the caller is then refused), and
  // also when the subject names two different numbers (ambiguous). Values that are not exactly
  // nine digits are ignored; the mod-11 check digit is the issuing CA's business, not checked here.
  std::optional<std::string> org_number;
  std::string subject;               // RFC 2253 one-line subject, for logs
  std::string sha256_fingerprint;    // lower-case hex of the DER
};

// Reads `certificate` (not owned; may be null, giving an empty identity). Thread-safe.
CertificateIdentity identityFromCertificate(X509* certificate);

}  // namespace gateway::auth
