#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace smartdairy::modules {

// A page of a list: rows are fetched with LIMIT page+1; the extra row only says there is more.
template <class T>
struct Listing {
  std::vector<T> items;
  std::string next_cursor;  // empty on the last page
};

// Trims `rows` to `limit` and sets next_cursor from the last kept row's key.
template <class T, class KeyFn>
Listing<T> make_listing(std::vector<T> rows, int64_t limit, KeyFn key) {
  Listing<T> out;
  if (static_cast<int64_t>(rows.size()) > limit) {
    rows.resize(static_cast<size_t>(limit));
    out.next_cursor = key(rows.back());
  }
  out.items = std::move(rows);
  return out;
}

// {"items": [...], "next_cursor": "…" | null}
template <class T, class ToJson>
boost::json::object listing_json(const Listing<T>& page, ToJson to_json) {
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& item : page.items) items.emplace_back(to_json(item));
  boost::json::object o{{"items", std::move(items)}};
  if (page.next_cursor.empty()) {
    o["next_cursor"] = nullptr;
  } else {
    o["next_cursor"] = page.next_cursor;
  }
  return o;
}

}  // namespace smartdairy::modules
