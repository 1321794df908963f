"""Employees (the hr module) over HTTP against the real binary: CRUD, search, field-level
salary visibility, role checks and Idempotency-Key."""

import unittest
import uuid

from harness import ServerTestCase, role_tokens

PASSWORDS = {
    "manager": "it-Hm3-Secret-0101-qa",
    "accountant": "it-Ha5-Secret-0102-wb",
    "viewer": "it-Hv7-Secret-0103-ec",
    "sales": "it-Hs2-Secret-0104-rd",
}


def unique_email(who: str) -> str:
    return f"{who}.{uuid.uuid4().hex[:10]}@Farm.Example"


class EmployeesTest(ServerTestCase):
    """Shares one server; every test creates its own employees with unique emails."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        cls.tokens = role_tokens(cls.server, "hr", PASSWORDS)

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    # -- helpers -------------------------------------------------------------------------------
    def create(self, as_="admin", status=201, headers=None, **fields):
        """POSTs an employee (fields override a default milker) as the user of role `as_`."""
        body = {"name": "Rahim Uddin", "email": unique_email("rahim"), "role": "milker"}
        body.update(fields)
        r = self.c.post("/api/v1/employees", body, auth=self.tokens[as_], headers=headers)
        self.assertEqual(r.status, status, str(r))
        return r

    def get(self, eid, as_="admin"):
        return self.c.get(f"/api/v1/employees/{eid}", auth=self.tokens[as_])

    def patch(self, eid, body, as_="admin"):
        return self.c.request("PATCH", f"/api/v1/employees/{eid}", body=body,
                              auth=self.tokens[as_])

    def list(self, query="", as_="admin"):
        return self.c.get(f"/api/v1/employees{query}", auth=self.tokens[as_])

    # -- tests ---------------------------------------------------------------------------------
    def test_create_get_update_and_leave(self):
        email = unique_email("Karim")
        r = self.create(name="  Karim Mia ", email=email, role="herdsman", phone="+880 1712 345678",
                        hired_on="2024-03-01", monthly_salary="18000.5")
        e = r.body
        self.assertEqual(r.header("Location"), f"/api/v1/employees/{e['id']}")
        self.assertEqual(e["name"], "Karim Mia")
        self.assertEqual(e["email"], email.lower())
        self.assertEqual(e["role"], "herdsman")
        self.assertEqual(e["phone"], "+880 1712 345678")
        self.assertEqual(e["hired_on"], "2024-03-01")
        self.assertEqual(e["monthly_salary"], "18000.50")
        self.assertIs(e["active"], True)
        self.assertEqual(e["created_at"], e["updated_at"])
        self.assertEqual(set(e), {"id", "name", "email", "role", "phone", "hired_on",
                                  "monthly_salary", "active", "created_at", "updated_at"})

        got = self.get(e["id"])
        self.assertEqual(got.status, 200, str(got))
        self.assertEqual(got.body, e)

        # Promoted, then leaves: deactivating is how someone leaves; the row stays.
        u = self.patch(e["id"], {"role": "farm supervisor", "phone": None})
        self.assertEqual(u.status, 200, str(u))
        self.assertEqual(u.body["role"], "farm supervisor")
        self.assertIsNone(u.body["phone"])
        self.assertEqual(u.body["email"], e["email"])
        self.assertEqual(u.body["monthly_salary"], "18000.50")
        u = self.patch(e["id"], {"active": False})
        self.assertIs(u.body["active"], False)
        self.assertIs(self.get(e["id"]).body["active"], False)
        self.assertGreaterEqual(u.body["updated_at"], u.body["created_at"])

        # Both changes are in the audit trail, without the salary.
        ev = self.c.get("/api/v1/events?limit=1000", auth=self.tokens["admin"])
        self.assertEqual(ev.status, 200, str(ev))
        mine = [x for x in ev.body["items"] if x["aggregate_id"] == e["id"]]
        self.assertEqual([x["type"] for x in mine],
                         ["employee.created", "employee.updated", "employee.updated"])
        self.assertEqual({x["aggregate_type"] for x in mine}, {"employee"})
        for x in mine:
            self.assertNotIn("monthly_salary", x["data"])
            self.assertNotIn("18000", str(x["data"]))
        self.assertEqual(mine[2]["data"]["changed"], ["active"])

    def test_list_search_and_pages(self):
        tag = uuid.uuid4().hex[:8]
        ids = [self.create(name=f"Zz{tag} Worker {i}", email=f"w{i}.{tag}@farm.example").body["id"]
               for i in range(3)]
        self.create(name="Abdul Zz" + tag, email=f"abdul.{tag}@farm.example")
        self.patch(ids[1], {"active": False})

        r = self.list(f"?q=zz{tag}&limit=2")
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual([x["id"] for x in r.body["items"]], ids[:2])
        self.assertEqual(r.body["next_cursor"], ids[1])
        r2 = self.list(f"?q=zz{tag}&limit=2&cursor={r.body['next_cursor']}")
        self.assertEqual([x["name"] for x in r2.body["items"]],
                         [f"Zz{tag} Worker 2", f"Abdul Zz{tag}"])
        self.assertIsNone(r2.body["next_cursor"])

        by_email = self.list(f"?q=W0.{tag}")
        self.assertEqual([x["id"] for x in by_email.body["items"]], [ids[0]])
        active = self.list(f"?q=zz{tag}&active=true")
        self.assertNotIn(ids[1], [x["id"] for x in active.body["items"]])
        self.assertEqual(len(active.body["items"]), 3)
        gone = self.list(f"?q=zz{tag}&active=false")
        self.assertEqual([x["id"] for x in gone.body["items"]], [ids[1]])

        for bad in ("?active=yes", "?limit=0", "?cursor=not-an-id"):
            with self.subTest(query=bad):
                self.assertJsonError(self.list(bad), 422, "invalid_parameter")

    def test_email_is_unique(self):
        email = unique_email("dup")
        self.create(email=email)
        r = self.create(email=email.upper(), status=409)
        self.assertJsonError(r, 409, "email_taken")
        self.assertIn("email", r.body["error"]["details"])
        self.assertIn("different address", r.body["error"]["message"])
        other = self.create().body
        self.assertJsonError(self.patch(other["id"], {"email": email}), 409, "email_taken")

    def test_body_validation(self):
        r = self.create(status=422, salary_pence=100)
        self.assertJsonError(r, 422, "unknown_field")
        self.assertIn("salary_pence", r.body["error"]["details"])
        for field, value in (("email", "not-an-email"), ("hired_on", "2999-01-01"),
                             ("hired_on", "01/03/2024"), ("name", " "), ("monthly_salary", "-1"),
                             ("monthly_salary", "12.345")):
            with self.subTest(field=field, value=value):
                r = self.create(status=422, **{field: value})
                self.assertJsonError(r, 422, "invalid_field")
                self.assertEqual(r.body["error"]["details"], [field])
        e = self.create().body
        self.assertJsonError(self.patch(e["id"], {"id": "x"}), 422, "unknown_field")
        self.assertJsonError(self.patch(e["id"], {"email": None}), 422, "invalid_field")

    def test_unknown_ids_are_404(self):
        for eid in (str(uuid.uuid4()), "not-a-uuid"):
            with self.subTest(eid=eid):
                self.assertJsonError(self.get(eid), 404, "employee_not_found")
                self.assertJsonError(self.patch(eid, {"role": "vet"}), 404, "employee_not_found")

    def test_salary_visible_only_to_admin_and_accountant(self):
        e = self.create(monthly_salary=25000).body
        self.assertEqual(e["monthly_salary"], "25000.00")
        for role, sees in (("admin", True), ("accountant", True), ("manager", False)):
            with self.subTest(role=role):
                one = self.get(e["id"], as_=role)
                self.assertEqual(one.status, 200, str(one))
                self.assertEqual("monthly_salary" in one.body, sees, str(one))
                listed = self.list(f"?q={e['email']}", as_=role)
                self.assertEqual(len(listed.body["items"]), 1, str(listed))
                self.assertEqual("monthly_salary" in listed.body["items"][0], sees)
                if not sees:
                    self.assertNotIn(b"25000", one.raw)
                    self.assertNotIn(b"25000", listed.raw)
        # The admin may change it; a manager's edit never shows it.
        r = self.patch(e["id"], {"monthly_salary": "26000"})
        self.assertEqual(r.body["monthly_salary"], "26000.00")
        r = self.patch(e["id"], {"role": "senior milker"}, as_="manager")
        self.assertEqual(r.status, 200, str(r))
        self.assertNotIn("monthly_salary", r.body)

    def test_manager_cannot_set_a_salary(self):
        r = self.create(as_="manager", status=403, monthly_salary="1000.00")
        self.assertJsonError(r, 403)
        self.assertEqual(r.body["error"]["details"], ["monthly_salary"])
        self.assertIn("monthly_salary", r.body["error"]["message"])
        e = self.create(as_="manager").body
        self.assertNotIn("monthly_salary", e)
        for value in ("1000.00", None):
            with self.subTest(value=value):
                r = self.patch(e["id"], {"monthly_salary": value}, as_="manager")
                self.assertJsonError(r, 403)
                self.assertEqual(r.body["error"]["details"], ["monthly_salary"])

    def test_viewer_and_sales_are_refused_everything(self):
        e = self.create().body
        for role in ("viewer", "sales"):
            with self.subTest(role=role):
                self.assertJsonError(self.list("", as_=role), 403)
                self.assertJsonError(self.get(e["id"], as_=role), 403)
                self.assertJsonError(self.patch(e["id"], {"role": "x"}, as_=role), 403)
                r = self.c.post("/api/v1/employees",
                                {"name": "N", "email": unique_email(role), "role": "milker"},
                                auth=self.tokens[role])
                self.assertJsonError(r, 403)
        self.assertEqual(self.get(e["id"]).body["role"], "milker")

    def test_accountant_reads_but_cannot_write(self):
        # employees.salary without employees.write: sees salaries, changes nothing.
        e = self.create(monthly_salary="100").body
        self.assertEqual(self.get(e["id"], as_="accountant").body["monthly_salary"], "100.00")
        self.assertJsonError(self.create(as_="accountant", status=403), 403)
        r = self.patch(e["id"], {"monthly_salary": "200"}, as_="accountant")
        self.assertJsonError(r, 403)

    def test_login_required(self):
        self.assertJsonError(self.c.get("/api/v1/employees"), 401)

    def test_idempotency_key_replays_the_first_create(self):
        key = "hr-" + uuid.uuid4().hex
        body = {"name": "Salma Khatun", "email": unique_email("salma"), "role": "accountant"}
        first = self.c.post("/api/v1/employees", body, auth=self.tokens["admin"],
                            headers={"Idempotency-Key": key})
        self.assertEqual(first.status, 201, str(first))
        again = self.c.post("/api/v1/employees", body, auth=self.tokens["admin"],
                            headers={"Idempotency-Key": key})
        self.assertEqual(again.status, 201, str(again))
        self.assertEqual(again.body, first.body)
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        changed = dict(body, name="Someone Else")
        r = self.c.post("/api/v1/employees", changed, auth=self.tokens["admin"],
                        headers={"Idempotency-Key": key})
        self.assertJsonError(r, 422, "idempotency_key_reused")
        found = self.list(f"?q={body['email']}")
        self.assertEqual([x["id"] for x in found.body["items"]], [first.body["id"]])


if __name__ == "__main__":
    unittest.main()
