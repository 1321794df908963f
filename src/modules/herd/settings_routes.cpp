// GET and PATCH /api/v1/herd/settings: the farm's settings (settings_service.h).
#include "core/json.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotent_write.h"
#include "modules/herd/herd_module.h"
#include "modules/herd/settings_service.h"

namespace smartdairy::modules::herd {

namespace asio = boost::asio;
using http::Request;
using http::Response;

void HerdModule::register_settings_routes(http::Router& router) {
  ModuleContext ctx = ctx_;
  http::Idempotency* idempotency = &idempotency_;
  router.add(http::Method::kGet, "/api/v1/herd/settings", {"herd.read"},
             [ctx](Request& req) -> asio::awaitable<Response> {
               auto s = co_await http::read(
                   ctx.db.readers(), [](db::Connection& c) { return store::load_settings(c); });
               if (!s.ok()) co_return http::error_response(s.error(), req);
               co_return Response::json(200, settings_json(*s));
             });
  router.add(http::Method::kPatch, "/api/v1/herd/settings", {"herd.settings"},
             [ctx, idempotency](Request& req) -> asio::awaitable<Response> {
               auto body = parse_json(req.body);
               if (!body.ok()) co_return http::error_response(body.error(), req);
               std::string actor = req.principal->username;
               auto job = [ctx, b = std::move(*body),
                           actor](db::Connection& tx) -> Result<Response> {
                 SD_ASSIGN_OR_RETURN(HerdSettings s, update_settings(tx, ctx, b, actor));
                 return Response::json(200, settings_json(s));
               };
               co_return co_await http::idempotent_write(*idempotency, ctx.db.writer(), req, job);
             });
}

}  // namespace smartdairy::modules::herd
