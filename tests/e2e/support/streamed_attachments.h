#pragma once
// Streaming through gSOAP proxies in the end-to-end tests, without holding the payload: uploads read
// deterministic bytes from a generator as gSOAP asks for them (fmimeread), downloads hash what
// arrives (fmimewrite). Both keep a running SHA-256 so the two ends can be compared. Also reads a
// process's memory figures from /proc.

#include <openssl/evp.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "soap_clients.h"

namespace gateway::testing {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void add(const char* data, std::size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest, &length);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
      out += kHex[digest[i] >> 4];
      out += kHex[digest[i] & 15];
    }
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// `total` pseudo-random bytes from `seed` (xorshift64), produced on demand.
struct GeneratedBytes {
  GeneratedBytes(std::uint64_t total_bytes, std::uint64_t seed) : total(total_bytes), state(seed | 1) {}
  std::size_t fill(char* buffer, std::size_t capacity) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, total - produced));
    for (std::size_t i = 0; i < n; ++i) {
      if (((produced + i) & 7) == 0) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
      }
      buffer[i] = static_cast<char>(state >> (8 * ((produced + i) & 7)));
    }
    sha.add(buffer, n);
    produced += n;
    return n;
  }
  std::uint64_t total;
  std::uint64_t state;
  std::uint64_t produced = 0;
  Sha256 sha;
};

struct UploadHeaders {
  int reportee_element_id = 0;
  std::string name = "stor-fil";
  std::string file_name = "stor.bin";
  std::string attachment_type_name = "application/octet-stream";
  std::string end_user_reference;
  std::string checksum;  // empty: not sent
};

// Streams `source` to SubmitAttachmentStreamedBasic as an MTOM part with `identity`'s credentials.
inline int uploadStreamed(Client<InboundStreamedProxy>& c, const Identity& identity, const UploadHeaders& h,
                          GeneratedBytes& source, _iibs__ReceiptExternalStreamedBE& receipt) {
  struct soap* soap = c->soap;
  soap_set_omode(soap, SOAP_ENC_MTOM);
  soap->fmimereadopen = [](struct soap*, void* handle, const char*, const char*, const char*) { return handle; };
  soap->fmimeread = [](struct soap*, void* handle, char* buffer, size_t length) -> size_t {
    return static_cast<GeneratedBytes*>(handle)->fill(buffer, length);
  };
  soap->fmimereadclose = [](struct soap*, void*) {};
  auto text = [&](const std::string& value) {
    auto* s = soap_new_std__string(soap);
    *s = value;
    return s;
  };
  int* id = static_cast<int*>(soap_malloc(soap, sizeof(int)));
  *id = h.reportee_element_id;
  // By name: every service's header elements share one generated SOAP_ENV__Header.
  SOAP_ENV__Header* header = soap_new_SOAP_ENV__Header(soap);
  header->iibs__AttachmentTypeName = text(h.attachment_type_name);
  header->iibs__CheckSum = h.checksum.empty() ? nullptr : text(h.checksum);
  header->iibs__EndUserSystemreference = text(h.end_user_reference);
  header->iibs__FileName = text(h.file_name);
  header->iibs__Name = text(h.name);
  header->iibs__ReporteeElementId = id;
  header->iibs__password = text(identity.system_password);
  header->iibs__userName = text(identity.system_user);
  soap->header = header;
  _iibs__StreamedAttachmentBasicBE request;
  request.dataStream.__ptr = reinterpret_cast<unsigned char*>(&source);  // the handle fmimeread gets
  request.dataStream.__size = static_cast<int>(source.total);
  request.dataStream.id = soap_strdup(soap, "cid:upload-part@test");
  request.dataStream.type = soap_strdup(soap, "application/octet-stream");
  request.dataStream.options = nullptr;
  return c->SubmitAttachmentStreamedBasic(&request, receipt);
}

// Where a streamed download goes: counted and hashed, never kept.
struct DownloadSink {
  std::uint64_t bytes = 0;
  Sha256 sha;
};

// GetAttachmentDataStreamedBasic into `sink` (set as the proxy's soap->user for the callbacks).
inline int downloadStreamed(Client<ArchiveStreamedProxy>& c, const Identity& identity, int attachment_id,
                            DownloadSink& sink) {
  struct soap* soap = c->soap;
  soap->user = &sink;
  soap->fmimewriteopen = [](struct soap* s, void*, const char*, const char*, const char*,
                            enum soap_mime_encoding) -> void* { return s->user; };
  soap->fmimewrite = [](struct soap*, void* handle, const char* buffer, size_t length) -> int {
    auto* d = static_cast<DownloadSink*>(handle);
    d->bytes += length;
    d->sha.add(buffer, length);
    return SOAP_OK;
  };
  soap->fmimewriteclose = [](struct soap*, void*) {};
  _soas__GetAttachmentDataStreamedBasic request;
  _soas__GetAttachmentDataStreamedBasicResponse response;
  request.systemUserName = soap_new_std__string(soap);
  *request.systemUserName = identity.system_user;
  request.systemPassword = soap_new_std__string(soap);
  *request.systemPassword = identity.system_password;
  request.attachmentId = static_cast<int*>(soap_malloc(soap, sizeof(int)));
  *request.attachmentId = attachment_id;
  return c->GetAttachmentDataStreamedBasic(&request, response);
}

// Streams `source` to the broker's UploadFileStreamedBasic as an MTOM part; `identity` acts for
// `reportee`, the sender of the shipment `reference`. With `zip_signature`, the first four bytes
// are replaced by a ZIP local-file signature (the broker accepts ZIP archives only).
struct BrokerUploadSource {
  GeneratedBytes bytes;
  bool zip_signature = true;
  std::size_t fill(char* buffer, std::size_t capacity) {
    const std::uint64_t before = bytes.produced;
    if (!zip_signature || before >= 4) return bytes.fill(buffer, capacity);
    // The signature replaces the first bytes, and is hashed as sent.
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, bytes.total - before));
    n = std::min<std::size_t>(n, 4 - before);
    static const char kSig[4] = {'P', 'K', '\x03', '\x04'};
    for (std::size_t i = 0; i < n; ++i) buffer[i] = kSig[before + i];
    bytes.sha.add(buffer, n);
    bytes.produced += n;
    return n;
  }
};

inline int uploadBrokerFile(Client<BrokerProxy>& c, const Identity& identity, const std::string& reference,
                            const std::string& reportee, const std::string& file_name, BrokerUploadSource& source,
                            _brk__ReceiptExternalStreamedBE& receipt) {
  struct soap* soap = c->soap;
  soap_set_omode(soap, SOAP_ENC_MTOM);
  soap->fmimereadopen = [](struct soap*, void* handle, const char*, const char*, const char*) { return handle; };
  soap->fmimeread = [](struct soap*, void* handle, char* buffer, size_t length) -> size_t {
    return static_cast<BrokerUploadSource*>(handle)->fill(buffer, length);
  };
  soap->fmimereadclose = [](struct soap*, void*) {};
  auto text = [&](const std::string& value) {
    auto* s = soap_new_std__string(soap);
    *s = value;
    return s;
  };
  SOAP_ENV__Header* header = soap_new_SOAP_ENV__Header(soap);
  header->brk__FileName = text(file_name);
  header->brk__Reference = text(reference);
  header->brk__Reportee = text(reportee);
  header->brk__SystemPassword = text(identity.system_password);
  header->brk__SystemUserName = text(identity.system_user);
  soap->header = header;
  _brk__StreamedPayloadBasicBE request;
  request.DataStream.__ptr = reinterpret_cast<unsigned char*>(&source);  // the handle fmimeread gets
  request.DataStream.__size = static_cast<int>(source.bytes.total);
  request.DataStream.id = soap_strdup(soap, "cid:broker-upload@test");
  request.DataStream.type = soap_strdup(soap, "application/octet-stream");
  request.DataStream.options = nullptr;
  const int rc = c->UploadFileStreamedBasic(&request, receipt);
  soap->header = nullptr;
  soap_clr_omode(soap, SOAP_ENC_MTOM);
  return rc;
}

// DownloadFileStreamedBasic into `sink` (set as the proxy's soap->user for the callbacks).
inline int downloadBrokerFile(Client<BrokerProxy>& c, const Identity& identity, const std::string& reference,
                              const std::string& reportee, DownloadSink& sink) {
  struct soap* soap = c->soap;
  soap->user = &sink;
  soap->fmimewriteopen = [](struct soap* s, void*, const char*, const char*, const char*,
                            enum soap_mime_encoding) -> void* { return s->user; };
  soap->fmimewrite = [](struct soap*, void* handle, const char* buffer, size_t length) -> int {
    auto* d = static_cast<DownloadSink*>(handle);
    d->bytes += length;
    d->sha.add(buffer, length);
    return SOAP_OK;
  };
  soap->fmimewriteclose = [](struct soap*, void*) {};
  _brk__DownloadFileStreamedBasic request;
  _brk__DownloadFileStreamedBasicResponse response;
  request.systemUserName = identity.system_user;
  request.systemPassword = identity.system_password;
  request.fileReference = reference;
  request.reportee = reportee;
  return c->DownloadFileStreamedBasic(&request, response);
}

// A field of /proc/<pid>/status in kB (VmRSS, VmHWM), or -1.
inline long procStatusKb(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

}  // namespace gateway::testing
