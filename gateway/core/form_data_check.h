#pragma once
// Checks that form data is a well-formed XML document, parsed safely: no DTD loading, no entity
// expansion, no network, bounded depth. A DOCTYPE is refused outright (no form needs one).

#include <string_view>

#include "common/status.h"

namespace gateway::core {

// kInvalidArgument naming the problem (line number, libxml2's message) when not acceptable.
Status checkFormData(std::string_view xml, int max_depth);

}  // namespace gateway::core
