#include "core/party_numbers.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace gateway::core {
namespace {

bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// Mod-11 control digit over the first N digits with the given weights; -1 when no digit fits (10).
template <std::size_t N>
int controlDigit(std::string_view digits, const std::array<int, N>& weights) {
  int sum = 0;
  for (std::size_t i = 0; i < N; ++i) sum += (digits[i] - '0') * weights[i];
  int rest = 11 - sum % 11;
  if (rest == 11) return 0;
  return rest == 10 ? -1 : rest;
}

}  // namespace

bool isValidOrganisationNumber(std::string_view n) {
  if (n.size() != 9 || !allDigits(n)) return false;
  int k = controlDigit(n, std::array<int, 8>{3, 2, 7, 6, 5, 4, 3, 2});
  return k >= 0 && k == n[8] - '0';
}

bool isValidNationalIdentityNumber(std::string_view n) {
  if (n.size() != 11 || !allDigits(n)) return false;
  int k1 = controlDigit(n, std::array<int, 9>{3, 7, 6, 1, 8, 9, 4, 5, 2});
  if (k1 < 0 || k1 != n[9] - '0') return false;
  int k2 = controlDigit(n, std::array<int, 10>{5, 4, 3, 2, 7, 6, 5, 4, 3, 2});
  return k2 >= 0 && k2 == n[10] - '0';
}

}  // namespace gateway::core
