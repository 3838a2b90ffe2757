#pragma once
// Internal to gateway/services: archived form tasks and queue items in their wire shapes.

#include "core/archive_service.h"
#include "soapH.h"

namespace gateway::services {

dqs__DownloadQueueItemBE* toQueueItem(struct soap* soap, const persistence::QueueItem& item);
ra12__ArchivedFormTaskDQBE* toArchivedFormTaskDQ(struct soap* soap, const core::ArchivedFormTask& task);
ra10__ArchivedFormTaskV2* toArchivedFormTaskV2(struct soap* soap, const core::ArchivedFormTask& task,
                                               const std::string& owner_code);
ra09__ArchivedFormTaskBE* toArchivedFormTaskV1(struct soap* soap, const core::ArchivedFormTask& task,
                                               const std::string& owner_code);
shst__ArchiveShipmentStatusExternalBEV2List* toShipmentStatusV2(
    struct soap* soap, const persistence::SubmissionRepository::ShipmentPage& page);
shst__ArchiveShipmentStatusExternalBEList* toShipmentStatusV1(
    struct soap* soap, const persistence::SubmissionRepository::ShipmentPage& page);
persistence::SubmissionRepository::ShipmentQuery fromShipmentSearch(const shst__SearchArchiveShipmentStatusBE* search);

}  // namespace gateway::services
