#pragma once
// Internal to gateway/services: one factory per service file; makeEndpoints() collects them.

#include <memory>

#include "core/services.h"
#include "services/endpoint.h"

namespace gateway::services {

std::unique_ptr<Endpoint> makeIntermediaryInboundEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeReceiptAgencyEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeReceiptExternalEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeDownloadQueueEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeServiceOwnerArchiveEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeArchiveCommonEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeServiceRightsEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makePreFillEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeSubscriptionEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeIntermediaryPrefillEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeNotificationAgencyEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeCorrespondenceAgencyEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeCorrespondenceExternalEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeIntermediaryInboundStreamedEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeServiceOwnerArchiveStreamedEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeBatchLoggingEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeBrokerServiceEndpoint(core::Services& core);
std::unique_ptr<Endpoint> makeBrokerServiceStreamedEndpoint(core::Services& core);

}  // namespace gateway::services
