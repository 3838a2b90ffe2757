#pragma once
// A throw-away PKI for the server tests, made with OpenSSL APIs into a temporary folder:
//   ca.pem             root CA (also the client trust bundle)
//   server.pem/.key    server, SAN IP 127.0.0.1 and DNS localhost
//   agency.pem/.key    client, subject serialNumber=910000004
//   agency2.pem/.key   client, subject organizationIdentifier=NTRNO-910000101
//   noorg.pem/.key     client without an organisation number
//   revoked.pem/.key   client listed in crl.pem
//   expired.pem/.key   client whose validity ended yesterday
//   untrusted.pem/.key client signed by another CA
//   crl.pem            the root CA's CRL
// ECDSA P-256 keys (fast to make). Not thread-safe; one per test process. crlPem() issues more CRLs
// of the root CA (other revoked serials, other validity) as PEM text, for the CRL reload tests.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace test_pki {

struct Issued {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what);
}

inline void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Issues a certificate for `subject` (NID, value pairs); self-signed when `issuer` is null.
inline Issued issue(const std::vector<std::pair<int, std::string>>& subject, const Issued* issuer, long serial,
                    bool is_ca, const char* san = nullptr, long not_before = -3600, long not_after = 86400) {
  Issued out;
  out.key = EVP_EC_gen("P-256");
  check(out.key != nullptr, "key");
  out.cert = X509_new();
  X509_set_version(out.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(out.cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(out.cert), not_before);
  X509_gmtime_adj(X509_getm_notAfter(out.cert), not_after);
  X509_NAME* name = X509_get_subject_name(out.cert);
  for (const auto& [nid, value] : subject) {
    X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                               -1, 0);
  }
  X509_set_issuer_name(out.cert, issuer ? X509_get_subject_name(issuer->cert) : name);
  X509_set_pubkey(out.cert, out.key);
  X509* issuer_cert = issuer ? issuer->cert : nullptr;
  if (is_ca) {
    addExtension(out.cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(out.cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    addExtension(out.cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(out.cert, issuer_cert, NID_key_usage, "critical,digitalSignature");
    addExtension(out.cert, issuer_cert, NID_ext_key_usage, san ? "serverAuth" : "clientAuth");
  }
  addExtension(out.cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer) addExtension(out.cert, issuer_cert, NID_authority_key_identifier, "keyid");
  if (san) addExtension(out.cert, issuer_cert, NID_subject_alt_name, san);
  check(X509_sign(out.cert, issuer ? issuer->key : out.key, EVP_sha256()) > 0, "sign");
  return out;
}

class Pki {
 public:
  Pki() {
    char pattern[] = "/tmp/gw-pki-XXXXXX";
    check(mkdtemp(pattern) != nullptr, "mkdtemp");
    dir_ = pattern;
    Issued ca = issue({{NID_commonName, "Test Root CA"}}, nullptr, 1, true, nullptr, -86400 * 2, 86400 * 30);
    Issued other = issue({{NID_commonName, "Other CA"}}, nullptr, 1, true, nullptr, -86400 * 2, 86400 * 30);
    write("ca", ca);
    write("server", issue({{NID_commonName, "localhost"}}, &ca, 2, false, "IP:127.0.0.1,DNS:localhost"));
    write("agency", issue({{NID_countryName, "NO"}, {NID_organizationName, "ETAT"}, {NID_serialNumber, "910000004"}},
                          &ca, 3, false));
    write("agency2", issue({{NID_organizationName, "ETAT2"}, {NID_organizationIdentifier, "NTRNO-910000101"}}, &ca,
                           4, false));
    write("noorg", issue({{NID_commonName, "no organisation"}}, &ca, 5, false));
    write("revoked", issue({{NID_serialNumber, "910000004"}, {NID_commonName, "revoked"}}, &ca, 6, false));
    write("expired", issue({{NID_serialNumber, "910000004"}, {NID_commonName, "expired"}}, &ca, 7, false, nullptr,
                           -86400 * 2, -86400));
    write("untrusted", issue({{NID_serialNumber, "910000004"}}, &other, 8, false));
    writeCrl(ca, 6);
    free(ca);
    free(other);
  }
  ~Pki() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

  std::string pem(const std::string& name) const { return dir_ + "/" + name + ".pem"; }
  std::string key(const std::string& name) const { return dir_ + "/" + name + ".key"; }
  std::string crl() const { return dir_ + "/crl.pem"; }
  const std::string& dir() const { return dir_; }

  // A CRL of the root CA listing `revoked_serials`, with lastUpdate and nextUpdate at these offsets
  // (seconds) from now, as PEM text.
  std::string crlPem(const std::vector<long>& revoked_serials, long last_update = -60, long next_update = 86400) const {
    Issued ca;
    FILE* f = std::fopen(pem("ca").c_str(), "r");
    check(f && (ca.cert = PEM_read_X509(f, nullptr, nullptr, nullptr)) != nullptr, "read CA");
    std::fclose(f);
    f = std::fopen(key("ca").c_str(), "r");
    check(f && (ca.key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr)) != nullptr, "read CA key");
    std::fclose(f);
    std::string text = makeCrl(ca, revoked_serials, last_update, next_update);
    free(ca);
    return text;
  }

  static std::string makeCrl(const Issued& ca, const std::vector<long>& revoked_serials, long last_update,
                             long next_update) {
    X509_CRL* crl = X509_CRL_new();
    X509_CRL_set_version(crl, 1);
    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca.cert));
    ASN1_TIME* last = X509_gmtime_adj(nullptr, last_update);
    ASN1_TIME* next = X509_gmtime_adj(nullptr, next_update);
    X509_CRL_set1_lastUpdate(crl, last);
    X509_CRL_set1_nextUpdate(crl, next);
    for (long revoked_serial : revoked_serials) {
      X509_REVOKED* revoked = X509_REVOKED_new();
      ASN1_INTEGER* serial = ASN1_INTEGER_new();
      ASN1_INTEGER_set(serial, revoked_serial);
      X509_REVOKED_set_serialNumber(revoked, serial);
      X509_REVOKED_set_revocationDate(revoked, last);
      X509_CRL_add0_revoked(crl, revoked);
      ASN1_INTEGER_free(serial);
    }
    X509_CRL_sort(crl);
    check(X509_CRL_sign(crl, ca.key, EVP_sha256()) > 0, "sign CRL");
    BIO* bio = BIO_new(BIO_s_mem());
    check(PEM_write_bio_X509_CRL(bio, crl) == 1, "write CRL");
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    X509_CRL_free(crl);
    return text;
  }

 private:
  static void free(Issued& i) {
    X509_free(i.cert);
    EVP_PKEY_free(i.key);
  }

  void write(const std::string& name, Issued issued) {
    FILE* f = std::fopen(pem(name).c_str(), "w");
    check(f && PEM_write_X509(f, issued.cert) == 1, "write cert");
    std::fclose(f);
    f = std::fopen(key(name).c_str(), "w");
    check(f && PEM_write_PrivateKey(f, issued.key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "write key");
    std::fclose(f);
    if (name != "ca") free(issued);
  }

  void writeCrl(const Issued& ca, long revoked_serial) {
    const std::string text = makeCrl(ca, {revoked_serial}, -60, 86400);
    FILE* f = std::fopen(this->crl().c_str(), "w");
    check(f && std::fwrite(text.data(), 1, text.size(), f) == text.size(), "write CRL");
    std::fclose(f);
  }

  std::string dir_;
};

}  // namespace test_pki
