#include "modules/sales/order_service.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <set>

#include "core/json.h"
#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/billing/invoice_service.h"
#include "modules/catalog/product_service.h"
#include "modules/common/limits.h"
#include "modules/common/numbering.h"
#include "modules/inventory/stock_service.h"
#include "modules/parties/customer_service.h"
#include "modules/sales/order_store.h"

namespace smartdairy::modules::sales {

namespace json = boost::json;

namespace {

Result<int64_t> add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return Error::unprocessable("amount_out_of_range",
                                "The order total is too large. Split it into smaller orders.");
  }
  return out;
}

std::string amount_text(int64_t minor, Currency cur) {
  return std::string(cur.code) + " " + Money::from_minor(minor, cur).to_string();
}

json::object created_event(const Order& o, const parties::Customer& c, Currency cur) {
  auto money = [cur](int64_t v) { return Money::from_minor(v, cur).to_json(); };
  json::array lines;
  for (const auto& l : o.lines) {
    lines.push_back(json::object{{"sku", l.sku},
                                 {"name", l.name},
                                 {"qty", l.qty},
                                 {"unit", l.unit},
                                 {"unit_price", money(l.unit_price)},
                                 {"vat_rate", l.vat_rate},
                                 {"net", money(l.net)},
                                 {"vat", money(l.vat)},
                                 {"total", money(l.total)}});
  }
  json::object data{{"id", o.id},
                    {"number", o.number},
                    {"customer_id", o.customer_id},
                    {"customer_name", c.name},
                    {"customer_email", c.email},
                    {"payment_terms_days", c.payment_terms_days},
                    {"currency", o.currency},
                    {"placed_on", o.placed_on},
                    {"subtotal", money(o.subtotal)},
                    {"vat_total", money(o.vat_total)},
                    {"total", money(o.total)},
                    {"lines", std::move(lines)}};
  data["notes"] = o.notes ? json::value(*o.notes) : json::value(nullptr);
  return data;
}

Error not_found(const std::string& id) {
  return Error::not_found("order_not_found", "No order has id '" + id.substr(0, 40) +
                                                 "'. GET /api/v1/orders lists orders.");
}

}  // namespace

std::optional<OrderStatus> parse_status(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<OrderStatus>(i);
  }
  return std::nullopt;
}

Result<Order> place_order(db::Connection& tx, const ModuleContext& ctx, const PlaceOrder& cmd,
                          bool may_override_price, const std::string& actor) {
  auto customer = parties::get_active_customer(tx, cmd.customer_id);
  if (!customer.ok()) return invalid_reference(customer.error(), "customer_id");
  if (cmd.items.empty() || cmd.items.size() > kMaxOrderLines) {
    return Error::invalid_field("invalid_items", "An order needs 1 to 100 items.", "items");
  }
  const Currency cur = ctx.currency;
  Order o;
  o.id = new_uuid_v7();
  o.customer_id = customer->id;
  o.customer_name = customer->name;
  o.status = OrderStatus::kPlaced;
  o.currency = std::string(cur.code);
  o.notes = cmd.notes;
  std::set<std::string> seen;
  std::vector<inventory::Demand> demand;
  for (size_t i = 0; i < cmd.items.size(); ++i) {
    const ItemRequest& item = cmd.items[i];
    const std::string at = "items[" + std::to_string(i) + "]";
    if (item.qty <= 0 || item.qty > kMaxLineQty) {
      return Error::invalid_field(
          "invalid_quantity",
          "qty must be a whole number from 1 to " + std::to_string(kMaxLineQty) + ".", at + ".qty");
    }
    if (!seen.insert(item.sku).second) {
      return Error::invalid_field("duplicate_sku",
                                  "SKU " + item.sku +
                                      " appears twice; list each product once with the "
                                      "total quantity.",
                                  at + ".sku");
    }
    auto product = catalog::get_product(tx, item.sku);
    if (!product.ok()) return invalid_reference(product.error(), at + ".sku");
    if (!product->active) {
      return Error::invalid_field("product_inactive",
                                  product->sku + " (" + product->name + ") is no longer sold.",
                                  at + ".sku");
    }
    OrderLine line{product->sku,  product->name,  item.qty,
                   product->unit, product->price, product->vat_rate};
    if (item.price && *item.price != product->price) {
      if (!may_override_price) {
        Error e = Error::forbidden("Only a manager or admin may change the catalog price (" +
                                   amount_text(product->price, cur) + " for " + product->sku +
                                   "). Leave out \"price\" to use it.");
        e.code = "price_override_forbidden";
        e.details = {at + ".price"};
        return e;
      }
      if (*item.price < 0) {
        return Error::invalid_field("invalid_price", "price cannot be negative.", at + ".price");
      }
      if (*item.price > kMaxUnitAmount) {
        return Error::invalid_field(
            "amount_out_of_range",
            "A price can be at most " + amount_text(kMaxUnitAmount, cur) + ".", at + ".price");
      }
      line.unit_price = *item.price;
    }
    SD_ASSIGN_OR_RETURN(Money net, Money::from_minor(line.unit_price, cur).multiply(line.qty));
    SD_ASSIGN_OR_RETURN(Money vat, net.apply_rate(line.vat_rate));
    SD_ASSIGN_OR_RETURN(Money total, net.add(vat));
    line.net = net.minor_units();
    line.vat = vat.minor_units();
    line.total = total.minor_units();
    SD_ASSIGN_OR_RETURN(o.subtotal, add(o.subtotal, line.net));
    SD_ASSIGN_OR_RETURN(o.vat_total, add(o.vat_total, line.vat));
    SD_ASSIGN_OR_RETURN(o.total, add(o.total, line.total));
    demand.push_back({line.sku, line.qty});
    o.lines.push_back(std::move(line));
  }
  if (o.total > kMaxDocumentTotal) {
    return Error::invalid_field("amount_out_of_range",
                                "An order can total at most " +
                                    amount_text(kMaxDocumentTotal, cur) +
                                    ". Split it into smaller orders.",
                                "items");
  }
  if (customer->credit_limit) {
    SD_ASSIGN_OR_RETURN(int64_t orders_open, store::open_order_total(tx, customer->id));
    SD_ASSIGN_OR_RETURN(int64_t billed, billing::balance_adjustment(tx, customer->id));
    SD_ASSIGN_OR_RETURN(int64_t open, add(orders_open, billed));
    SD_ASSIGN_OR_RETURN(int64_t after, add(open, o.total));
    if (after > *customer->credit_limit) {
      return Error::conflict(
          "credit_limit_exceeded",
          customer->name + " has " + amount_text(open, cur) + " open against a credit limit of " +
              amount_text(*customer->credit_limit, cur) + "; this order (" +
              amount_text(o.total, cur) +
              ") would exceed it. Record a payment or ask a manager to raise the limit.");
    }
  }
  int64_t now = ctx.clock.now_micros();
  SD_ASSIGN_OR_RETURN(o.number, next_document_number(tx, "SO"));
  o.placed_on = format_date(ctx.today());
  o.created_at = o.updated_at = now;
  o.created_by = actor;
  SD_RETURN_IF_ERROR(store::insert(tx, o));
  SD_RETURN_IF_ERROR(inventory::reserve_for_order(tx, ctx, o.id, demand, actor));
  auto ev = events::append(
      tx, {"order.created", "order", o.id, actor, to_json_string(created_event(o, *customer, cur))},
      ctx.clock);
  if (!ev.ok()) return ev.error();
  return o;
}

Result<Order> change_status(db::Connection& tx, const ModuleContext& ctx, const std::string& id,
                            const std::string& to_name, const std::string& actor) {
  auto to = parse_status(to_name);
  if (!to) {
    return Error::invalid_field(
        "invalid_status", "status must be one of placed, shipped, completed, cancelled.", "status");
  }
  SD_ASSIGN_OR_RETURN(Order o, get_order(tx, id));
  if (!can_transition(o.status, *to)) {
    std::string allowed;
    for (const auto& t : kTransitions) {
      if (t.from != o.status) continue;
      allowed += (allowed.empty() ? "" : " or ") + std::string(status_name(t.to));
    }
    Error e = Error::conflict(
        "invalid_transition",
        "Order " + o.number + " is " + std::string(status_name(o.status)) + " and cannot become " +
            std::string(status_name(*to)) + ". " +
            (allowed.empty() ? std::string("It is final; no further changes are allowed.")
                             : "From " + std::string(status_name(o.status)) + " it can become " +
                                   allowed + "."));
    e.details = {"status"};
    return e;
  }
  const OrderStatus from = o.status;
  // A placed order's lines are its reservation (inventory keeps no row per line).
  std::vector<inventory::Demand> reserved;
  for (const auto& l : o.lines) reserved.push_back({l.sku, l.qty});
  if (*to == OrderStatus::kShipped) {
    SD_RETURN_IF_ERROR(inventory::ship_for_order(tx, ctx, o.id, o.number, reserved, actor));
  } else if (*to == OrderStatus::kCancelled) {
    SD_RETURN_IF_ERROR(billing::on_order_cancelled(tx, ctx, o.id, o.number, actor));
    SD_RETURN_IF_ERROR(inventory::release_for_order(tx, ctx, o.id, reserved, actor));
  }
  o.status = *to;
  o.version += 1;
  o.updated_at = ctx.clock.now_micros();
  SD_RETURN_IF_ERROR(store::update_status(tx, o));
  json::object data{{"id", o.id},
                    {"number", o.number},
                    {"customer_id", o.customer_id},
                    {"status", status_name(o.status)},
                    {"previous_status", status_name(from)},
                    {"total", Money::from_minor(o.total, ctx.currency).to_json()}};
  auto ev =
      events::append(tx, {"order.updated", "order", o.id, actor, to_json_string(data)}, ctx.clock);
  if (!ev.ok()) return ev.error();
  return o;
}

Result<Order> get_order(db::Connection& conn, const std::string& id) {
  if (!is_uuid(id)) return not_found(id);
  SD_ASSIGN_OR_RETURN(auto o, store::find(conn, id));
  if (!o) return not_found(id);
  return std::move(*o);
}

}  // namespace smartdairy::modules::sales
