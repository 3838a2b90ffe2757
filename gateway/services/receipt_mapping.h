#pragma once
// Internal to gateway/services: receipts between the core's records and the three wire shapes
// (ReceiptExternal 2009/10, Receipt 2015/06, IntermediaryInbound ReceiptExternalBE).

#include "persistence/records.h"
#include "persistence/repositories.h"
#include "soapH.h"

namespace gateway::services {

r09__ReceiptExternal* toReceiptExternal(struct soap* soap, const persistence::ReceiptRecord& receipt);
r15__Receipt* toReceiptV2(struct soap* soap, const persistence::ReceiptRecord& receipt);
iib__ReceiptExternalBE* toReceiptExternalBE(struct soap* soap, const persistence::ReceiptRecord& receipt);

// Reference lists from the wire; references whose type is NotSet are kept (the core rejects them).
std::vector<persistence::ReceiptReference> fromReferences(struct soap* soap, const r09__ReferenceList* list);
std::vector<persistence::ReceiptReference> fromReferences(struct soap* soap, const r15__ReferenceList* list);

persistence::ReceiptRepository::Update fromReceiptSave(struct soap* soap, const r15__ReceiptSave& save);
persistence::ReceiptRepository::Update fromReceiptSave(struct soap* soap, const r09__ReceiptSaveExternal& save);

}  // namespace gateway::services
