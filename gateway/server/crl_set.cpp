#include "server/crl_set.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <ctime>

namespace gateway::server {
namespace {

std::chrono::system_clock::time_point toTimePoint(const ASN1_TIME* t) {
  std::tm tm{};
  ASN1_TIME_to_tm(t, &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string oneLine(const X509_NAME* name) {
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

struct PemBlock {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  ~PemBlock() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
};

}  // namespace

std::string formatUtc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<CrlSet> CrlSet::parse(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return Status::Internal("cannot make a memory BIO");
  CrlSet set;
  ERR_clear_error();
  for (int index = 1;; ++index) {
    PemBlock block;
    if (PEM_read_bio(bio.get(), &block.name, &block.header, &block.data, &block.length) != 1) {
      const unsigned long e = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) break;  // no more blocks
      return Status::InvalidArgument("PEM block " + std::to_string(index) + " is cut short or malformed");
    }
    if (std::strcmp(block.name, PEM_STRING_X509_CRL) != 0) {
      return Status::InvalidArgument("PEM block " + std::to_string(index) + " is a " + block.name + ", not a CRL");
    }
    const unsigned char* p = block.data;
    X509_CRL* crl = d2i_X509_CRL(nullptr, &p, block.length);
    if (!crl || p != block.data + block.length) {
      X509_CRL_free(crl);
      ERR_clear_error();
      return Status::InvalidArgument("PEM block " + std::to_string(index) + " does not decode as a CRL");
    }
    set.crls_.emplace_back(crl, X509_CRL_free);
    CrlInfo info;
    info.issuer = oneLine(X509_CRL_get_issuer(crl));
    info.last_update = toTimePoint(X509_CRL_get0_lastUpdate(crl));
    if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl)) info.next_update = toTimePoint(next);
    set.info_.push_back(std::move(info));
  }
  if (set.crls_.empty()) return Status::InvalidArgument("no CRL in the file");
  return set;
}

std::vector<X509_CRL*> CrlSet::crls() const {
  std::vector<X509_CRL*> out;
  out.reserve(crls_.size());
  for (const auto& crl : crls_) out.push_back(crl.get());
  return out;
}

Status CrlSet::checkCurrent(std::chrono::system_clock::time_point now) const {
  for (const CrlInfo& crl : info_) {
    if (crl.next_update && *crl.next_update < now) {
      return Status::InvalidArgument("the CRL of " + crl.issuer + " expired (nextUpdate " +
                                     formatUtc(*crl.next_update) + ")");
    }
    if (crl.last_update > now) {
      return Status::InvalidArgument("the CRL of " + crl.issuer + " is not valid yet (lastUpdate " +
                                     formatUtc(crl.last_update) + ")");
    }
  }
  return Status::Ok();
}

std::string CrlSet::nextUpdates() const {
  std::string out;
  for (const CrlInfo& crl : info_) {
    if (!out.empty()) out += ',';
    out += crl.next_update ? formatUtc(*crl.next_update) : std::string("none");
  }
  return out;
}

}  // namespace gateway::server
