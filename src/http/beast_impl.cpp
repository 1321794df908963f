// Separate compilation of Asio and Beast (STYLE.md: keep the build fast on 2 cores): the
// libraries' implementation is compiled once, here.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
