#include "app/demo_data.h"

#include "modules/catalog/product_service.h"
#include "modules/inventory/stock_service.h"
#include "modules/parties/customer_service.h"
#include "modules/parties/customer_store.h"

namespace smartdairy::app {

namespace {

constexpr const char* kActor = "demo";

struct DemoCustomer {
  const char* id;
  const char* name;
  const char* email;
  const char* phone;
  const char* kind;
  int64_t terms;
};

// The seed's customers (seeds/000: scripts/seed_demo.sh), plus two local dairy buyers.
constexpr DemoCustomer kCustomers[] = {
    {"11111111-1111-1111-1111-111111111111", "Acme Corp", "acme@example.com", "+44 20 1234 5678",
     "b2b", 30},
    {"22222222-2222-2222-2222-222222222222", "Beta Ltd", "beta@example.com", "+44 20 2345 6789",
     "b2b", 30},
    {"33333333-3333-3333-3333-333333333333", "Gamma LLC", "gamma@example.com", "+44 20 3456 7890",
     "b2b", 30},
    {"", "Dhaka Sweets & Dairy", "orders@dhakasweets.example", "+880 2 5555 0101", "b2b", 15},
    {"", "Rahima Khatun", "rahima@example.com", "+880 1711 000 222", "b2c", 0},
};

struct DemoProduct {
  const char* sku;
  const char* name;
  const char* description;
  const char* unit;
  int64_t price;      // minor units
  int64_t vat_rate;   // hundredths of a percent
  int64_t unit_cost;  // minor units
  int64_t on_hand;
  int64_t reorder_point;
};

constexpr DemoProduct kProducts[] = {
    // The seed's products, prices and stock (seeds/000).
    {"CAM-1001", "Camera Model A", "High-resolution camera", "piece", 39900, 1500, 28000, 10, 2},
    {"CAM-2002", "Camera Model B", "Professional camera", "piece", 59900, 1500, 42000, 5, 1},
    {"TRI-300", "Tripod", "Adjustable tripod", "piece", 4999, 1500, 3000, 50, 5},
    {"BAT-150", "Battery Pack", "Rechargeable battery", "piece", 2999, 1500, 1800, 100, 10},
    {"CABLE-01", "USB Cable", "USB-C cable 2m", "piece", 999, 1500, 400, 200, 20},
    // The seed's test and demo SKUs from its curl examples.
    {"TEST-001", "Test product", "Used by the seed's curl examples", "piece", 9999, 1500, 6000,
     1000, 10},
    {"DEMO-001", "Demo product", "Used by the seed's demo script", "piece", 19999, 1500, 12000,
     1000, 10},
    // The dairy catalog, BDT. Fresh unpackaged milk is VAT-exempt (DOMAIN.md).
    {"MILK-RAW", "Fresh milk (raw, bulk)", "Unpackaged fresh milk per litre", "litre", 7000, 0,
     5200, 400, 100},
    {"MILK-PAST-1L", "Pasteurised milk 1 L", "Pasteurised, packaged 1 litre", "piece", 9500, 1500,
     7000, 300, 60},
    {"YOG-500", "Yogurt (mishti doi) 500 g", "Sweet yogurt, clay pot", "piece", 12000, 1500, 8000,
     120, 30},
    {"GHEE-1KG", "Ghee 1 kg", "Clarified butter, tin", "piece", 140000, 1500, 105000, 25, 10},
    {"BUT-200", "Butter 200 g", "Salted butter", "piece", 25000, 1500, 18000, 60, 20},
    {"PAN-1KG", "Paneer 1 kg", "Fresh cottage cheese", "kg", 80000, 1500, 60000, 8, 10},
    {"CHS-200", "Cheese 200 g", "Hard cheese", "piece", 35000, 1500, 25000, 40, 10},
};

}  // namespace

Result<bool> load_demo_data(db::Connection& tx, const modules::ModuleContext& ctx) {
  SD_ASSIGN_OR_RETURN(auto existing, modules::parties::store::find(tx, kCustomers[0].id));
  if (existing) return false;
  for (const auto& c : kCustomers) {
    modules::parties::Customer draft;
    draft.id = c.id;
    draft.name = c.name;
    draft.email = c.email;
    draft.phone = std::string(c.phone);
    draft.kind = c.kind;
    draft.payment_terms_days = c.terms;
    SD_RETURN_IF_ERROR(modules::parties::create_customer(tx, ctx, draft, kActor));
  }
  for (const auto& p : kProducts) {
    modules::catalog::Product draft;
    draft.sku = p.sku;
    draft.name = p.name;
    draft.description = p.description;
    draft.unit = p.unit;
    draft.price = p.price;
    draft.vat_rate = p.vat_rate;
    draft.unit_cost = p.unit_cost;
    SD_RETURN_IF_ERROR(modules::catalog::create_product(tx, ctx, draft, kActor));
    SD_RETURN_IF_ERROR(
        modules::inventory::open_item(tx, ctx, p.sku, p.on_hand, p.reorder_point, kActor));
  }
  return true;
}

}  // namespace smartdairy::app
