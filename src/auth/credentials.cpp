#include "auth/credentials.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace smartdairy::auth {

namespace {
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = size_t{19} * 1024 * 1024;

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}
}  // namespace

bool init_crypto() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

Result<std::string> hash_password(std::string_view password) {
  init_crypto();
  std::vector<char> out(crypto_pwhash_STRBYTES);
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::unavailable("out_of_memory",
                              "Could not hash the password (out of memory); retry shortly.");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_crypto();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

Status check_password_policy(std::string_view password, std::string_view username) {
  size_t n = count_code_points(password);
  if (n < 12 || n > 128) {
    Error e =
        Error::unprocessable("weak_password",
                             "Choose a password of 12 to 128 characters; a few unrelated words "
                             "make a strong one that is easy to type. This one has " +
                                 std::to_string(n) + ".");
    e.details.emplace_back("password");
    return e;
  }
  std::string lower = ascii_lower(password);
  auto words = common_passwords();
  bool common = std::binary_search(words.begin(), words.end(), std::string_view(lower));
  std::string user = ascii_lower(username);
  if (common || (!user.empty() && lower.find(user) != std::string::npos)) {
    Error e = Error::unprocessable(
        "weak_password", common ? "This password is on a list of commonly used passwords; "
                                  "choose one nobody else is likely to use."
                                : "The password must not contain the username.");
    e.details.emplace_back("password");
    return e;
  }
  return {};
}

std::string random_token(size_t bytes) {
  init_crypto();
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  std::vector<char> out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out.data());
}

std::string secret_digest(std::string_view secret) {
  init_crypto();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex, 64);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace smartdairy::auth
