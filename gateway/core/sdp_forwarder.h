#pragma once
// Forwarding correspondences to a digital mailbox ("Sikker digital post", InsertCorrespondenceBasicV2's
// SdpOptions): the extension point. CorrespondenceService asks the forwarder, before it stores a
// correspondence with SdpOptions, what becomes of its digital letter; the answer is stored with the
// correspondence and reported as SdpStatusInformation by GetCorrespondenceStatusDetailsBasicV3 and
// GetCorrespondenceStatusHistoryBasic.
//
// This gateway has no digital-post provider: NoMailboxSdpForwarder answers NoMailBox for every
// reportee, which is Altinn's behaviour for a reportee without an SDP mailbox (the message stays in the
// Altinn inbox unless SdpSetting is ForwardOnly with BackupAltinn false: then the insert fails, 30212).
// A real forwarder would look the reportee up in the contact register of digital mailboxes and write
// the letter to an outbox in the insert's transaction (as notifications are), answering
// Sent_Meldingsformidler; a ForwardOnly letter would then also have to be kept out of the inbox.

#include <string>

#include "common/status.h"
#include "persistence/correspondence_repository.h"

namespace gateway::core {

class SdpForwarder {
 public:
  virtual ~SdpForwarder() = default;
  // The status of the digital letter `letter` to `reportee`, decided before anything is stored. Must
  // have no effect that outlives a failed insert. Thread-safe. Errors fail the insert as they are.
  virtual Result<persistence::SdpStatus> route(const std::string& reportee, const persistence::SdpRecord& letter) = 0;
};

// No provider: no reportee has a digital mailbox. Stateless and thread-safe.
class NoMailboxSdpForwarder final : public SdpForwarder {
 public:
  Result<persistence::SdpStatus> route(const std::string&, const persistence::SdpRecord&) override {
    return persistence::SdpStatus::kNoMailBox;
  }
};

}  // namespace gateway::core
