#include "auth/session_authenticator.h"

#include "auth/credentials.h"
#include "auth/permissions.h"
#include "http/db_await.h"

namespace smartdairy::auth {

namespace asio = boost::asio;

namespace {
// last_seen is written back at most this often per session (idle timeout is in hours).
constexpr int64_t kPersistEveryMicros = 60'000'000;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string SessionAuthenticator::session_token(const http::Request& req) const {
  std::string name = service_.cookie_name();
  for (const auto& [k, v] : req.headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return {};
}

asio::awaitable<std::optional<http::Principal>> SessionAuthenticator::authenticate(
    const http::Request& req) {
  auto authz = req.header("authorization");
  if (!authz.empty()) {
    // Bearer tokens only in Authorization (SR-19); a malformed header never falls back.
    // The scheme is case-insensitive (RFC 9110 §11.1).
    constexpr std::string_view kBearer = "bearer ";
    if (authz.size() <= kBearer.size()) co_return std::nullopt;
    for (size_t i = 0; i < kBearer.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(authz[i])) != kBearer[i]) co_return std::nullopt;
    }
    co_return co_await by_token(std::string(trim(authz.substr(kBearer.size()))));
  }
  std::string token = session_token(req);
  if (token.empty()) co_return std::nullopt;
  co_return co_await by_session(std::move(token));
}

asio::awaitable<std::optional<http::Principal>> SessionAuthenticator::by_session(
    std::string token) {
  const Clock& clock = service_.clock();
  std::string id = secret_digest(token);
  int64_t now = clock.now_micros();
  int64_t idle = service_.options().idle_timeout.count() * 1'000'000;
  auto steady = clock.steady_now();
  for (int attempt = 0;; ++attempt) {
    uint64_t generation;
    {
      std::lock_guard lock(mu_);
      generation = generation_;
      auto it = cache_.find(id);
      if (it != cache_.end()) {
        Entry& e = it->second;
        if (now - e.last_seen > idle || now >= e.expires_at) {
          cache_.erase(it);
          co_return std::nullopt;
        }
        if (steady - e.checked < service_.options().revalidate) {
          e.last_seen = now;
          co_return e.principal;
        }
      }
    }
    auto job = [id, now](db::Connection& c) { return store::find_session(c, id, now); };
    auto row = co_await http::read(readers_, job);
    std::lock_guard lock(mu_);
    if (!row.ok() || !row->has_value()) {
      cache_.erase(id);
      co_return std::nullopt;
    }
    // A logout or password change landed while we were reading: the row may be stale.
    if (generation != generation_) {
      if (attempt < 3) continue;
      co_return std::nullopt;
    }
    const SessionRow& s = **row;
    auto it = cache_.find(id);
    int64_t last_seen = s.last_seen_at;
    int64_t persisted = s.last_seen_at;
    if (it != cache_.end()) last_seen = std::max(last_seen, it->second.last_seen);
    if (now - last_seen > idle) {
      if (it != cache_.end()) cache_.erase(it);
      co_return std::nullopt;
    }
    Entry e;
    e.principal.user_id = s.user_id;
    e.principal.username = s.username;
    e.principal.role = s.role;
    e.principal.via_session = true;
    e.principal.session_key = s.id;
    e.principal.csrf_token = s.csrf_token;
    e.expires_at = s.expires_at;
    e.last_seen = now;
    e.persisted_seen = persisted;
    e.checked = steady;
    if (now - persisted > kPersistEveryMicros) {
      persist_last_seen(id, now, false);
      e.persisted_seen = now;
    }
    auto principal = e.principal;
    cache_[id] = std::move(e);
    co_return principal;
  }
}

asio::awaitable<std::optional<http::Principal>> SessionAuthenticator::by_token(std::string token) {
  const Clock& clock = service_.clock();
  std::string digest = secret_digest(token);
  int64_t now = clock.now_micros();
  auto steady = clock.steady_now();
  for (int attempt = 0;; ++attempt) {
    uint64_t generation;
    {
      std::lock_guard lock(mu_);
      generation = generation_;
      auto it = cache_.find(digest);
      if (it != cache_.end() && it->second.is_token) {
        if (now >= it->second.expires_at) {
          cache_.erase(it);
          co_return std::nullopt;
        }
        if (steady - it->second.checked < service_.options().revalidate) {
          co_return it->second.principal;
        }
      }
    }
    auto job = [digest, now](db::Connection& c) { return store::find_token(c, digest, now); };
    auto row = co_await http::read(readers_, job);
    std::lock_guard lock(mu_);
    if (!row.ok() || !row->has_value()) {
      cache_.erase(digest);
      co_return std::nullopt;
    }
    // A revocation landed while we were reading: the row may be stale.
    if (generation != generation_) {
      if (attempt < 3) continue;
      co_return std::nullopt;
    }
    const TokenRow& t = **row;
    Entry e;
    e.principal.user_id = t.user_id;
    e.principal.username = t.username;
    e.principal.role = t.role;
    e.principal.token_id = t.id;
    e.expires_at = t.expires_at.value_or(INT64_MAX);
    e.checked = steady;
    e.is_token = true;
    if (now - t.last_used_at.value_or(0) > kPersistEveryMicros) persist_last_seen(t.id, now, true);
    auto principal = e.principal;
    cache_[digest] = std::move(e);
    co_return principal;
  }
}

void SessionAuthenticator::persist_last_seen(const std::string& id, int64_t seen, bool is_token) {
  // Best effort and fire-and-forget: losing a last-seen update only shortens a session.
  (void)writer_.submit(db::WriteJob{[id, seen, is_token](db::Connection& tx) {
                                      return (is_token ? store::touch_token(tx, id, seen)
                                                       : store::touch_session(tx, id, seen))
                                          .ok();
                                    },
                                    nullptr});
}

bool SessionAuthenticator::allowed(const http::Principal& principal,
                                   std::string_view permission) const {
  return role_allows(principal.role, permission);
}

void SessionAuthenticator::remember(const SessionRow& row) {
  Entry e;
  e.principal.user_id = row.user_id;
  e.principal.username = row.username;
  e.principal.role = row.role;
  e.principal.via_session = true;
  e.principal.session_key = row.id;
  e.principal.csrf_token = row.csrf_token;
  e.expires_at = row.expires_at;
  e.last_seen = row.last_seen_at;
  e.persisted_seen = row.last_seen_at;
  e.checked = service_.clock().steady_now();
  std::lock_guard lock(mu_);
  cache_[row.id] = std::move(e);
}

void SessionAuthenticator::forget(const std::string& session_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  cache_.erase(session_id);
}

void SessionAuthenticator::forget_user_sessions(const std::string& user_id,
                                                const std::string& keep) {
  std::lock_guard lock(mu_);
  ++generation_;
  std::erase_if(cache_, [&](const auto& kv) {
    return !kv.second.is_token && kv.second.principal.user_id == user_id && kv.first != keep;
  });
}

void SessionAuthenticator::forget_token(const std::string& token_id) {
  std::lock_guard lock(mu_);
  ++generation_;
  std::erase_if(cache_, [&](const auto& kv) {
    return kv.second.is_token && kv.second.principal.token_id == token_id;
  });
}

}  // namespace smartdairy::auth
