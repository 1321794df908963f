#include "auth/permissions.h"

#include <algorithm>

namespace smartdairy::auth {

namespace {

struct Grant {
  std::string_view permission;
  std::initializer_list<std::string_view> roles;
};

// The permission catalogue: each permission and the roles that hold it. Modules add their
// permissions here so that one table answers "who may do what" (SR-01, SR-03).
const Grant kGrants[] = {
    {"events.read", {"admin", "manager"}},
    {"users.manage", {"admin"}},
    {"tokens.manage", {"admin", "manager", "sales", "accountant", "farm", "vet", "viewer"}},
    // Order to cash (issue 3).
    {"customers.read", {"admin", "manager", "sales", "accountant", "viewer"}},
    {"customers.write", {"admin", "manager", "sales", "accountant"}},
    // Credit limit and payment terms: who may extend credit (field-level, SR-03).
    {"customers.credit", {"admin", "manager", "accountant"}},
    {"products.read", {"admin", "manager", "sales", "accountant", "farm", "vet", "viewer"}},
    {"products.write", {"admin", "manager"}},
    // Unit cost (margins): field-level.
    {"products.cost", {"admin", "manager", "accountant"}},
    {"inventory.read", {"admin", "manager", "sales", "accountant", "farm", "viewer"}},
    {"inventory.write", {"admin", "manager", "farm"}},
    {"inventory.reserve", {"admin", "manager", "sales"}},
    {"orders.read", {"admin", "manager", "sales", "accountant", "viewer"}},
    {"orders.write", {"admin", "manager", "sales"}},
    {"orders.override_price", {"admin", "manager"}},
    {"invoices.read", {"admin", "manager", "sales", "accountant", "viewer"}},
    {"invoices.write", {"admin", "manager", "accountant"}},
    {"payments.write", {"admin", "manager", "accountant"}},
    {"ledger.read", {"admin", "manager", "accountant"}},
    {"employees.read", {"admin", "manager", "accountant"}},
    {"employees.write", {"admin", "manager"}},
    {"employees.salary", {"admin", "accountant"}},
    // Real-time BI (issue 4): the dashboard's views and KPIs (also the
    // kpi.snapshot stream messages), and the read-only SQL console.
    {"analytics.read", {"admin", "manager", "sales", "accountant", "viewer"}},
    {"analytics.query", {"admin", "manager"}},
    // Herd management (issue 5): farm staff record animals and milk, vets health and
    // breeding; calvings either. Sales and accountants see the farm's KPIs only.
    {"herd.read", {"admin", "manager", "farm", "vet", "viewer"}},
    {"herd.write", {"admin", "manager", "farm"}},
    {"herd.health", {"admin", "manager", "vet"}},
    {"herd.calving", {"admin", "manager", "farm", "vet"}},
    {"herd.settings", {"admin", "manager"}},
    {"farm.kpis", {"admin", "manager", "farm", "vet", "sales", "accountant", "viewer"}},
};

}  // namespace

bool is_role(std::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

bool is_known_permission(std::string_view permission) {
  return std::any_of(std::begin(kGrants), std::end(kGrants),
                     [&](const Grant& g) { return g.permission == permission; });
}

bool role_allows(std::string_view role, std::string_view permission) {
  for (const auto& g : kGrants) {
    if (g.permission != permission) continue;
    return std::find(g.roles.begin(), g.roles.end(), role) != g.roles.end();
  }
  return false;
}

std::vector<std::string_view> permissions_of(std::string_view role) {
  std::vector<std::string_view> out;
  for (const auto& g : kGrants) {
    if (std::find(g.roles.begin(), g.roles.end(), role) != g.roles.end()) {
      out.push_back(g.permission);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace smartdairy::auth
