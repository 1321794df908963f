#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.h"

namespace smartdairy {

// Result<T> holds either a T or an Error. Expected failures travel as values; exceptions
// are kept for bugs and third-party edges (STYLE.md).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace smartdairy

#define SD_CONCAT_INNER(a, b) a##b
#define SD_CONCAT(a, b) SD_CONCAT_INNER(a, b)

// Returns the error of a Result/Status expression from the enclosing function.
#define SD_RETURN_IF_ERROR(expr)            \
  do {                                      \
    auto&& sd_status_ = (expr);             \
    if (!sd_status_.ok()) {                 \
      return std::move(sd_status_).error(); \
    }                                       \
  } while (false)

// `SD_ASSIGN_OR_RETURN(auto x, expr);` binds the value or returns the error.
#define SD_ASSIGN_OR_RETURN(lhs, expr) \
  SD_ASSIGN_OR_RETURN_IMPL(SD_CONCAT(sd_result_, __LINE__), lhs, expr)
// lhs is a declaration ("auto x") and expr may contain commas: neither can be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define SD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).error();  \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
