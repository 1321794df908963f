#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace smartdairy::auth {

// argon2id with libsodium, m = 19 MiB, t = 2, p = 1 (SR-13); parameters and salt live in
// the returned string. Slow by design: call on a work pool, never on an I/O thread.
Result<std::string> hash_password(std::string_view password);
// Constant-time verification against a stored hash string.
bool verify_password(const std::string& hash, std::string_view password);
// True when the stored hash uses weaker parameters than the current ones.
bool needs_rehash(const std::string& hash);

// Password policy (SR-14): 12 to 128 characters (Unicode code points), any characters, no
// composition rules, not in the list of common passwords, not the username. Returns a 422
// error that says what to change.
Status check_password_policy(std::string_view password, std::string_view username = {});

// The common-password list compiled into the binary (lower-case, sorted).
std::span<const std::string_view> common_passwords();

// `bytes` random bytes from the CSPRNG, base64url without padding.
std::string random_token(size_t bytes = 32);
// BLAKE2b-256 of a secret, lower-case hex: what we store instead of the secret.
std::string secret_digest(std::string_view secret);
// Compares two strings in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// Initialises libsodium once; returns false if it cannot be used.
bool init_crypto();

}  // namespace smartdairy::auth
