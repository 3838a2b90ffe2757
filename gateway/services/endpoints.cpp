#include "services/endpoint.h"
#include "services/endpoint_factories.h"

namespace gateway::services {

std::vector<std::unique_ptr<Endpoint>> makeEndpoints(core::Services& core) {
  std::vector<std::unique_ptr<Endpoint>> endpoints;
  endpoints.push_back(makeIntermediaryInboundEndpoint(core));
  endpoints.push_back(makeReceiptExternalEndpoint(core));
  endpoints.push_back(makeReceiptAgencyEndpoint(core));
  endpoints.push_back(makeDownloadQueueEndpoint(core));
  endpoints.push_back(makeServiceOwnerArchiveEndpoint(core));
  endpoints.push_back(makeArchiveCommonEndpoint(core));
  endpoints.push_back(makeServiceRightsEndpoint(core));
  endpoints.push_back(makePreFillEndpoint(core));
  endpoints.push_back(makeSubscriptionEndpoint(core));
  endpoints.push_back(makeIntermediaryPrefillEndpoint(core));
  endpoints.push_back(makeNotificationAgencyEndpoint(core));
  endpoints.push_back(makeCorrespondenceAgencyEndpoint(core));
  endpoints.push_back(makeCorrespondenceExternalEndpoint(core));
  endpoints.push_back(makeIntermediaryInboundStreamedEndpoint(core));
  endpoints.push_back(makeServiceOwnerArchiveStreamedEndpoint(core));
  endpoints.push_back(makeBatchLoggingEndpoint(core));
  endpoints.push_back(makeBrokerServiceEndpoint(core));
  endpoints.push_back(makeBrokerServiceStreamedEndpoint(core));
  return endpoints;
}

}  // namespace gateway::services
