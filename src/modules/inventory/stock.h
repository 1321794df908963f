#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smartdairy::modules::inventory {

struct StockLevel {
  std::string sku;
  int64_t on_hand = 0;
  int64_t reserved = 0;
  int64_t reorder_point = 0;
  int64_t updated_at = 0;
  int64_t available() const { return on_hand - reserved; }
  bool below_reorder() const { return available() <= reorder_point && reorder_point > 0; }
};

// Reasons a person may give for an adjustment; `shipment` is only made by orders.
inline constexpr std::string_view kAdjustmentReasons[] = {"receipt", "count", "damage",
                                                          "production", "return"};

struct Adjustment {
  std::string sku;
  int64_t qty = 0;  // signed
  std::string reason;
  std::optional<std::string> note;
  std::optional<std::string> reference;
};

struct StockMove {
  std::string id;
  std::string sku;
  int64_t qty = 0;
  std::string reason;
  std::optional<std::string> reference;
  std::optional<std::string> note;
  int64_t unit_cost = 0;
  int64_t on_hand_after = 0;
  std::string actor;
  int64_t created_at = 0;
};

struct Reservation {
  std::string id;
  std::string sku;
  int64_t qty = 0;
  std::optional<std::string> order_id;
  std::optional<std::string> reference;
  std::string status;  // active, released, shipped
  int64_t created_at = 0;
};

// One line of an order's demand.
struct Demand {
  std::string sku;
  int64_t qty = 0;
};

// Largest quantity accepted in one line, adjustment or reservation.
inline constexpr int64_t kMaxQuantity = 1'000'000'000;

}  // namespace smartdairy::modules::inventory
