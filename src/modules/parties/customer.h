#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace smartdairy::modules::parties {

struct Customer {
  std::string id;
  std::string name;
  std::string email;
  std::optional<std::string> phone;
  std::string kind = "b2b";  // b2b, b2c
  int64_t payment_terms_days = 30;
  std::optional<int64_t> credit_limit;  // minor units; none: no limit
  bool archived = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A partial update: only the fields present change.
struct CustomerPatch {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::optional<std::string>> phone;
  std::optional<std::string> kind;
  std::optional<int64_t> payment_terms_days;
  std::optional<std::optional<int64_t>> credit_limit;
  std::optional<bool> archived;
};

}  // namespace smartdairy::modules::parties
