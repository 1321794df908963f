#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace smartdairy::auth {

// Roles (SR-03). Customer (portal) comes with the portal issue.
inline constexpr std::string_view kRoles[] = {"admin", "manager", "sales", "accountant",
                                              "farm",  "vet",     "viewer"};

bool is_role(std::string_view role);

// True when `permission` exists in the catalogue (used by the router at start-up).
bool is_known_permission(std::string_view permission);

// True when `role` holds `permission`.
bool role_allows(std::string_view role, std::string_view permission);

// Every permission the role holds, sorted.
std::vector<std::string_view> permissions_of(std::string_view role);

}  // namespace smartdairy::auth
