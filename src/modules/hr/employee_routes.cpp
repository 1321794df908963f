// JSON <-> EmployeeService for /api/v1/employees. No business rules here.
#include <boost/json/object.hpp>
#include <memory>

#include "auth/permissions.h"
#include "core/json.h"
#include "core/uuid.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/hr/hr_module.h"

namespace smartdairy::modules::hr {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// What the handlers use, passed by value into each coroutine. The referenced objects belong
// to the HrModule and the composition root, which outlive the server.
struct Deps {
  EmployeeService& employees;
  db::Database& db;
  http::Idempotency& idempotency;
  Currency currency;
};

constexpr size_t kMaxName = 200;
constexpr size_t kMaxEmail = 254;
constexpr size_t kMaxRole = 64;
constexpr size_t kMaxPhone = 32;
constexpr size_t kMaxDate = 10;

Actor actor_of(const Request& req) {
  const auto& p = *req.principal;
  return Actor{p.username, auth::role_allows(p.role, "employees.salary")};
}

// The employee as JSON; `monthly_salary` only when the caller may see salaries.
json::object employee_json(const Employee& e, bool with_salary) {
  json::object o{{"id", e.id}, {"name", e.name}, {"email", e.email}, {"role", e.role}};
  o["phone"] = e.phone ? json::value(*e.phone) : json::value();
  o["hired_on"] = e.hired_on ? json::value(format_date(*e.hired_on)) : json::value();
  if (with_salary) {
    o["monthly_salary"] = e.monthly_salary ? e.monthly_salary->to_json() : json::value();
  }
  o["active"] = e.active;
  o["created_at"] = format_rfc3339(e.created_at);
  o["updated_at"] = format_rfc3339(e.updated_at);
  return o;
}

Error field_error(std::string_view field, std::string message) {
  Error e = Error::unprocessable("invalid_field", std::move(message));
  e.details.emplace_back(field);
  return e;
}

Result<Day> decode_date(std::string_view field, const std::string& text) {
  auto day = parse_date(text);
  if (!day)
    return field_error(field, "Field '" + std::string(field) +
                                  "' must be a date "
                                  "written YYYY-MM-DD, e.g. 2026-03-01.");
  return *day;
}

// True when `key` is present with the value null: in a PATCH, "clear this field".
bool sent_null(const json::value& body, std::string_view key) {
  const json::object* o = body.if_object();
  const json::value* v = o != nullptr ? o->if_contains(key) : nullptr;
  return v != nullptr && v->is_null();
}

Status refuse_null(const json::value& body, std::string_view key) {
  if (!sent_null(body, key)) return {};
  return field_error(key, "Field '" + std::string(key) +
                              "' cannot be null; leave it out to keep the current value.");
}

// Typed request bodies (SR-05): every field read explicitly, anything else is 422.
Result<NewEmployee> decode_create(std::string_view text, Currency currency) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  NewEmployee out;
  SD_ASSIGN_OR_RETURN(out.name, r.required_string("name", kMaxName));
  SD_ASSIGN_OR_RETURN(out.email, r.required_string("email", kMaxEmail));
  SD_ASSIGN_OR_RETURN(out.role, r.required_string("role", kMaxRole));
  SD_ASSIGN_OR_RETURN(out.phone, r.optional_string("phone", kMaxPhone));
  SD_ASSIGN_OR_RETURN(auto hired_on, r.optional_string("hired_on", kMaxDate));
  if (hired_on) {
    SD_ASSIGN_OR_RETURN(out.hired_on, decode_date("hired_on", *hired_on));
  }
  SD_ASSIGN_OR_RETURN(out.monthly_salary, r.optional_money("monthly_salary", currency));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

// As decode_create, every field optional; null clears phone, hired_on and monthly_salary.
Result<EmployeeChanges> decode_update(std::string_view text, Currency currency) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  EmployeeChanges out;
  for (std::string_view key : {"name", "email", "role", "active"}) {
    SD_RETURN_IF_ERROR(refuse_null(body, key));
  }
  SD_ASSIGN_OR_RETURN(out.name, r.optional_string("name", kMaxName));
  SD_ASSIGN_OR_RETURN(out.email, r.optional_string("email", kMaxEmail));
  SD_ASSIGN_OR_RETURN(out.role, r.optional_string("role", kMaxRole));
  SD_ASSIGN_OR_RETURN(auto phone, r.optional_string("phone", kMaxPhone));
  if (phone || sent_null(body, "phone")) out.phone.emplace(std::move(phone));
  SD_ASSIGN_OR_RETURN(auto hired_on, r.optional_string("hired_on", kMaxDate));
  if (hired_on) {
    SD_ASSIGN_OR_RETURN(Day day, decode_date("hired_on", *hired_on));
    out.hired_on.emplace(day);
  } else if (sent_null(body, "hired_on")) {
    out.hired_on.emplace();
  }
  SD_ASSIGN_OR_RETURN(auto salary, r.optional_money("monthly_salary", currency));
  if (salary || sent_null(body, "monthly_salary")) out.monthly_salary.emplace(salary);
  SD_ASSIGN_OR_RETURN(out.active, r.optional_bool("active"));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

asio::awaitable<Response> create_employee(Deps d, Request& req) {
  auto cmd = decode_create(req.body, d.currency);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  Actor actor = actor_of(req);
  auto job = [d, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Employee e, d.employees.create(tx, in, actor));
    Response resp = Response::json(201, employee_json(e, actor.salary_access));
    resp.set_header("Location", "/api/v1/employees/" + e.id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> get_employee(Deps d, Request& req) {
  std::string id(req.param("id"));
  auto job = [d, id](db::Connection& c) { return d.employees.get(c, id); };
  auto e = co_await http::read(d.db.readers(), job);
  if (!e.ok()) co_return http::error_response(e.error(), req);
  co_return Response::json(200, employee_json(*e, actor_of(req).salary_access));
}

asio::awaitable<Response> update_employee(Deps d, Request& req) {
  auto changes = decode_update(req.body, d.currency);
  if (!changes.ok()) co_return http::error_response(changes.error(), req);
  std::string id(req.param("id"));
  Actor actor = actor_of(req);
  auto job = [d, id, ch = std::move(*changes), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Employee e, d.employees.update(tx, id, ch, actor));
    return Response::json(200, employee_json(e, actor.salary_access));
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

Result<EmployeeQuery> decode_list(const Request& req) {
  EmployeeQuery q;
  SD_ASSIGN_OR_RETURN(auto page, http::page_params(req, 200));
  if (!page.after.empty() && !is_uuid(page.after)) {
    Error e = Error::unprocessable("invalid_parameter",
                                   "Query parameter 'cursor' must be the next_cursor of a "
                                   "previous page; start again without it.");
    e.details.emplace_back("cursor");
    return e;
  }
  q.limit = page.limit;
  q.after = std::move(page.after);
  SD_ASSIGN_OR_RETURN(q.prefix, http::text_param(req, "q", kMaxEmail));
  SD_ASSIGN_OR_RETURN(q.active, http::bool_param(req, "active"));
  return q;
}

asio::awaitable<Response> list_employees(Deps d, Request& req) {
  auto query = decode_list(req);
  if (!query.ok()) co_return http::error_response(query.error(), req);
  auto job = [d, q = std::move(*query)](db::Connection& c) { return d.employees.list(c, q); };
  auto page = co_await http::read(d.db.readers(), job);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  bool with_salary = actor_of(req).salary_access;
  co_return Response::json(200, listing_json(*page, [with_salary](const Employee& e) {
                             return employee_json(e, with_salary);
                           }));
}

}  // namespace

void HrModule::register_routes(http::Router& router) {
  using http::Method;
  Deps d{employees_, ctx_.db, idempotency_, ctx_.currency};
  router.add(Method::kPost, "/api/v1/employees", {"employees.write"},
             [d](Request& r) { return create_employee(d, r); });
  router.add(Method::kGet, "/api/v1/employees", {"employees.read"},
             [d](Request& r) { return list_employees(d, r); });
  router.add(Method::kGet, "/api/v1/employees/{id}", {"employees.read"},
             [d](Request& r) { return get_employee(d, r); });
  router.add(Method::kPatch, "/api/v1/employees/{id}", {"employees.write"},
             [d](Request& r) { return update_employee(d, r); });
}

}  // namespace smartdairy::modules::hr
