#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/auth_service.h"
#include "db/reader_pool.h"
#include "db/writer.h"
#include "http/server.h"

namespace smartdairy::auth {

// Resolves the session cookie or bearer token of a request to a principal. Sessions and
// tokens are cached in memory and re-read from the database every few seconds, so a
// revocation made elsewhere (another node, the CLI) takes effect within
// AuthOptions::revalidate. Idle and absolute timeouts are checked on every request.
class SessionAuthenticator final : public http::Authenticator {
 public:
  SessionAuthenticator(AuthService& service, db::ReaderPool& readers, db::Writer& writer)
      : service_(service), readers_(readers), writer_(writer) {}

  boost::asio::awaitable<std::optional<http::Principal>> authenticate(
      const http::Request& req) override;
  bool allowed(const http::Principal& principal, std::string_view permission) const override;

  // Puts a freshly opened session in the cache (login).
  void remember(const SessionRow& row);
  // Drops a session from the cache (logout).
  void forget(const std::string& session_id);
  // Drops the user's cached sessions except `keep` (after a password change).
  void forget_user_sessions(const std::string& user_id, const std::string& keep);
  // Drops a cached token (after a revocation on this node).
  void forget_token(const std::string& token_id);

  // The raw session token from the Cookie header, or "".
  std::string session_token(const http::Request& req) const;

 private:
  struct Entry {
    http::Principal principal;
    int64_t expires_at = 0;      // absolute, micros
    int64_t last_seen = 0;       // micros, in memory
    int64_t persisted_seen = 0;  // last value written to the database
    std::chrono::steady_clock::time_point checked;
    bool is_token = false;
  };

  boost::asio::awaitable<std::optional<http::Principal>> by_session(std::string token);
  boost::asio::awaitable<std::optional<http::Principal>> by_token(std::string token);
  void persist_last_seen(const std::string& id, int64_t seen, bool is_token);

  AuthService& service_;
  db::ReaderPool& readers_;
  db::Writer& writer_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // key: digest of the secret
  // Bumped under mu_ by every forget*(): a database read that started before a revocation
  // must not put its (possibly stale) row into the cache after the revocation cleared it.
  uint64_t generation_ = 0;
};

}  // namespace smartdairy::auth
