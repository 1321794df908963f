#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace smartdairy::modules::catalog {

// Standard VAT in Bangladesh (DOMAIN.md): 15 %. Fresh unpackaged milk is exempt (0).
inline constexpr int64_t kStandardVatRate = 1500;  // hundredths of a percent

struct Product {
  std::string sku;
  std::string name;
  std::string description;
  std::string unit = "piece";  // piece, litre, kg
  int64_t price = 0;           // minor units, before VAT
  int64_t vat_rate = kStandardVatRate;
  int64_t unit_cost = 0;  // minor units
  bool active = true;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct ProductPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> unit;
  std::optional<int64_t> price;
  std::optional<int64_t> vat_rate;
  std::optional<int64_t> unit_cost;
  std::optional<bool> active;
};

}  // namespace smartdairy::modules::catalog
