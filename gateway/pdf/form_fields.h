#pragma once
// The fields of one form's XML data, in document order, for printing: every element that carries
// text, and every attribute, with its path from the root ("Skjema/Person/Navn", "Skjema/@versjon").
// Parsed safely with libxml2: no DTD loading, no entity expansion, no network; a DOCTYPE is refused.
// Thread-safe (no shared state).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gateway::pdf {

struct FormField {
  std::string path;   // local names joined by '/', attributes as "@name"
  std::string value;  // text content with surrounding white space trimmed (may be empty)
  int depth = 0;      // 0 for the root element
};

struct FormFieldLimits {
  int max_fields = 20000;  // fields beyond this are not returned (`truncated` says so)
  int max_depth = 64;      // deeper elements are not walked
};

struct FormFields {
  std::vector<FormField> fields;
  bool truncated = false;  // max_fields or max_depth cut the walk short
};

// kInvalidArgument when `xml` is not a well-formed document (the message names the line).
Result<FormFields> formFieldsOf(std::string_view xml, const FormFieldLimits& limits);

}  // namespace gateway::pdf
