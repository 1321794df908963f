#pragma once

#include <string>

#include "core/result.h"
#include "db/sqlite.h"
#include "modules/catalog/product.h"
#include "modules/common/module_context.h"

namespace smartdairy::modules::catalog {

// Rules for the catalog. A price change affects new orders only: orders and invoices copy
// the price, VAT rate and name onto their lines when they are made.

Result<Product> create_product(db::Connection& tx, const ModuleContext& ctx, Product draft,
                               const std::string& actor);
Result<Product> update_product(db::Connection& tx, const ModuleContext& ctx, const std::string& sku,
                               const ProductPatch& patch, const std::string& actor);

// 404 product_not_found.
Result<Product> get_product(db::Connection& conn, const std::string& sku);

// A SKU is 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.'.
bool valid_sku(std::string_view sku);

}  // namespace smartdairy::modules::catalog
