// JSON <-> AnimalService for /api/v1/herd/animals. No business rules here.
#include <boost/json/object.hpp>

#include "core/json.h"
#include "core/uuid.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "http/query_params.h"
#include "modules/herd/animal_json.h"
#include "modules/herd/animal_text.h"
#include "modules/herd/herd.h"
#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

struct Deps {
  AnimalService& animals;
  db::Database& db;
  http::Idempotency& idempotency;
  Currency currency;
};

constexpr size_t kMaxShort = 100;
constexpr size_t kMaxText = 2000;
constexpr size_t kMaxId = 64;

Result<std::optional<Day>> optional_day(FieldReader& r, std::string_view key,
                                        std::string_view field) {
  SD_ASSIGN_OR_RETURN(auto text, r.optional_string(key, 16));
  if (!text) return std::optional<Day>{};
  SD_ASSIGN_OR_RETURN(Day d, decode_day(field, *text));
  return std::optional<Day>{d};
}

Result<NewAnimal> decode_create(std::string_view text, Currency currency) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  SD_ASSIGN_OR_RETURN(Nested split, split_nested(body, "acquisition"));
  FieldReader r(split.rest);
  NewAnimal out;
  SD_ASSIGN_OR_RETURN(out.ear_tag, r.required_string("ear_tag", kMaxShort));
  SD_ASSIGN_OR_RETURN(out.rfid, r.optional_string("rfid", kMaxShort));
  SD_ASSIGN_OR_RETURN(out.name, r.optional_string("name", kMaxShort * 2));
  SD_ASSIGN_OR_RETURN(out.breed_id, r.optional_string("breed_id", kMaxId));
  SD_ASSIGN_OR_RETURN(out.sex, r.required_string("sex", 16));
  SD_ASSIGN_OR_RETURN(out.birth_date, optional_day(r, "birth_date", "birth_date"));
  SD_ASSIGN_OR_RETURN(out.status, r.optional_string("status", 16));
  SD_ASSIGN_OR_RETURN(out.sire_id, r.optional_string("sire_id", kMaxId));
  SD_ASSIGN_OR_RETURN(out.dam_id, r.optional_string("dam_id", kMaxId));
  SD_ASSIGN_OR_RETURN(out.notes, r.optional_string("notes", kMaxText));
  SD_RETURN_IF_ERROR(r.finish());
  if (split.nested) {
    FieldReader a(*split.nested, "acquisition.");
    SD_ASSIGN_OR_RETURN(out.acquisition_kind, a.optional_string("kind", 16));
    SD_ASSIGN_OR_RETURN(out.acquisition_date, optional_day(a, "date", "acquisition.date"));
    SD_ASSIGN_OR_RETURN(out.acquisition_cost, a.optional_money("cost", currency));
    SD_RETURN_IF_ERROR(a.finish());
  }
  return out;
}

// A clearable text field of a PATCH: absent, a value, or null.
Status clearable_text(FieldReader& r, std::string_view key, size_t max,
                      Clearable<std::string>& target) {
  bool null = r.is_explicit_null(key);
  SD_ASSIGN_OR_RETURN(auto v, r.optional_string(key, max));
  if (v || null) target.emplace(std::move(v));
  return {};
}

Result<AnimalChanges> decode_update(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  AnimalChanges out;
  SD_RETURN_IF_ERROR(clearable_text(r, "name", kMaxShort * 2, out.name));
  SD_RETURN_IF_ERROR(clearable_text(r, "rfid", kMaxShort, out.rfid));
  SD_RETURN_IF_ERROR(clearable_text(r, "breed_id", kMaxId, out.breed_id));
  SD_RETURN_IF_ERROR(clearable_text(r, "sire_id", kMaxId, out.sire_id));
  SD_RETURN_IF_ERROR(clearable_text(r, "dam_id", kMaxId, out.dam_id));
  SD_RETURN_IF_ERROR(clearable_text(r, "notes", kMaxText, out.notes));
  bool birth_null = r.is_explicit_null("birth_date");
  SD_ASSIGN_OR_RETURN(auto birth, optional_day(r, "birth_date", "birth_date"));
  if (birth || birth_null) out.birth_date.emplace(birth);
  if (r.is_explicit_null("status")) {
    return field_error("status", "Field 'status' cannot be null.");
  }
  SD_ASSIGN_OR_RETURN(out.status, r.optional_string("status", 16));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

Result<Disposal> decode_disposal(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  FieldReader r(body);
  Disposal out;
  SD_ASSIGN_OR_RETURN(out.kind, r.required_string("kind", 16));
  SD_ASSIGN_OR_RETURN(auto date, r.required_string("date", 16));
  SD_ASSIGN_OR_RETURN(out.date, decode_day("date", date));
  SD_ASSIGN_OR_RETURN(out.note, r.optional_string("note", kMaxText));
  SD_RETURN_IF_ERROR(r.finish());
  return out;
}

Response with_etag(Response resp, int64_t version) {
  resp.set_header("ETag", "\"" + std::to_string(version) + "\"");
  return resp;
}

asio::awaitable<Response> create_animal(Deps d, Request& req) {
  auto cmd = decode_create(req.body, d.currency);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string actor = req.principal->username;
  auto job = [d, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Animal a, d.animals.register_animal(tx, in, actor));
    Response resp =
        with_etag(Response::json(201, animal_json(a, d.animals.today(), d.currency)), a.version);
    resp.set_header("Location", "/api/v1/herd/animals/" + a.id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> update_animal(Deps d, Request& req) {
  auto ch = decode_update(req.body);
  if (!ch.ok()) co_return http::error_response(ch.error(), req);
  auto version = if_match_version(req);
  if (!version.ok()) co_return http::error_response(version.error(), req);
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [d, id, c = std::move(*ch), v = *version,
              actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Animal a, d.animals.update(tx, id, c, v, actor));
    return with_etag(Response::json(200, animal_json(a, d.animals.today(), d.currency)), a.version);
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> dispose_animal(Deps d, Request& req) {
  auto cmd = decode_disposal(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  auto version = if_match_version(req);
  if (!version.ok()) co_return http::error_response(version.error(), req);
  std::string id(req.param("id"));
  std::string actor = req.principal->username;
  auto job = [d, id, c = std::move(*cmd), v = *version,
              actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Animal a, d.animals.dispose(tx, id, c, v, actor));
    return with_etag(Response::json(200, animal_json(a, d.animals.today(), d.currency)), a.version);
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

asio::awaitable<Response> get_animal(Deps d, Request& req, bool by_tag) {
  std::string key(req.param(by_tag ? "tag" : "id"));
  auto job = [d, key, by_tag](db::Connection& c) {
    return by_tag ? d.animals.detail_by_tag(c, key) : d.animals.detail(c, key);
  };
  auto detail = co_await http::read(d.db.readers(), job);
  if (!detail.ok()) co_return http::error_response(detail.error(), req);
  co_return with_etag(
      Response::json(200, animal_detail_json(*detail, d.animals.today(), d.currency)),
      detail->animal.version);
}

Result<AnimalQuery> decode_list(const Request& req) {
  AnimalQuery q;
  SD_ASSIGN_OR_RETURN(auto page, http::page_params(req, 500));
  q.limit = page.limit;
  q.after = std::move(page.after);
  SD_ASSIGN_OR_RETURN(q.status, http::enum_param(req, "status",
                                                 {"calf", "heifer", "lactating", "dry", "pregnant",
                                                  "bull", "sold", "dead", "culled"}));
  SD_ASSIGN_OR_RETURN(q.sex, http::enum_param(req, "sex", {"female", "male"}));
  SD_ASSIGN_OR_RETURN(q.breed_id, http::text_param(req, "breed_id", kMaxId));
  SD_ASSIGN_OR_RETURN(q.tag_prefix, http::text_param(req, "tag", 20));
  SD_ASSIGN_OR_RETURN(q.q, http::text_param(req, "q", kMaxShort));
  return q;
}

asio::awaitable<Response> list_animals(Deps d, Request& req) {
  auto query = decode_list(req);
  if (!query.ok()) co_return http::error_response(query.error(), req);
  auto job = [d, q = std::move(*query)](db::Connection& c) { return d.animals.list(c, q); };
  auto page = co_await http::read(d.db.readers(), job);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  Day today = d.animals.today();
  co_return Response::json(
      200, listing_json(*page, [today](const Animal& a) { return animal_summary_json(a, today); }));
}

}  // namespace

void HerdModule::register_animal_routes(http::Router& router) {
  using http::Method;
  Deps d{animals_, ctx_.db, idempotency_, ctx_.currency};
  router.add(Method::kPost, "/api/v1/herd/animals", {"herd.write"},
             [d](Request& r) { return create_animal(d, r); });
  router.add(Method::kGet, "/api/v1/herd/animals", {"herd.read"},
             [d](Request& r) { return list_animals(d, r); });
  router.add(Method::kGet, "/api/v1/herd/animals/by-tag/{tag}", {"herd.read"},
             [d](Request& r) { return get_animal(d, r, true); });
  router.add(Method::kGet, "/api/v1/herd/animals/{id}", {"herd.read"},
             [d](Request& r) { return get_animal(d, r, false); });
  router.add(Method::kPatch, "/api/v1/herd/animals/{id}", {"herd.write"},
             [d](Request& r) { return update_animal(d, r); });
  router.add(Method::kPost, "/api/v1/herd/animals/{id}/disposal", {"herd.write"},
             [d](Request& r) { return dispose_animal(d, r); });
}

}  // namespace smartdairy::modules::herd
