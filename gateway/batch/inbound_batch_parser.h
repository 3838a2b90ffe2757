#pragma once
// Inbound batch files (docs/batch-files.md): what a service owner drops into its inbound/ folder.
// Two documents, shaped after the SOAP requests they stand for (same element names and order):
//
//   <PrefillBatchFile version="1" systemUserName="etat-arkiv" externalBatchId="B-1">
//     [<SystemUserCode>..</SystemUserCode>]
//     <PrefillFormTask> ... as pf:PrefillFormTask of SubmitPrefilledFormTasksBasic ... </PrefillFormTask>+
//   </PrefillBatchFile>
//
//   <SubscriptionBatchFile version="1" systemUserName="etat-arkiv" externalBatchId="S-1">
//     [<SystemUserCode>..</SystemUserCode>]
//     <Subscription> ... as SubscriptionExternal of SubmitSubscriptionBasic ... </Subscription>+
//   </SubscriptionBatchFile>
//
// The parser checks the whole document before anything is used: well-formed XML (no DTD, no
// network), the right root, every element known and in place, required elements present, numbers,
// dates (xsd:dateTime, UTC when no offset) and base64 well-formed, at most `max_items` items. The
// first problem is returned as kInvalidArgument "line N: ...". Business rules (service, reportee,
// rights) are the services' (core/prefill_service.h, core/subscription_service.h).

#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "core/prefill_service.h"
#include "core/subscription_service.h"

namespace gateway::batch {

struct PrefillBatchDocument {
  std::string system_user_name;
  std::string external_batch_id;
  std::optional<std::string> system_user_code;
  std::vector<core::PrefillTaskInput> tasks;
  std::list<std::string> attachment_bytes;  // owns what tasks[..].attachments[..].data points at
};

struct SubscriptionBatchDocument {
  std::string system_user_name;
  std::string external_batch_id;
  std::optional<std::string> system_user_code;
  std::vector<core::SubscriptionInput> subscriptions;
};

using InboundBatchDocument = std::variant<PrefillBatchDocument, SubscriptionBatchDocument>;

Result<InboundBatchDocument> parseInboundBatch(std::string_view xml, int max_items);

}  // namespace gateway::batch
