#include "modules/parties/customer_service.h"

#include <boost/json/object.hpp>

#include "core/json.h"
#include "core/text.h"
#include "core/uuid.h"
#include "events/outbox.h"
#include "modules/parties/customer_store.h"

namespace smartdairy::modules::parties {

namespace {

Status validate(const Customer& c) {
  if (c.name.empty())
    return Error::invalid_field("invalid_name", "Give the customer a name.", "name");
  SD_RETURN_IF_ERROR(check_email(c.email));
  if (c.kind != "b2b" && c.kind != "b2c") {
    return Error::invalid_field("invalid_kind", "kind must be b2b or b2c.", "kind");
  }
  if (c.payment_terms_days < 0 || c.payment_terms_days > 365) {
    return Error::invalid_field("invalid_payment_terms",
                                "payment_terms_days must be from 0 to 365.", "payment_terms_days");
  }
  if (c.credit_limit && *c.credit_limit < 0) {
    return Error::invalid_field("invalid_credit_limit", "credit_limit cannot be negative.",
                                "credit_limit");
  }
  return {};
}

Error email_taken(const std::string& email) {
  Error e = Error::conflict("email_taken", "Another customer already uses " + email +
                                               ". Search for that customer instead of "
                                               "creating a second one.");
  e.details = {"email"};
  return e;
}

Status emit(db::Connection& tx, const ModuleContext& ctx, const std::string& type,
            const Customer& c, const std::string& actor) {
  boost::json::object data{
      {"id", c.id},     {"name", c.name},         {"email", c.email},
      {"kind", c.kind}, {"archived", c.archived}, {"payment_terms_days", c.payment_terms_days}};
  auto ev = events::append(tx, {type, "customer", c.id, actor, to_json_string(data)}, ctx.clock);
  if (!ev.ok()) return ev.error();
  return {};
}

}  // namespace

Status check_email(const std::string& email) {
  auto at = email.find('@');
  bool ok = !email.empty() && email.size() <= 254 && at != std::string::npos && at > 0 &&
            email.find('@', at + 1) == std::string::npos &&
            email.find('.', at + 2) != std::string::npos && email.back() != '.';
  for (char ch : email) {
    if (static_cast<unsigned char>(ch) <= 0x20) ok = false;
  }
  if (!ok) {
    return Error::invalid_field("invalid_email", "Give an email address like name@example.com.",
                                "email");
  }
  return {};
}

Result<Customer> create_customer(db::Connection& tx, const ModuleContext& ctx, Customer draft,
                                 const std::string& actor) {
  draft.email = ascii_lower(draft.email);
  SD_RETURN_IF_ERROR(validate(draft));
  if (draft.id.empty()) draft.id = new_uuid_v7();
  draft.created_at = draft.updated_at = ctx.clock.now_micros();
  draft.archived = false;
  Status st = store::insert(tx, draft);
  if (!st.ok()) {
    if (st.error().kind == ErrorKind::kConflict) {
      SD_ASSIGN_OR_RETURN(auto existing, store::find(tx, draft.id));
      if (existing) {
        return Error::conflict("customer_exists",
                               "A customer with id " + draft.id + " already exists.");
      }
      return email_taken(draft.email);
    }
    return st.error();
  }
  SD_RETURN_IF_ERROR(emit(tx, ctx, "customer.created", draft, actor));
  return draft;
}

Result<Customer> update_customer(db::Connection& tx, const ModuleContext& ctx,
                                 const std::string& id, const CustomerPatch& patch,
                                 const std::string& actor) {
  SD_ASSIGN_OR_RETURN(Customer c, get_customer(tx, id));
  if (patch.name) c.name = *patch.name;
  if (patch.email) c.email = ascii_lower(*patch.email);
  if (patch.phone) c.phone = *patch.phone;
  if (patch.kind) c.kind = *patch.kind;
  if (patch.payment_terms_days) c.payment_terms_days = *patch.payment_terms_days;
  if (patch.credit_limit) c.credit_limit = *patch.credit_limit;
  if (patch.archived) c.archived = *patch.archived;
  SD_RETURN_IF_ERROR(validate(c));
  c.updated_at = ctx.clock.now_micros();
  Status st = store::update(tx, c);
  if (!st.ok()) {
    if (st.error().kind == ErrorKind::kConflict) return email_taken(c.email);
    return st.error();
  }
  SD_RETURN_IF_ERROR(emit(tx, ctx, "customer.updated", c, actor));
  return c;
}

Result<Customer> get_customer(db::Connection& conn, const std::string& id) {
  std::optional<Customer> found;
  if (is_uuid(id)) {
    SD_ASSIGN_OR_RETURN(found, store::find(conn, id));
  }
  if (!found) {
    Error e = Error::not_found("customer_not_found",
                               "No customer has id '" + id.substr(0, 40) +
                                   "'. GET /api/v1/customers?q= finds customers by name or email.");
    e.details = {"customer_id"};
    return e;
  }
  return std::move(*found);
}

Result<Customer> get_active_customer(db::Connection& conn, const std::string& id) {
  SD_ASSIGN_OR_RETURN(Customer c, get_customer(conn, id));
  if (c.archived) {
    Error e = Error::conflict("customer_archived",
                              "Customer " + c.name +
                                  " is archived. Restore the customer (PATCH archived=false) "
                                  "before placing an order.");
    e.details = {"customer_id"};
    return e;
  }
  return c;
}

}  // namespace smartdairy::modules::parties
