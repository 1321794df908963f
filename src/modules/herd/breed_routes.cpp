// JSON <-> BreedService for /api/v1/herd/breeds. No business rules here.
#include <boost/json/object.hpp>

#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/herd/animal_json.h"
#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

struct Deps {
  BreedService& breeds;
  db::Database& db;
  http::Idempotency& idempotency;
};

constexpr size_t kMaxText = 2000;

Result<NewBreed> decode_create(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  NewBreed out;
  SD_ASSIGN_OR_RETURN(out.code, r.required_string("code", 64));
  SD_ASSIGN_OR_RETURN(out.name, r.required_string("name", 200));
  SD_ASSIGN_OR_RETURN(out.kind, r.required_string("kind", 32));
  SD_ASSIGN_OR_RETURN(out.avg_yield_litres, r.optional_string("avg_yield_litres", 32));
  SD_ASSIGN_OR_RETURN(out.gestation_days, r.optional_int64("gestation_days", 0, 100000));
  SD_ASSIGN_OR_RETURN(out.description, r.optional_string("description", kMaxText));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

Result<BreedChanges> decode_update(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  BreedChanges out;
  for (std::string_view key : {"code", "name", "kind", "gestation_days"}) {
    if (r.is_explicit_null(key)) {
      Error e = Error::unprocessable("invalid_field", "Field '" + std::string(key) +
                                                          "' cannot be null; leave it out to "
                                                          "keep the current value.");
      e.details.emplace_back(key);
      return e;
    }
  }
  SD_ASSIGN_OR_RETURN(out.code, r.optional_string("code", 64));
  SD_ASSIGN_OR_RETURN(out.name, r.optional_string("name", 200));
  SD_ASSIGN_OR_RETURN(out.kind, r.optional_string("kind", 32));
  bool yield_null = r.is_explicit_null("avg_yield_litres");
  SD_ASSIGN_OR_RETURN(auto yield, r.optional_string("avg_yield_litres", 32));
  if (yield || yield_null) out.avg_yield_litres.emplace(yield);
  SD_ASSIGN_OR_RETURN(out.gestation_days, r.optional_int64("gestation_days", 0, 100000));
  bool description_null = r.is_explicit_null("description");
  SD_ASSIGN_OR_RETURN(auto description, r.optional_string("description", kMaxText));
  if (description || description_null) out.description.emplace(description);
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

asio::awaitable<Response> create_breed(Deps d, Request& req) {
  auto cmd = decode_create(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string actor = req.principal->username;
  auto job = [d, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Breed b, d.breeds.create(tx, in, actor));
    Response resp = Response::json(201, breed_json(b));
    resp.set_header("Location", "/api/v1/herd/breeds/" + b.id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> update_breed(Deps d, Request& req) {
  auto ch = decode_update(req.body);
  if (!ch.ok()) co_return http::error_response(ch.error(), req);
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [d, id, c = std::move(*ch), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Breed b, d.breeds.update(tx, id, c, actor));
    return Response::json(200, breed_json(b));
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> get_breed(Deps d, Request& req) {
  std::string id(req.param("id"));
  auto job = [d, id](db::Connection& c) { return d.breeds.get(c, id); };
  auto b = co_await http::read(d.db.readers(), job);
  if (!b.ok()) co_return http::error_response(b.error(), req);
  co_return Response::json(200, breed_json(*b));
}

asio::awaitable<Response> list_breeds(Deps d, Request& req) {
  auto page = http::page_params(req, 200);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  auto job = [d, p = *page](db::Connection& c) { return d.breeds.list(c, p.after, p.limit); };
  auto rows = co_await http::read(d.db.readers(), job);
  if (!rows.ok()) co_return http::error_response(rows.error(), req);
  co_return Response::json(200, listing_json(*rows, [](const Breed& b) { return breed_json(b); }));
}

}  // namespace

void HerdModule::register_breed_routes(http::Router& router) {
  using http::Method;
  Deps d{breeds_, ctx_.db, idempotency_};
  router.add(Method::kPost, "/api/v1/herd/breeds", {"herd.write"},
             [d](Request& r) { return create_breed(d, r); });
  router.add(Method::kGet, "/api/v1/herd/breeds", {"herd.read"},
             [d](Request& r) { return list_breeds(d, r); });
  router.add(Method::kGet, "/api/v1/herd/breeds/{id}", {"herd.read"},
             [d](Request& r) { return get_breed(d, r); });
  router.add(Method::kPatch, "/api/v1/herd/breeds/{id}", {"herd.write"},
             [d](Request& r) { return update_breed(d, r); });
}

}  // namespace smartdairy::modules::herd
