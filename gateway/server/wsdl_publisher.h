#pragma once
// The WSDL each endpoint serves at "<path>?wsdl" (also ?WSDL and ?singleWsdl, as WCF did).
// Files are read from the WSDL folder once at start-up and every soap:address / soap12:address
// location is rewritten to the gateway's public URL for that endpoint, so a client generated from
// the served WSDL calls the gateway. Immutable after load(): thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "services/endpoint.h"

namespace gateway::server {

class WsdlPublisher {
 public:
  WsdlPublisher() = default;  // serves nothing

  // Reads endpoints[i]->wsdlFile() from `wsdl_dir` for every endpoint that names one. An empty
  // `wsdl_dir` publishes nothing. kInvalidArgument names a file that is missing or unreadable.
  static Result<WsdlPublisher> load(const std::string& wsdl_dir, const std::string& public_base_url,
                                    const std::vector<services::Endpoint*>& endpoints);

  // The rewritten WSDL of endpoint `index`, or null when it has none.
  const std::string* wsdlFor(std::size_t index) const;

  // True for the queries that ask for the WSDL: "wsdl", "singleWsdl" (any case), also with a value
  // ("wsdl=..." is not accepted: WCF's ?wsdl=wsdl0 parts are not served).
  static bool isWsdlQuery(std::string_view query);

  // Replaces the value of every `location` attribute on an element whose local name is `address`
  // (soap:address, soap12:address, http:address) with `url`; the rest is kept byte for byte.
  static std::string rewriteAddresses(std::string_view wsdl, std::string_view url);

 private:
  std::vector<std::string> documents_;  // by endpoint index; empty = none
};

}  // namespace gateway::server
