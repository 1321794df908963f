// JSON <-> the analytics views and the SQL console. No business rules here.
#include "modules/analytics/analytics_module.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/json.h"
#include "core/log.h"
#include "core/money.h"
#include "http/db_await.h"
#include "http/error_response.h"
#include "http/query_params.h"
#include "modules/analytics/farm_kpis.h"
#include "modules/analytics/view_queries.h"

namespace smartdairy::modules::analytics {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object kpis_object(const Kpis& k, Currency currency) {
  auto money = [currency](int64_t v) { return Money::from_minor(v, currency).to_json(); };
  return json::object{{"today", k.today},
                      {"seq", k.seq},
                      {"sales_today", money(k.sales_today)},
                      {"orders_today", k.orders_today},
                      {"outstanding_receivables", money(k.outstanding_receivables)},
                      {"overdue_receivables", money(k.overdue_receivables)},
                      {"below_reorder", k.below_reorder}};
}

// The names of the query parameters in `query` (undecoded; ours are plain ASCII).
std::vector<std::string> param_names(std::string_view query) {
  std::vector<std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    if (!part.empty()) out.emplace_back(part.substr(0, part.find('=')));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

Result<ViewParams> decode_params(const Request& req, const ViewInfo& view) {
  for (const auto& name : param_names(req.query)) {
    bool ok = ((name == "from" || name == "to") && view.ranged) ||
              (name == "as_of" && view.as_of) || (name == "bucket" && view.bucket) ||
              (name == "below_reorder" && view.reorder);
    if (!ok) {
      return Error::invalid_field("unknown_parameter",
                                  "The view " + std::string(view.name) + " has no parameter '" +
                                      name + "'. See docs/api.md.",
                                  name);
    }
  }
  ViewParams p;
  SD_ASSIGN_OR_RETURN(p.from, http::date_param(req, "from"));
  SD_ASSIGN_OR_RETURN(p.to, http::date_param(req, "to"));
  SD_ASSIGN_OR_RETURN(p.as_of, http::date_param(req, "as_of"));
  SD_ASSIGN_OR_RETURN(p.bucket, http::text_param(req, "bucket", 16));
  SD_ASSIGN_OR_RETURN(auto below, http::bool_param(req, "below_reorder"));
  p.below_reorder = below.value_or(false);
  return p;
}

asio::awaitable<Response> get_kpis(AnalyticsModule* m, Request& req) {
  ModuleContext ctx = m->ctx_;
  auto job = [ctx](db::Connection& c) { return read_kpis(c, ctx); };
  auto k = co_await http::read(m->ctx_.db.readers(), job);
  if (!k.ok()) co_return http::error_response(k.error(), req);
  co_return Response::json(200, kpis_object(*k, m->ctx_.currency));
}

asio::awaitable<Response> get_farm_kpis(AnalyticsModule* m, Request& req) {
  ModuleContext ctx = m->ctx_;
  auto job = [ctx](db::Connection& c) { return read_farm_kpis(c, ctx); };
  auto k = co_await http::read(m->ctx_.db.readers(), job);
  if (!k.ok()) co_return http::error_response(k.error(), req);
  co_return Response::json(200, *k);
}

asio::awaitable<Response> get_view(AnalyticsModule* m, Request& req) {
  const ViewInfo* view = find_view(req.param("view"));
  if (view == nullptr) {
    std::string names;
    for (const auto& v : views()) names += (names.empty() ? "" : ", ") + std::string(v.name);
    co_return http::error_response(
        Error::not_found("unknown_view", "There is no analytics view '" +
                                             std::string(req.param("view")) +
                                             "'. The views are: " + names + "; and kpis."),
        req);
  }
  auto params = decode_params(req, *view);
  if (!params.ok()) co_return http::error_response(params.error(), req);
  ModuleContext ctx = m->ctx_;
  auto job = [ctx, view, p = *params](db::Connection& c) { return read_view(c, ctx, *view, p); };
  auto body = co_await http::read(m->ctx_.db.readers(), job);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  co_return Response::json(200, *body);
}

asio::awaitable<Response> run_query(AnalyticsModule* m, Request& req, std::string sql) {
  auto job = [m, sql = std::move(sql)]() { return m->console_.run(sql); };
  auto out = co_await http::offload(m->console_pool_, job);
  if (!out.ok()) {
    log::warn("sql console refused a statement",
              {{"request_id", req.request_id},
               {"user", req.principal ? req.principal->username : ""},
               {"code", out.error().code}});
    co_return http::error_response(out.error(), req);
  }
  co_return Response::json(200, *out);
}

asio::awaitable<Response> post_query(AnalyticsModule* m, Request& req) {
  auto body = parse_json(req.body);
  if (!body.ok()) co_return http::error_response(body.error(), req);
  FieldReader r(*body);
  auto sql = r.required_string("sql", 10'000);
  if (!sql.ok()) co_return http::error_response(sql.error(), req);
  if (Status st = r.finish(); !st.ok()) co_return http::error_response(st.error(), req);
  co_return co_await run_query(m, req, std::move(*sql));
}

// The seed's GET /query?sql=…
asio::awaitable<Response> get_query(AnalyticsModule* m, Request& req) {
  auto sql = http::text_param(req, "sql", 10'000);
  if (!sql.ok()) co_return http::error_response(sql.error(), req);
  if (!*sql) {
    co_return http::error_response(
        Error::invalid_field("sql_invalid", "Send the statement as ?sql=SELECT…", "sql"), req);
  }
  co_return co_await run_query(m, req, std::move(**sql));
}

}  // namespace

std::string kpis_json(const Kpis& k, Currency currency) {
  return json::serialize(kpis_object(k, currency));
}

AnalyticsModule::AnalyticsModule(ModuleContext ctx, ConsoleOptions console)
    : ctx_(ctx), console_(ctx.db.path(), console), console_pool_(1, 16) {}

AnalyticsModule::~AnalyticsModule() { console_pool_.stop(); }

void AnalyticsModule::subscribe(events::Bus& bus, const LiveSink& live,
                                const std::function<bool()>& listening) {
  ModuleContext ctx = ctx_;
  // Used on the writer thread only: the consumer's events are noted, then applied once at
  // the end of its batch, in the batch's transaction.
  auto updater = std::make_shared<ViewUpdater>(ctx);
  auto& consumer = bus.add_consumer(
      kConsumerName,
      [updater](db::Connection&, const events::Event& ev) {
        updater->note(ev);
        return Status();
      },
      followed_event_types());
  consumer.set_batch_end(
      [ctx, updater, live, listening](db::Connection& tx,
                                      int64_t last_seq) -> Result<std::function<void()>> {
        SD_RETURN_IF_ERROR(updater->flush(tx));
        if (!live || (listening && !listening())) return std::function<void()>();
        auto k = read_kpis(tx, ctx);
        if (!k.ok()) {
          log::warn("cannot read the KPIs for the live stream", {{"error", k.error().message}});
          return std::function<void()>();
        }
        k->seq = last_seq;
        // The farm's KPIs only after a batch with a herd event: the others leave them as
        // they were.
        std::string farm;
        if (updater->flushed_herd_events()) {
          auto f = read_farm_kpis(tx, ctx);
          if (f.ok()) {
            (*f)["seq"] = last_seq;
            farm = json::serialize(*f);
          } else {
            log::warn("cannot read the farm's KPIs for the live stream",
                      {{"error", f.error().message}});
          }
        }
        return std::function<void()>(
            [live, data = kpis_json(*k, ctx.currency), farm = std::move(farm), last_seq] {
              live("kpi.snapshot", data, last_seq);
              if (!farm.empty()) live("farm.snapshot", farm, last_seq);
            });
      });
}

void AnalyticsModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/analytics/kpis", {"analytics.read"},
             [this](Request& r) { return get_kpis(this, r); });
  router.add(Method::kGet, "/api/v1/herd/kpis", {"farm.kpis"},
             [this](Request& r) { return get_farm_kpis(this, r); });
  router.add(Method::kGet, "/api/v1/analytics/{view}", {"analytics.read"},
             [this](Request& r) { return get_view(this, r); });
  router.add(Method::kPost, "/api/v1/analytics/query", {"analytics.query"},
             [this](Request& r) { return post_query(this, r); });
  router.add(Method::kGet, "/query", {"analytics.query"},
             [this](Request& r) { return get_query(this, r); });
}

}  // namespace smartdairy::modules::analytics
