#pragma once

// Bridges the database threads to Asio coroutines: a handler `co_await`s a write or read
// job and resumes on its own executor once the job is done (for writes: once durable).

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>

#include "core/result.h"
#include "db/reader_pool.h"
#include "db/writer.h"

namespace smartdairy::http {

namespace detail {
template <class Handler, class R>
void complete(std::shared_ptr<Handler> handler, R result) {
  auto ex = boost::asio::get_associated_executor(*handler);
  boost::asio::post(ex, [handler, r = std::move(result)]() mutable { (*handler)(std::move(r)); });
}
}  // namespace detail

// GCC 12 destroys temporaries in a co_await expression twice (a compiler bug), so call
// these with a named lambda, not a lambda written inside the co_await:
//   auto job = [id](db::Connection& c) { return store::find(c, id); };
//   auto row = co_await http::read(pool, job);

// Runs fn(tx) as one command of the writer's next batch. fn returns Result<T> or Status;
// an error result rolls back only this command. Resumes after the commit is durable.
template <class Fn, class F = std::decay_t<Fn>>
auto write(db::Writer& writer, Fn&& fn)
    -> boost::asio::awaitable<std::invoke_result_t<F&, db::Connection&>> {
  using R = std::invoke_result_t<F&, db::Connection&>;
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
      [&writer](auto handler, F f) {
        using H = decltype(handler);
        auto h = std::make_shared<H>(std::move(handler));
        auto slot = std::make_shared<std::optional<R>>();
        Status st = writer.submit(db::WriteJob{
            [f = std::move(f), slot](db::Connection& tx) mutable {
              slot->emplace(f(tx));
              return (*slot)->ok();
            },
            [h, slot](const Status& commit) {
              if (!commit.ok()) {
                detail::complete(h, R(commit.error()));
              } else if (!slot->has_value()) {
                detail::complete(h, R(Error::internal("write command failed unexpectedly")));
              } else {
                detail::complete(h, std::move(**slot));
              }
            }});
        if (!st.ok()) detail::complete(h, R(st.error()));
      },
      boost::asio::use_awaitable, F(std::forward<Fn>(fn)));
}

// Runs fn(conn) on a reader thread (a WAL snapshot) and resumes with its result.
template <class Fn, class F = std::decay_t<Fn>>
auto read(db::ReaderPool& pool, Fn&& fn)
    -> boost::asio::awaitable<std::invoke_result_t<F&, db::Connection&>> {
  using R = std::invoke_result_t<F&, db::Connection&>;
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F f) {
        using H = decltype(handler);
        auto h = std::make_shared<H>(std::move(handler));
        Status st = pool.submit([f = std::move(f), h](db::Connection& conn) mutable {
          try {
            detail::complete(h, R(f(conn)));
          } catch (const std::exception& ex) {
            detail::complete(h, R(Error::internal(ex.what())));
          }
        });
        if (!st.ok()) detail::complete(h, R(st.error()));
      },
      boost::asio::use_awaitable, F(std::forward<Fn>(fn)));
}

}  // namespace smartdairy::http

#include "core/work_pool.h"

namespace smartdairy::http {

// Runs fn() on a work pool (CPU-heavy work such as password hashing) and resumes with its
// result, which must be a Result<T> or Status.
template <class Fn, class F = std::decay_t<Fn>>
auto offload(WorkPool& pool, Fn&& fn) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F f) {
        using H = decltype(handler);
        auto h = std::make_shared<H>(std::move(handler));
        Status st = pool.submit([f = std::move(f), h]() mutable {
          try {
            detail::complete(h, R(f()));
          } catch (const std::exception& ex) {
            detail::complete(h, R(Error::internal(ex.what())));
          }
        });
        if (!st.ok()) detail::complete(h, R(st.error()));
      },
      boost::asio::use_awaitable, F(std::forward<Fn>(fn)));
}

}  // namespace smartdairy::http
