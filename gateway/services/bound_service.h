#pragma once
// Internal to gateway/services: glue between a gSOAP-generated service class and the server.
// BoundService<Generated> is the generated class bound to one worker's context, with the helpers
// every operation needs; ServiceEndpoint<Bound> is the Endpoint that makes one per worker.

#include <memory>
#include <string>
#include <utility>

#include "core/caller.h"
#include "core/services.h"
#include "services/endpoint.h"
#include "services/request_context.h"
#include "services/soap_fault.h"
#include "stdsoap2.h"

namespace gateway::services {

// Strings on the wire are UTF-8 and kept as UTF-8 in std::string (Norwegian letters round-trip).
inline struct soap* withUtf8Strings(struct soap* soap) {
  soap_set_mode(soap, SOAP_C_UTFSTRING);
  return soap;
}

template <typename Generated>
class BoundService : public Generated, public BoundEndpoint {
 public:
  BoundService(struct soap* worker_context, core::Services& core) : Generated(withUtf8Strings(worker_context)), core_(core) {}

  using Generated::dispatch;
  int dispatch() override { return Generated::dispatch(); }
  Generated* copy() override { return nullptr; }  // never copied: the server binds one per worker

 protected:
  Result<persistence::SystemRecord> authenticate(const std::string* username, const std::string* password,
                                                 core::RequiredRole role) {
    return core::authenticate(core_.verifier(), requestContext(this->soap).certificate.org_number, username, password,
                              role);
  }
  int fault(const Status& status, const char* operation) { return toSoapFault(this->soap, status, operation); }

  core::Services& core_;
};

template <typename Bound, typename... Extra>
class ServiceEndpoint : public Endpoint {
 public:
  ServiceEndpoint(std::string path, std::string wsdl_file, core::Services& core, Extra... extra)
      : path_(std::move(path)), wsdl_file_(std::move(wsdl_file)), core_(core), extra_(extra...) {}
  const std::string& path() const override { return path_; }
  const std::string& wsdlFile() const override { return wsdl_file_; }
  std::unique_ptr<BoundEndpoint> bind(struct soap* worker_context) override {
    return std::apply([&](auto... e) { return std::make_unique<Bound>(worker_context, core_, e...); }, extra_);
  }

 private:
  std::string path_;
  std::string wsdl_file_;
  core::Services& core_;
  std::tuple<Extra...> extra_;
};

}  // namespace gateway::services
