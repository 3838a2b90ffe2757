#include "reference_transfer.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "RefBrokerBasicHttpBinding_USCOREIBrokerServiceExternalBasicStreamedProxy.h"

namespace gateway::testing::reference_client {
namespace {

using Proxy = BasicHttpBinding_USCOREIBrokerServiceExternalBasicStreamedProxy;

constexpr int kConnectTimeoutSeconds = 5;
constexpr int kIoTimeoutSeconds = 120;  // a 64 MB transfer on a busy two-core machine

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

// The upload's bytes, produced as gSOAP asks for them: a ZIP local-file signature (the broker takes
// ZIP archives only), then xorshift64 bytes from the seed.
class PayloadSource {
 public:
  PayloadSource(std::uint64_t total, std::uint64_t seed) : total_(total), state_(seed | 1) {}
  std::size_t fill(char* buffer, std::size_t capacity) {
    static const char kZipSignature[4] = {'P', 'K', '\x03', '\x04'};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, total_ - produced_));
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t at = produced_ + i;
      if ((at & 7) == 0) {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
      }
      buffer[i] = at < 4 ? kZipSignature[at] : static_cast<char>(state_ >> (8 * (at & 7)));
    }
    sha_.add(buffer, n);
    produced_ += n;
    return n;
  }
  std::uint64_t produced() const { return produced_; }
  std::string sha256() { return sha_.hex(); }

 private:
  std::uint64_t total_;
  std::uint64_t state_;
  std::uint64_t produced_ = 0;
  Sha256 sha_;
};

struct DownloadSink {
  std::uint64_t bytes = 0;
  Sha256 sha;
};

// The proxy and its context (freed with it), TLS set up for `connection`; null on failure with the
// reason in *outcome.
std::unique_ptr<Proxy> connect(const Connection& connection, Outcome* outcome) {
  auto proxy = std::make_unique<Proxy>(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
  proxy->soap_endpoint = connection.endpoint.c_str();
  proxy->soap->connect_timeout = kConnectTimeoutSeconds;
  proxy->soap->send_timeout = proxy->soap->recv_timeout = kIoTimeoutSeconds;
  if (soap_ssl_client_context(proxy->soap, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 | SOAP_TLSv1_3,
                              connection.client_pem.c_str(), nullptr, connection.ca_bundle.c_str(), nullptr,
                              nullptr) != SOAP_OK) {
    outcome->kind = Outcome::Kind::kError;
    outcome->soap_error = proxy->soap->error;
    const char* text = soap_fault_string(proxy->soap);
    outcome->fault_string = text ? text : "TLS client context";
    return nullptr;
  }
  return proxy;
}

std::optional<std::string> optionalCopy(const std::string* s) {
  return s ? std::optional<std::string>(*s) : std::nullopt;
}

// A failed call: a SOAP fault with the reference AltinnFault detail, or a transport error.
Outcome failure(struct soap* soap) {
  Outcome out;
  out.soap_error = soap->error;
  const char* text = soap_fault_string(soap);
  out.fault_string = text ? text : "";
  const bool fault = soap->error == SOAP_FAULT || soap->error == SOAP_SVR_FAULT || soap->error == SOAP_CLI_FAULT;
  out.kind = fault ? Outcome::Kind::kFault : Outcome::Kind::kError;
  if (soap->fault == nullptr) return out;
  const SOAP_ENV__Detail* detail = soap->fault->detail ? soap->fault->detail : soap->fault->SOAP_ENV__Detail;
  const reffault__AltinnFault* altinn = detail ? detail->reffault__AltinnFault_ : nullptr;
  if (altinn == nullptr) return out;
  if (altinn->ErrorID) out.error_id = *altinn->ErrorID;
  out.error_guid = optionalCopy(altinn->ErrorGuid);
  out.altinn_error_message = optionalCopy(altinn->AltinnErrorMessage);
  return out;
}

}  // namespace

Outcome upload(const Connection& connection, const UploadRequest& request) {
  Outcome out;
  auto proxy = connect(connection, &out);
  if (!proxy) return out;
  struct soap* soap = proxy->soap;
  PayloadSource source(request.bytes, request.seed);

  soap_set_omode(soap, SOAP_ENC_MTOM);
  soap->fmimereadopen = [](struct soap*, void* handle, const char*, const char*, const char*) { return handle; };
  soap->fmimeread = [](struct soap*, void* handle, char* buffer, size_t length) -> size_t {
    return static_cast<PayloadSource*>(handle)->fill(buffer, length);
  };
  soap->fmimereadclose = [](struct soap*, void*) {};

  auto text = [soap](const std::string& value) {
    std::string* s = soap_new_std__string(soap);
    *s = value;
    return s;
  };
  SOAP_ENV__Header* header = soap_new_SOAP_ENV__Header(soap);
  header->refbrk__FileName = text(request.file_name);
  header->refbrk__Reference = text(request.reference);
  header->refbrk__Reportee = text(request.reportee);
  header->refbrk__SystemPassword = text(connection.system_password);
  header->refbrk__SystemUserName = text(connection.system_user);
  soap->header = header;

  _refbrk__StreamedPayloadBasicBE payload;
  payload.DataStream.__ptr = reinterpret_cast<unsigned char*>(&source);  // the handle fmimeread gets
  payload.DataStream.__size = static_cast<int>(request.bytes);
  payload.DataStream.id = soap_strdup(soap, "cid:reference-client-upload@test");
  payload.DataStream.type = soap_strdup(soap, "application/octet-stream");
  payload.DataStream.options = nullptr;
  _refbrk__ReceiptExternalStreamedBE receipt;
  if (proxy->UploadFileStreamedBasic(&payload, receipt) != SOAP_OK) return failure(soap);

  out.kind = Outcome::Kind::kOk;
  out.fields["sent_bytes"] = std::to_string(source.produced());
  out.fields["sent_sha256"] = source.sha256();
  if (receipt.ReceiptId) out.fields["receipt_id"] = std::to_string(*receipt.ReceiptId);
  if (receipt.ReceiptStatusCode) out.fields["receipt_status"] = *receipt.ReceiptStatusCode;
  if (receipt.ReceiptTypeName) out.fields["receipt_type"] = *receipt.ReceiptTypeName;
  if (receipt.ReceiptText) out.fields["receipt_text"] = *receipt.ReceiptText;
  return out;
}

Outcome download(const Connection& connection, const DownloadRequest& request) {
  Outcome out;
  auto proxy = connect(connection, &out);
  if (!proxy) return out;
  struct soap* soap = proxy->soap;
  DownloadSink sink;
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

  _refbrk__DownloadFileStreamedBasic call;
  call.systemUserName = connection.system_user;
  call.systemPassword = connection.system_password;
  call.fileReference = request.reference;
  call.reportee = request.reportee;
  _refbrk__DownloadFileStreamedBasicResponse response;
  if (proxy->DownloadFileStreamedBasic(&call, response) != SOAP_OK) return failure(soap);

  out.kind = Outcome::Kind::kOk;
  out.fields["received_bytes"] = std::to_string(sink.bytes);
  out.fields["received_sha256"] = sink.sha.hex();
  return out;
}

Outcome ping(const Connection& connection) {
  Outcome out;
  auto proxy = connect(connection, &out);
  if (!proxy) return out;
  _refaltinn__Test test;
  _refaltinn__TestResponse tested;
  if (proxy->Test(&test, tested) != SOAP_OK) return failure(proxy->soap);
  out.kind = Outcome::Kind::kOk;
  return out;
}

}  // namespace gateway::testing::reference_client
