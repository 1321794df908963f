#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "core/clock.h"
#include "core/result.h"
#include "db/database.h"
#include "http/message.h"

namespace smartdairy::http {

// `Idempotency-Key` on state-changing requests (DESIGN.md §7, SR-11). Optional unless a route says
// otherwise, so the seed's plain curl calls keep working. With a key:
// - the first successful response is stored in the same transaction as the effect;
// - a retry with the same key and body gets that response again (`Idempotent-Replayed`);
// - the same key with a different method, path or body is 422 `idempotency_key_reused`;
// - while the first request is still running, a second one is 409 `request_in_flight`.
// Failed requests store nothing: their effect was rolled back, so a retry runs again.
// Keys are per user and kept for 24 hours.
class Idempotency {
 public:
  // Held by a request that may proceed; releases the in-flight mark when destroyed.
  class Claim {
   public:
    Claim(Idempotency& owner, std::string scope, std::string key, std::string fingerprint)
        : owner_(owner),
          scope_(std::move(scope)),
          key_(std::move(key)),
          fingerprint_(std::move(fingerprint)) {}
    ~Claim();
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;

    // Inside the write transaction that performs the effect.
    Status record(db::Connection& tx, const Response& response) const;

   private:
    Idempotency& owner_;
    std::string scope_;
    std::string key_;
    std::string fingerprint_;
  };

  struct Begin {
    std::optional<Response> reply;  // a replay or an error: send it and stop
    std::shared_ptr<Claim> claim;   // null when the request carries no key

    // What a write job captures: the handler keeps the claim (and so the in-flight mark)
    // alive until it has answered, and not a moment longer — the writer may keep a finished
    // job around until its whole batch is answered.
    struct Ref {
      std::weak_ptr<Claim> claim;
      bool keyed = false;
    };
    Ref ref() const { return {claim, claim != nullptr}; }
  };

  Idempotency(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  boost::asio::awaitable<Begin> begin(const Request& req, bool required = false);

  // Inside a write transaction: stores `response` when the request had a key. When the
  // handler is already gone (shutdown), refuses, so that no change is made that a retry
  // could not replay.
  static Status record(db::Connection& tx, const Begin::Ref& ref, const Response& response) {
    if (!ref.keyed) return {};
    auto claim = ref.claim.lock();
    if (!claim) {
      return Error::unavailable("request_abandoned", "The server is stopping; retry shortly.");
    }
    return claim->record(tx, response);
  }

 private:
  void release(const std::string& slot);

  db::Database& db_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_set<std::string> in_flight_;
};

}  // namespace smartdairy::http
