#include "modules/catalog/product_service.h"

#include <boost/json/object.hpp>

#include "core/json.h"
#include "events/outbox.h"
#include "modules/catalog/product_store.h"
#include "modules/common/limits.h"

namespace smartdairy::modules::catalog {

namespace {

Status validate(const Product& p) {
  if (!valid_sku(p.sku)) {
    return Error::invalid_field(
        "invalid_sku", "sku must be 1-64 characters: letters, digits, '-', '_' or '.'.", "sku");
  }
  if (p.name.empty())
    return Error::invalid_field("invalid_name", "Give the product a name.", "name");
  if (p.unit != "piece" && p.unit != "litre" && p.unit != "kg") {
    return Error::invalid_field("invalid_unit", "unit must be piece, litre or kg.", "unit");
  }
  if (p.price < 0) {
    return Error::invalid_field("invalid_price", "price cannot be negative.", "price");
  }
  if (p.price > kMaxUnitAmount || p.unit_cost > kMaxUnitAmount) {
    return Error::invalid_field("amount_out_of_range",
                                "A price or unit cost can be at most 1,000,000,000.00.",
                                p.price > kMaxUnitAmount ? "price" : "unit_cost");
  }
  if (p.unit_cost < 0) {
    return Error::invalid_field("invalid_unit_cost", "unit_cost cannot be negative.", "unit_cost");
  }
  if (p.vat_rate < 0 || p.vat_rate > 10000) {
    return Error::invalid_field("invalid_vat_rate", "vat_rate is a percentage from 0 to 100.",
                                "vat_rate");
  }
  return {};
}

Status emit(db::Connection& tx, const ModuleContext& ctx, const std::string& type, const Product& p,
            const std::string& actor) {
  boost::json::object data{
      {"sku", p.sku},           {"name", p.name},
      {"unit", p.unit},         {"price", Money::from_minor(p.price, ctx.currency).to_json()},
      {"vat_rate", p.vat_rate}, {"active", p.active}};
  auto ev = events::append(tx, {type, "product", p.sku, actor, to_json_string(data)}, ctx.clock);
  if (!ev.ok()) return ev.error();
  return {};
}

}  // namespace

bool valid_sku(std::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char c : sku) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<Product> create_product(db::Connection& tx, const ModuleContext& ctx, Product draft,
                               const std::string& actor) {
  SD_RETURN_IF_ERROR(validate(draft));
  draft.created_at = draft.updated_at = ctx.clock.now_micros();
  Status st = store::insert(tx, draft);
  if (!st.ok()) {
    if (st.error().kind == ErrorKind::kConflict) {
      Error e = Error::conflict("sku_taken", "A product with SKU " + draft.sku +
                                                 " already exists. SKUs never change; pick "
                                                 "another one or edit the existing product.");
      e.details = {"sku"};
      return e;
    }
    return st.error();
  }
  SD_RETURN_IF_ERROR(emit(tx, ctx, "product.created", draft, actor));
  return draft;
}

Result<Product> update_product(db::Connection& tx, const ModuleContext& ctx, const std::string& sku,
                               const ProductPatch& patch, const std::string& actor) {
  SD_ASSIGN_OR_RETURN(Product p, get_product(tx, sku));
  if (patch.name) p.name = *patch.name;
  if (patch.description) p.description = *patch.description;
  if (patch.unit) p.unit = *patch.unit;
  if (patch.price) p.price = *patch.price;
  if (patch.vat_rate) p.vat_rate = *patch.vat_rate;
  if (patch.unit_cost) p.unit_cost = *patch.unit_cost;
  if (patch.active) p.active = *patch.active;
  SD_RETURN_IF_ERROR(validate(p));
  p.updated_at = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::update(tx, p));
  SD_RETURN_IF_ERROR(emit(tx, ctx, "product.updated", p, actor));
  return p;
}

Result<Product> get_product(db::Connection& conn, const std::string& sku) {
  std::optional<Product> found;
  if (valid_sku(sku)) {
    SD_ASSIGN_OR_RETURN(found, store::find(conn, sku));
  }
  if (!found) {
    Error e =
        Error::not_found("product_not_found", "No product has SKU '" + sku.substr(0, 64) +
                                                  "'. GET /api/v1/products lists the catalog.");
    e.details = {"sku"};
    return e;
  }
  return std::move(*found);
}

}  // namespace smartdairy::modules::catalog
