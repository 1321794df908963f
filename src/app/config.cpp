#include "app/config.h"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "core/log.h"

namespace smartdairy::app {

std::string database_path(const std::string& data_dir) { return data_dir + "/smartdairy.db"; }

Status prepare_data_dir(const std::string& data_dir) {
  struct stat st {};
  if (::stat(data_dir.c_str(), &st) != 0) {
    if (::mkdir(data_dir.c_str(), 0700) != 0) {
      return Error::unavailable("data_dir", "Cannot create the data directory " + data_dir + ": " +
                                                std::strerror(errno) +
                                                ". Create it or choose another with --data-dir.");
    }
    return {};
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error::unavailable("data_dir", data_dir + " exists but is not a directory.");
  }
  if ((st.st_mode & 0077) != 0) {
    // Business data is owner-only (SR-34): tighten rather than refuse.
    if (::chmod(data_dir.c_str(), 0700) != 0) {
      return Error::unavailable("data_dir", "The data directory " + data_dir +
                                                " is readable by others and cannot be "
                                                "restricted: " +
                                                std::strerror(errno));
    }
    log::warn("tightened data directory permissions to 0700", {{"data_dir", data_dir}});
  }
  return {};
}

Status parse_listen(const std::string& listen, http::ServerOptions& out) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error::bad_request(
        "invalid_listen",
        "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '" + listen + "').");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto portstr = listen.substr(colon + 1);
  auto [p, ec] = std::from_chars(portstr.data(), portstr.data() + portstr.size(), port);
  if (ec != std::errc() || p != portstr.data() + portstr.size() || port > 65535) {
    return Error::bad_request("invalid_listen", "--listen has an invalid port: '" + portstr +
                                                    "'. Use 0 to pick a free port.");
  }
  out.host = host.empty() ? "0.0.0.0" : host;
  out.port = static_cast<uint16_t>(port);
  return {};
}

}  // namespace smartdairy::app
