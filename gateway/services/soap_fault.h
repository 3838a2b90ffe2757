#pragma once
// The one place where failures become SOAP Faults. Every fault carries the contract's detail
// {http://www.altinn.no/services/common/fault/2009/10}AltinnFault with a fresh ErrorGuid, and the
// ErrorGuid is logged together with the cause so an operator can find it.

#include <string>

#include "common/status.h"

struct soap;

namespace gateway::services {

// Sets soap->fault from `status` (client fault for caller errors, server fault otherwise) and
// returns SOAP_FAULT. `operation` and the request id appear in the log line, not in the fault.
// `language_id` (1044, 2068, 1033; 0 = none) picks AltinnLocalizedErrorMessage from the catalogue in
// services/fault_texts.h when it has the ErrorID; otherwise it is the Status message.
int toSoapFault(struct soap* soap, const Status& status, const char* operation, int language_id = 0);

// Turns a gSOAP engine error already in soap->error (malformed XML, unknown operation, limits
// exceeded, ...) into an AltinnFault with ErrorID 0 and a clear text, and returns SOAP_FAULT.
int engineErrorToSoapFault(struct soap* soap);

// The Status a gSOAP engine error stands for (exposed for the table-driven test).
Status statusForEngineError(int soap_error);

}  // namespace gateway::services
