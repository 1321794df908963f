#include "http/static_site.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <string>
#include <string_view>

#include "http/message.h"

namespace smartdairy::http {
namespace {

constexpr StaticFile kFiles[] = {
    {"/index.html", "<!doctype html><title>UI</title>"},
    {"/assets/index-1a2b3c.js", "console.log(1)"},
    {"/assets/index-4d5e6f.css", "body{}"},
    {"/favicon.svg", "<svg/>"},
};

bool known(std::string_view) { return false; }

boost::asio::awaitable<Response> json_body() {
  Response r;  // application/json by default
  r.body = "{}";
  co_return r;
}
const Handler kJsonRoute = [](Request&) { return json_body(); };

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class StaticSiteTest : public ::testing::Test {
 protected:
  // Matches `path` like the server does and runs the handler; status -1 when nothing matched.
  Response get(std::string_view path, Method method = Method::kGet, bool page_load = false) {
    RouteMatch m = router_.match(method, path, page_load);
    Response out;
    out.status = -1;
    if (m.kind != RouteMatch::kFound) return out;
    boost::asio::io_context io;
    Request req;
    req.method = method;
    req.path = std::string(path);
    boost::asio::co_spawn(io, m.route->handler(req), [&](std::exception_ptr e, Response r) {
      if (!e) out = std::move(r);
    });
    io.run();
    return out;
  }

  Router router_{known};
};

TEST_F(StaticSiteTest, PagePathsGetIndexHtmlUncached) {
  register_static_site(router_, kFiles);
  for (std::string_view path : {"/", "/dashboards", "/orders/new", "/orders/0193-abc", "/sql"}) {
    Response r = get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html><title>UI</title>") << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    // No Cache-Control of its own: the server adds no-store.
    EXPECT_EQ(header_of(r, "Cache-Control"), "") << path;
  }
  EXPECT_EQ(get("/", Method::kHead).status, 200);
}

TEST_F(StaticSiteTest, HashedAssetsAreImmutableWithTheirContentType) {
  register_static_site(router_, kFiles);
  Response js = get("/assets/index-1a2b3c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header_of(js, "Cache-Control"), "public, max-age=31536000, immutable");
  Response css = get("/assets/index-4d5e6f.css");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  Response icon = get("/favicon.svg");
  EXPECT_EQ(icon.content_type, "image/svg+xml");
  EXPECT_EQ(header_of(icon, "Cache-Control"), "public, max-age=3600");
}

TEST_F(StaticSiteTest, ServerPathsAndMissingAssetsStayJson404) {
  register_static_site(router_, kFiles);
  for (std::string_view path : {"/api", "/api/v1/nope", "/api/", "/healthz/x", "/metrics/x",
                                "/readyz/x", "/query", "/query/x", "/assets/index-old.js"}) {
    Response r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/json; charset=utf-8") << path;
    EXPECT_NE(r.body.find("\"not_found\""), std::string::npos) << path;
  }
  // Only whole segments are reserved: /apiary is a page path.
  EXPECT_EQ(get("/apiary").status, 200);
  EXPECT_EQ(get("/queryable").status, 200);
}

TEST_F(StaticSiteTest, PageLoadsGetTheUiWhereAJsonRouteSharesThePath) {
  router_.add(Method::kGet, "/orders/{id}", kPublic, kJsonRoute);
  router_.add(Method::kGet, "/api/v1/orders/{id}", kPublic, kJsonRoute);
  register_static_site(router_, kFiles);
  // A script (or curl) gets the seed's JSON alias; a browser loading the page gets the UI.
  EXPECT_EQ(get("/orders/new").content_type, "application/json; charset=utf-8");
  Response page = get("/orders/new", Method::kGet, true);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header_of(page, "Vary"), "Sec-Fetch-Dest, Accept");
  // Never for the API or assets.
  EXPECT_EQ(get("/api/v1/orders/1", Method::kGet, true).content_type,
            "application/json; charset=utf-8");
  EXPECT_EQ(get("/assets/index-1a2b3c.js", Method::kGet, true).content_type,
            "text/javascript; charset=utf-8");
}

TEST_F(StaticSiteTest, WithoutABuiltUiEveryPageIs404) {
  register_static_site(router_, {});
  Response r = get("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("without the web UI"), std::string::npos);
}

TEST(ContentTypeTest, ByExtensionCaseInsensitive) {
  EXPECT_EQ(content_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("/a/b.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("/x.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("/x.png"), "image/png");
  EXPECT_EQ(content_type_for("/x.json"), "application/json; charset=utf-8");
  EXPECT_EQ(content_type_for("/noext"), "application/octet-stream");
  EXPECT_EQ(content_type_for("/dir.d/noext"), "application/octet-stream");
  EXPECT_EQ(content_type_for("/x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace smartdairy::http
