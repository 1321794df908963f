// POST /api/v1/herd/import/animals: a CSV file of animals (animal_import.h).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "modules/herd/herd_module.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object outcome_json(const ImportOutcome& o) {
  json::array rows;
  for (const auto& r : o.rows) {
    rows.push_back(json::object{
        {"line", r.line}, {"ear_tag", r.ear_tag}, {"result", r.result}, {"id", r.animal_id}});
  }
  return {{"created", o.created}, {"unchanged", o.unchanged}, {"rows", std::move(rows)}};
}

json::object errors_json(const ImportOutcome& o, const std::string& request_id) {
  json::array errors;
  for (const auto& e : o.errors) {
    errors.push_back(json::object{{"line", e.line},
                                  {"field", e.field.empty() ? json::value() : json::value(e.field)},
                                  {"message", e.message}});
  }
  size_t n = o.errors.size();
  return {
      {"error", json::object{{"code", "import_rejected"},
                             {"message", std::to_string(n) + (n == 1 ? " row has" : " rows have") +
                                             " errors; nothing was imported. Fix them and send the "
                                             "whole file again."},
                             {"details", json::array{}},
                             {"request_id", request_id}}},
      {"errors", std::move(errors)}};
}

}  // namespace

void HerdModule::register_animal_import_routes(http::Router& router) {
  AnimalImport* importer = &animal_import_;
  ModuleContext ctx = ctx_;
  http::Idempotency* idempotency = &idempotency_;
  router.add(http::Method::kPost, "/api/v1/herd/import/animals", {"herd.write"},
             [importer, ctx, idempotency](Request& req) -> asio::awaitable<Response> {
               std::string actor = req.principal->username;
               std::string text = req.body;
               std::string request_id = req.request_id;
               auto job = [importer, text = std::move(text), actor,
                           request_id](db::Connection& tx) -> Result<Response> {
                 SD_ASSIGN_OR_RETURN(ImportOutcome o, importer->import_csv(tx, text, actor));
                 if (!o.errors.empty()) return Response::json(422, errors_json(o, request_id));
                 return Response::json(o.created > 0 ? 201 : 200, outcome_json(o));
               };
               co_return co_await http::idempotent_write(*idempotency, ctx.db.writer(), req, job);
             });
  router.accept_csv(http::Method::kPost, "/api/v1/herd/import/animals");
}

}  // namespace smartdairy::modules::herd
