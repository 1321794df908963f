#include "modules/common/numbering.h"

#include <cstdio>

namespace smartdairy::modules {

Result<std::string> next_document_number(db::Connection& tx, std::string_view prefix) {
  SD_ASSIGN_OR_RETURN(
      auto n, tx.scalar_int64("INSERT INTO document_sequences (name, last_value) VALUES (?, 1) "
                              "ON CONFLICT (name) DO UPDATE SET last_value = last_value + 1 "
                              "RETURNING last_value",
                              prefix));
  if (!n) return Error::internal("document sequence returned no value");
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(*n));
  return std::string(prefix) + "-" + digits;
}

}  // namespace smartdairy::modules
