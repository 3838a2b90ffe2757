#pragma once
// Text for XML documents the gateway writes by hand (batch envelopes, DataBatch, receipts of batch
// files, manifests): escaping and the UTC time format they use.

#include <ctime>
#include <string>
#include <string_view>

namespace gateway::xml {

// `text` with & < > " replaced by their entities: safe in element content and in "…" attributes.
std::string escaped(std::string_view text);
void appendEscaped(std::string& out, std::string_view text);

// "YYYY-MM-DDTHH:MM:SSZ" (xsd:dateTime in UTC).
std::string utcDateTime(std::time_t t);

}  // namespace gateway::xml
