#pragma once
// Internal to gateway/services: what the two broker endpoints share. Both WSDLs use one service
// namespace, so gSOAP generates a single class (named after the Basic binding) with every operation
// of both; each endpoint serves its own and refuses the other's.

#include <string>

#include "common/status.h"
#include "soapBasicHttpBinding_USCOREIBrokerServiceExternalBasicService.h"

namespace gateway::services {

using BrokerGenerated = BasicHttpBinding_USCOREIBrokerServiceExternalBasicService;

inline constexpr const char* kBrokerBasicPath = "/ServiceEngineExternal/BrokerServiceExternalBasic.svc";
inline constexpr const char* kBrokerStreamedPath = "/ServiceEngineExternal/BrokerServiceExternalBasicStreamed.svc";

inline Status notOnThisEndpoint(const char* right_path) {
  return Status::InvalidArgument(std::string("this operation is served at ") + right_path);
}

}  // namespace gateway::services
