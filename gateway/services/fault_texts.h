#pragma once
// Localized fault texts (AltinnLocalizedErrorMessage): a small catalogue keyed by ErrorID with
// bokmål (1044), nynorsk (2068) and English (1033) texts. Operations that take a language pass it
// to toSoapFault; an ErrorID or language without an entry falls back to the Status message.

#include <optional>
#include <string>

namespace gateway::services {

// The catalogue's text for `error_id` in `language_id`, or nullopt.
std::optional<std::string> localizedFaultText(int error_id, int language_id);

}  // namespace gateway::services
