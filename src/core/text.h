#pragma once

#include <string>
#include <string_view>

namespace smartdairy {

// ASCII lower-casing, independent of the C locale: for header names, media types, usernames
// and other protocol text. Bytes outside A-Z are left as they are.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace smartdairy
