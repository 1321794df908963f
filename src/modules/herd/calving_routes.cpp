// JSON <-> CalvingService for POST /api/v1/herd/calvings. No business rules here.
#include <boost/json/object.hpp>

#include "core/json.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "modules/herd/animal_json.h"
#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

struct Deps {
  CalvingService& calvings;
  AnimalService& animals;
  db::Database& db;
  http::Idempotency& idempotency;
  Currency currency;
};

Result<NewCalving> decode_calving(std::string_view text) {
  SD_ASSIGN_OR_RETURN(auto body, parse_json(text));
  SD_ASSIGN_OR_RETURN(Nested split, split_nested(body, "calf"));
  FieldReader r(split.rest);
  NewCalving out;
  SD_ASSIGN_OR_RETURN(out.dam_id, r.required_string("dam_id", 64));
  SD_ASSIGN_OR_RETURN(auto day, r.required_string("day", 16));
  SD_ASSIGN_OR_RETURN(out.day, decode_day("day", day));
  SD_ASSIGN_OR_RETURN(out.difficulty, r.required_int64("difficulty", -1000, 1000));
  SD_ASSIGN_OR_RETURN(out.service_id, r.optional_string("service_id", 64));
  SD_ASSIGN_OR_RETURN(out.sire_id, r.optional_string("sire_id", 64));
  SD_ASSIGN_OR_RETURN(out.notes, r.optional_string("notes", 2000));
  SD_RETURN_IF_ERROR(r.finish());
  if (split.nested) {
    FieldReader c(*split.nested, "calf.");
    NewCalf calf;
    SD_ASSIGN_OR_RETURN(calf.ear_tag, c.required_string("ear_tag", 100));
    SD_ASSIGN_OR_RETURN(calf.sex, c.required_string("sex", 16));
    SD_ASSIGN_OR_RETURN(calf.name, c.optional_string("name", 200));
    SD_ASSIGN_OR_RETURN(calf.rfid, c.optional_string("rfid", 100));
    SD_RETURN_IF_ERROR(c.finish());
    out.calf = std::move(calf);
  }
  return out;
}

asio::awaitable<Response> record_calving(Deps d, Request& req) {
  auto cmd = decode_calving(req.body);
  if (!cmd.ok()) co_return http::error_response(cmd.error(), req);
  std::string actor = req.principal->username;
  auto job = [d, in = std::move(*cmd), actor](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Calving c, d.calvings.record(tx, in, actor));
    Response resp = Response::json(201, calving_json(c, d.animals.today(), d.currency));
    if (c.calf) resp.set_header("Location", "/api/v1/herd/animals/" + c.calf->id);
    return resp;
  };
  co_return co_await http::idempotent_write(d.idempotency, d.db.writer(), req, job);
}

}  // namespace

void HerdModule::register_calving_routes(http::Router& router) {
  Deps d{calvings_, animals_, ctx_.db, idempotency_, ctx_.currency};
  router.add(http::Method::kPost, "/api/v1/herd/calvings", {"herd.calving"},
             [d](Request& r) { return record_calving(d, r); });
}

}  // namespace smartdairy::modules::herd
