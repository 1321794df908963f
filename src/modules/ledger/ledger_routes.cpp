// JSON <-> ledger for /api/v1/ledger/*. No rules here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "http/db_await.h"
#include "http/error_response.h"
#include "http/query_params.h"
#include "modules/common/listing.h"
#include "modules/ledger/ledger_module.h"
#include "modules/ledger/ledger_service.h"
#include "modules/ledger/ledger_store.h"

namespace smartdairy::modules::ledger {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

asio::awaitable<Response> get_trial_balance(LedgerModule* m, Request& req) {
  auto as_of = http::date_param(req, "as_of");
  if (!as_of.ok()) co_return http::error_response(as_of.error(), req);
  std::string day = *as_of ? format_date(**as_of) : std::string();
  auto job = [day](db::Connection& c) { return trial_balance(c, day); };
  auto tb = co_await http::read(m->ctx_.db.readers(), job);
  if (!tb.ok()) co_return http::error_response(tb.error(), req);
  const Currency cur = m->ctx_.currency;
  json::array accounts;
  for (const auto& a : tb->accounts) {
    int64_t net = a.debit - a.credit;
    accounts.push_back(json::object{
        {"code", a.code},
        {"name", a.name},
        {"type", a.type},
        {"debit", Money::from_minor(a.debit, cur).to_json()},
        {"credit", Money::from_minor(a.credit, cur).to_json()},
        {"balance", Money::from_minor(net, cur).to_json()},
    });
  }
  json::object out{{"as_of", day.empty() ? json::value(nullptr) : json::value(day)},
                   {"currency", cur.code},
                   {"accounts", std::move(accounts)},
                   {"total_debit", Money::from_minor(tb->total_debit, cur).to_json()},
                   {"total_credit", Money::from_minor(tb->total_credit, cur).to_json()},
                   {"balanced", tb->total_debit == tb->total_credit}};
  co_return Response::json(200, out);
}

asio::awaitable<Response> get_account_entries(LedgerModule* m, Request& req) {
  auto page = http::page_params(req);
  if (!page.ok()) co_return http::error_response(page.error(), req);
  std::string code(req.param("code"));
  int64_t limit = page->limit;
  std::string after = page->after;
  using Lines = Listing<JournalLine>;
  auto job = [code, after, limit](db::Connection& c) -> Result<std::optional<Lines>> {
    SD_ASSIGN_OR_RETURN(bool known, store::account_exists(c, code));
    if (!known) return std::optional<Lines>{};
    SD_ASSIGN_OR_RETURN(auto rows, store::account_lines(c, code, after, limit + 1));
    return std::optional<Lines>{
        make_listing(std::move(rows), limit, [](const JournalLine& l) { return l.entry_id; })};
  };
  auto lines = co_await http::read(m->ctx_.db.readers(), job);
  if (!lines.ok()) co_return http::error_response(lines.error(), req);
  if (!lines->has_value()) {
    co_return http::error_response(
        Error::not_found("account_not_found",
                         "No account has code '" + code +
                             "'. GET /api/v1/ledger/trial-balance lists the chart of accounts."),
        req);
  }
  const Currency cur = m->ctx_.currency;
  auto out = listing_json(**lines, [cur](const JournalLine& l) {
    return json::object{{"entry_id", l.entry_id},
                        {"posted_at", format_rfc3339(l.posted_at)},
                        {"posted_on", l.posted_on},
                        {"memo", l.memo},
                        {"source_type", l.source_type},
                        {"source_id", l.source_id},
                        {"debit", Money::from_minor(l.debit, cur).to_json()},
                        {"credit", Money::from_minor(l.credit, cur).to_json()}};
  });
  out["account"] = code;
  co_return Response::json(200, out);
}

}  // namespace

void LedgerModule::register_routes(http::Router& router) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/ledger/trial-balance", {"ledger.read"},
             [this](Request& r) { return get_trial_balance(this, r); });
  router.add(Method::kGet, "/api/v1/ledger/accounts/{code}/entries", {"ledger.read"},
             [this](Request& r) { return get_account_entries(this, r); });
}

}  // namespace smartdairy::modules::ledger
