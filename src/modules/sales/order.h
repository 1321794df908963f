#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smartdairy::modules::sales {

enum class OrderStatus { kPlaced, kShipped, kCompleted, kCancelled };

inline constexpr std::array<std::string_view, 4> kStatusNames = {"placed", "shipped", "completed",
                                                                 "cancelled"};

constexpr std::string_view status_name(OrderStatus s) {
  return kStatusNames[static_cast<size_t>(s)];
}
std::optional<OrderStatus> parse_status(std::string_view name);

// The order lifecycle as data (STYLE.md): every allowed (from, to); nothing else is.
struct Transition {
  OrderStatus from;
  OrderStatus to;
};
inline constexpr Transition kTransitions[] = {
    {OrderStatus::kPlaced, OrderStatus::kShipped},
    {OrderStatus::kShipped, OrderStatus::kCompleted},
    {OrderStatus::kPlaced, OrderStatus::kCancelled},
};

constexpr bool can_transition(OrderStatus from, OrderStatus to) {
  for (const auto& t : kTransitions) {
    if (t.from == from && t.to == to) return true;
  }
  return false;
}

struct OrderLine {
  std::string sku;
  std::string name;
  int64_t qty = 0;
  std::string unit;
  int64_t unit_price = 0;  // minor units
  int64_t vat_rate = 0;    // hundredths of a percent
  int64_t net = 0;
  int64_t vat = 0;
  int64_t total = 0;
};

struct Order {
  std::string id;
  std::string number;
  std::string customer_id;
  std::string customer_name;
  OrderStatus status = OrderStatus::kPlaced;
  std::string currency;
  int64_t subtotal = 0;
  int64_t vat_total = 0;
  int64_t total = 0;
  std::optional<std::string> notes;
  std::string placed_on;
  int64_t version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::string created_by;
  std::vector<OrderLine> lines;
};

struct ItemRequest {
  std::string sku;
  int64_t qty = 0;
  std::optional<int64_t> price;  // minor units; differs from the catalog only with permission
};

struct PlaceOrder {
  std::string customer_id;
  std::vector<ItemRequest> items;
  std::optional<std::string> notes;
};

struct OrderFilter {
  std::optional<std::string> status;
  std::optional<std::string> customer_id;
  std::optional<std::string> from;  // placed_on >= from
  std::optional<std::string> to;    // placed_on <= to
};

inline constexpr size_t kMaxOrderLines = 100;
inline constexpr int64_t kMaxLineQty = 1'000'000;

}  // namespace smartdairy::modules::sales
