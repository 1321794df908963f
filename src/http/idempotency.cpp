#include "http/idempotency.h"

#include <sodium.h>

#include "http/db_await.h"
#include "http/error_response.h"

namespace smartdairy::http {

namespace {
constexpr int64_t kRetentionMicros = 24LL * 3600 * 1'000'000;
constexpr size_t kMaxKeyBytes = 255;

std::string fingerprint_of(const Request& req) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  auto feed = [&st](std::string_view s) {
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    const unsigned char sep = 0;
    crypto_generichash_update(&st, &sep, 1);
  };
  feed(method_name(req.method));
  feed(req.target);
  feed(req.body);
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : out) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

struct Stored {
  std::string fingerprint;
  int status = 0;
  std::string content_type;
  std::string body;
};
}  // namespace

Idempotency::Claim::~Claim() { owner_.release(scope_ + '\n' + key_); }

Status Idempotency::Claim::record(db::Connection& tx, const Response& response) const {
  int64_t now = owner_.clock_.now_micros();
  SD_RETURN_IF_ERROR(
      tx.execute("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys "
                 "WHERE created_at < ? LIMIT 16)",
                 now - kRetentionMicros));
  auto st = tx.execute(
      "INSERT INTO idempotency_keys (scope, key, fingerprint, status, content_type, body, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      scope_, key_, fingerprint_, int64_t{response.status}, response.content_type, response.body,
      now);
  if (!st.ok() && st.error().kind == ErrorKind::kConflict) {
    // Another node committed the same key first; the client's retry gets its response.
    return Error::conflict("request_in_flight",
                           "A request with this Idempotency-Key was just processed. Retry it to "
                           "get its response.");
  }
  return st;
}

void Idempotency::release(const std::string& slot) {
  std::lock_guard lock(mu_);
  in_flight_.erase(slot);
}

boost::asio::awaitable<Idempotency::Begin> Idempotency::begin(const Request& req, bool required) {
  Begin out;
  std::string key(req.header("idempotency-key"));
  if (key.empty()) {
    if (required) {
      Error e = Error::bad_request("idempotency_key_required",
                                   "This request needs an Idempotency-Key header: a unique value "
                                   "you reuse only when retrying the same request.");
      out.reply = error_response(e, req);
    }
    co_return out;
  }
  if (!valid_key(key)) {
    out.reply = error_response(
        Error::bad_request("invalid_idempotency_key",
                           "Idempotency-Key must be 1 to 255 visible ASCII characters."),
        req);
    co_return out;
  }
  std::string scope = req.principal ? req.principal->user_id : std::string("anonymous");
  std::string fp = fingerprint_of(req);
  std::string slot = scope + '\n' + key;
  {
    std::lock_guard lock(mu_);
    if (!in_flight_.insert(slot).second) {
      out.reply = error_response(
          Error::conflict("request_in_flight",
                          "A request with this Idempotency-Key is still being processed. Retry "
                          "in a moment to get its response."),
          req);
      co_return out;
    }
  }
  auto claim = std::make_shared<Claim>(*this, scope, key, fp);
  auto find = [scope, key](db::Connection& c) -> Result<std::optional<Stored>> {
    SD_ASSIGN_OR_RETURN(auto q, c.query("SELECT fingerprint, status, content_type, body FROM "
                                        "idempotency_keys WHERE scope = ? AND key = ?",
                                        scope, key));
    SD_ASSIGN_OR_RETURN(bool has, q.step());
    if (!has) return std::optional<Stored>{};
    return std::optional<Stored>{
        Stored{q.text(0), static_cast<int>(q.int64(1)), q.text(2), q.text(3)}};
  };
  auto stored = co_await read(db_.readers(), find);
  if (!stored.ok()) {
    out.reply = error_response(stored.error(), req);
    co_return out;
  }
  if (stored->has_value()) {
    const Stored& s = **stored;
    if (s.fingerprint != fp) {
      Error e = Error::unprocessable(
          "idempotency_key_reused",
          "This Idempotency-Key was already used for a different request. Use a new key for a "
          "new request.");
      e.details = {"Idempotency-Key"};
      out.reply = error_response(e, req);
      co_return out;
    }
    Response r;
    r.status = s.status;
    r.content_type = s.content_type;
    r.body = s.body;
    r.set_header("Idempotent-Replayed", "true");
    out.reply = std::move(r);
    co_return out;
  }
  out.claim = std::move(claim);
  co_return out;
}

}  // namespace smartdairy::http
