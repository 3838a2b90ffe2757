#include "auth/certificate_identity.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <memory>
#include <set>
#include <string_view>
#include <vector>

namespace gateway::auth {
namespace {

bool isNineDigits(const std::string& s) {
  if (s.size() != 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Every value of attribute `nid` in `name`, as UTF-8.
std::vector<std::string> attributeValues(const X509_NAME* name, int nid) {
  std::vector<std::string> values;
  for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0; i = X509_NAME_get_index_by_NID(name, nid, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0) continue;
    values.emplace_back(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
  }
  return values;
}

std::string subjectLine(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string sha256Fingerprint(X509* certificate) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(certificate, EVP_sha256(), md, &size) != 1) return "";
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 0x0f];
  }
  return hex;
}

}  // namespace

CertificateIdentity identityFromCertificate(X509* certificate) {
  CertificateIdentity identity;
  if (!certificate) return identity;
  const X509_NAME* subject = X509_get_subject_name(certificate);
  identity.subject = subject ? subjectLine(subject) : "";
  identity.sha256_fingerprint = sha256Fingerprint(certificate);
  if (!subject) return identity;

  std::set<std::string> candidates;
  for (const auto& value : attributeValues(subject, NID_serialNumber)) {
    if (isNineDigits(value)) candidates.insert(value);
  }
  static constexpr std::string_view kPrefix = "NTRNO-";
  for (const auto& value : attributeValues(subject, NID_organizationIdentifier)) {
    if (value.size() == kPrefix.size() + 9 && value.compare(0, kPrefix.size(), kPrefix) == 0) {
      std::string number = value.substr(kPrefix.size());
      if (isNineDigits(number)) candidates.insert(number);
    }
  }
  // Two different numbers in one subject: we cannot tell who is calling, so refuse (empty).
  if (candidates.size() == 1) identity.org_number = *candidates.begin();
  return identity;
}

}  // namespace gateway::auth
