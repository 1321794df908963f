#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/catalog/product.h"

namespace smartdairy::modules::catalog::store {

Status insert(db::Connection& tx, const Product& p);
Status update(db::Connection& tx, const Product& p);
Result<std::optional<Product>> find(db::Connection& conn, std::string_view sku);
Result<std::vector<Product>> list(db::Connection& conn, const std::string& prefix,
                                  std::optional<bool> active, const std::string& after_sku,
                                  int64_t limit);

}  // namespace smartdairy::modules::catalog::store
