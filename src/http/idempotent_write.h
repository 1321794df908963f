#pragma once

#include "http/db_await.h"
#include "http/error_response.h"
#include "http/idempotency.h"

namespace smartdairy::http {

// The shape of every state-changing request (POST, PATCH): honour Idempotency-Key, run `job`
// (Result<Response> from a write transaction) on the writer, store its response with its
// effect, answer it.
template <class Job>
boost::asio::awaitable<Response> idempotent_write(Idempotency& idempotency, db::Writer& writer,
                                                  const Request& req, Job job) {
  auto begin = co_await idempotency.begin(req);
  if (begin.reply) co_return std::move(*begin.reply);
  auto run = [job = std::move(job), claim = begin.ref()](db::Connection& tx) -> Result<Response> {
    SD_ASSIGN_OR_RETURN(Response resp, job(tx));
    SD_RETURN_IF_ERROR(Idempotency::record(tx, claim, resp));
    return resp;
  };
  auto resp = co_await write(writer, run);
  if (!resp.ok()) co_return error_response(resp.error(), req);
  co_return std::move(*resp);
}

}  // namespace smartdairy::http
