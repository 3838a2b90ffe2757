#pragma once
// Norwegian party identifiers: organisation numbers (9 digits, mod-11 check digit) and national
// identity numbers (11 digits, two mod-11 check digits). Pure functions.

#include <string_view>

namespace gateway::core {

bool isValidOrganisationNumber(std::string_view number);
bool isValidNationalIdentityNumber(std::string_view number);
// Either of the two: what a reportee may be.
inline bool isValidReportee(std::string_view number) {
  return isValidOrganisationNumber(number) || isValidNationalIdentityNumber(number);
}

}  // namespace gateway::core
