"""Herd animals, breeds, calvings, settings and the animal CSV import over HTTP against the
real binary: the farm's story from a sire and a dam to a registered calf, and who may do
what."""

import unittest
import uuid

from harness import ServerTestCase, role_tokens

PASSWORDS = {
    "farm": "it-Af3-Secret-0201-qa",
    "vet": "it-Av5-Secret-0202-wb",
    "sales": "it-As7-Secret-0203-ec",
    "accountant": "it-Aa2-Secret-0204-rd",
    "viewer": "it-Aw9-Secret-0205-zx",
}


def tag(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}".upper()


class HerdAnimalsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.class_server()
        cls.tokens = role_tokens(cls.server, "herd", PASSWORDS)

    def setUp(self):
        self.c = self.server.client()
        self.addCleanup(self.c.close)

    def register(self, as_="farm", expect=201, **fields):
        r = self.c.post("/api/v1/herd/animals", fields, auth=self.tokens[as_])
        self.assertEqual(r.status, expect, str(r))
        return r.body

    def test_sire_and_dam_then_a_calving_registers_the_calf(self):
        sire = self.register(ear_tag=tag("bull"), sex="male", birth_date="2019-02-01",
                             acquisition={"kind": "purchased", "date": "2020-01-05",
                                          "cost": "90000.00"})
        self.assertEqual(sire["status"], "bull")
        self.assertEqual(sire["acquisition"], {"kind": "purchased", "date": "2020-01-05",
                                               "cost": "90000.00"})
        dam = self.register(ear_tag=tag("cow"), sex="female", birth_date="2021-03-01",
                            name="Moni", status="pregnant")
        self.assertEqual(dam["status"], "pregnant")

        r = self.c.post("/api/v1/herd/calvings",
                        {"dam_id": dam["id"], "day": "2025-11-20", "difficulty": 2,
                         "sire_id": sire["id"],
                         "calf": {"ear_tag": tag("calf"), "sex": "female", "name": "Tulip"}},
                        auth=self.tokens["vet"])
        self.assertEqual(r.status, 201, str(r))
        calf = r.body["calf"]
        self.assertEqual(calf["status"], "calf")
        self.assertEqual(calf["birth_date"], "2025-11-20")
        self.assertEqual(calf["acquisition"]["kind"], "born")
        self.assertEqual(r.body["dam"]["status"], "lactating")
        self.assertEqual(r.body["dam"]["last_calving_date"], "2025-11-20")

        got = self.c.get(f"/api/v1/herd/animals/{calf['id']}", auth=self.tokens["viewer"])
        self.assertEqual(got.status, 200, str(got))
        self.assertEqual(got.body["pedigree"]["sire"]["id"], sire["id"])
        self.assertEqual(got.body["pedigree"]["dam"]["name"], "Moni")
        self.assertEqual(got.header("ETag"), '"1"')
        mother = self.c.get(f"/api/v1/herd/animals/by-tag/{dam['ear_tag'].lower()}",
                            auth=self.tokens["farm"])
        self.assertEqual(mother.status, 200, str(mother))
        self.assertEqual(mother.body["status"], "lactating")
        self.assertEqual([o["id"] for o in mother.body["offspring"]], [calf["id"]])
        self.assertEqual(len(mother.body["calvings"]), 1)
        self.assertIsNone(mother.body["withdrawal"])

        # The dam cannot be the calf's sire, and the calf cannot be its dam's dam.
        r = self.c.request("PATCH", f"/api/v1/herd/animals/{dam['id']}",
                           body={"dam_id": calf["id"]}, auth=self.tokens["farm"])
        self.assertIn(r.status, (409, 422), str(r))

    def test_status_changes_if_match_and_disposal(self):
        cow = self.register(ear_tag=tag("c"), sex="female", birth_date="2020-01-01",
                            status="lactating")
        path = f"/api/v1/herd/animals/{cow['id']}"
        r = self.c.request("PATCH", path, body={"status": "calf"}, auth=self.tokens["farm"])
        self.assertEqual(r.status, 409, str(r))
        self.assertEqual(r.body["error"]["code"], "invalid_status_transition")
        self.assertIn("allowed: dry", r.body["error"]["message"])
        r = self.c.request("PATCH", path, body={"status": "dry"}, auth=self.tokens["farm"],
                           headers={"If-Match": '"9"'})
        self.assertEqual(r.status, 412, str(r))
        r = self.c.request("PATCH", path, body={"status": "dry"}, auth=self.tokens["farm"],
                           headers={"If-Match": '"1"'})
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual(r.header("ETag"), '"2"')
        r = self.c.post(f"{path}/disposal", {"kind": "sold", "date": "2025-12-01"},
                        auth=self.tokens["farm"])
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual(r.body["status"], "sold")
        r = self.c.request("PATCH", path, body={"name": "Late"}, auth=self.tokens["farm"])
        self.assertEqual(r.status, 409, str(r))
        listed = self.c.get(f"/api/v1/herd/animals?status=sold&tag={cow['ear_tag'][:4]}",
                            auth=self.tokens["viewer"])
        self.assertEqual(listed.status, 200, str(listed))
        self.assertIn(cow["id"], [a["id"] for a in listed.body["items"]])

    def test_validation_errors_name_the_field(self):
        r = self.c.post("/api/v1/herd/animals", {"ear_tag": "A B", "sex": "female"},
                        auth=self.tokens["farm"])
        self.assertEqual(r.status, 422, str(r))
        self.assertEqual(r.body["error"]["details"], ["ear_tag"])
        r = self.c.post("/api/v1/herd/animals", {"ear_tag": tag("x"), "sex": "female",
                                                 "colour": "red"}, auth=self.tokens["farm"])
        self.assertEqual(r.status, 422, str(r))
        r = self.c.post("/api/v1/herd/animals", {"ear_tag": tag("x"), "sex": "female",
                                                 "birth_date": "2999-01-01"},
                        auth=self.tokens["farm"])
        self.assertEqual(r.status, 422, str(r))
        self.assertEqual(r.body["error"]["details"], ["birth_date"])

    def test_roles(self):
        self.register(as_="farm", ear_tag=tag("f"), sex="female")
        self.register(as_="vet", expect=403, ear_tag=tag("v"), sex="female")
        for role in ("sales", "accountant"):
            r = self.c.get("/api/v1/herd/animals", auth=self.tokens[role])
            self.assertEqual(r.status, 403, f"{role}: {r}")
        dam = self.register(ear_tag=tag("d"), sex="female", birth_date="2020-01-01",
                            status="dry")
        r = self.c.post("/api/v1/herd/calvings",
                        {"dam_id": dam["id"], "day": "2025-10-01", "difficulty": 1,
                         "calf": None}, auth=self.tokens["farm"])
        self.assertEqual(r.status, 201, str(r))
        self.assertIsNone(r.body["calf"])
        r = self.c.post("/api/v1/herd/calvings",
                        {"dam_id": dam["id"], "day": "2025-10-02", "difficulty": 1},
                        auth=self.tokens["sales"])
        self.assertEqual(r.status, 403, str(r))
        r = self.c.request("PATCH", "/api/v1/herd/settings", body={"dry_off_days": 55},
                           auth=self.tokens["farm"])
        self.assertEqual(r.status, 403, str(r))

    def test_breeds_and_settings(self):
        code = tag("b")[:10]
        r = self.c.post("/api/v1/herd/breeds", {"code": code.lower(), "name": "Sahiwal",
                                                "kind": "dairy", "avg_yield_litres": "9.5"},
                        auth=self.tokens["farm"])
        self.assertEqual(r.status, 201, str(r))
        self.assertEqual(r.body["code"], code)
        self.assertEqual(r.body["avg_yield_litres"], "9.5")
        self.assertEqual(r.body["gestation_days"], 283)
        r = self.c.request("PATCH", f"/api/v1/herd/breeds/{r.body['id']}",
                           body={"gestation_days": 330}, auth=self.tokens["farm"])
        self.assertEqual(r.status, 422, str(r))
        r = self.c.get("/api/v1/herd/settings", auth=self.tokens["vet"])
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual(r.body["grade_a_fat"], "3.50")
        r = self.c.request("PATCH", "/api/v1/herd/settings",
                           body={"grade_b_fat": 3.9}, auth=self.tokens["admin"])
        self.assertEqual(r.status, 422, str(r))
        self.assertEqual(r.body["error"]["details"], ["grade_b_fat"])

    def test_csv_import_is_all_or_nothing_and_idempotent(self):
        a, b = tag("imp"), tag("imp")
        good = (f"ear_tag,sex,name,dam_tag,birth_date\r\n"
                f"{a},female,\"Rani, the first\",,2019-01-01\r\n"
                f"{b},female,,{a},2023-01-01\r\n")
        headers = {"Content-Type": "text/csv"}
        r = self.c.post("/api/v1/herd/import/animals", good, auth=self.tokens["farm"],
                        headers=headers)
        self.assertEqual(r.status, 201, str(r))
        self.assertEqual((r.body["created"], r.body["unchanged"]), (2, 0))
        r = self.c.post("/api/v1/herd/import/animals", good, auth=self.tokens["farm"],
                        headers=headers)
        self.assertEqual(r.status, 200, str(r))
        self.assertEqual((r.body["created"], r.body["unchanged"]), (0, 2))
        c = tag("imp")
        bad = f"ear_tag,sex\n{c},female\nX Y,female\n"
        r = self.c.post("/api/v1/herd/import/animals", bad, auth=self.tokens["farm"],
                        headers=headers)
        self.assertEqual(r.status, 422, str(r))
        self.assertEqual(r.body["errors"][0]["line"], 3)
        self.assertEqual(r.body["errors"][0]["field"], "ear_tag")
        r = self.c.get(f"/api/v1/herd/animals/by-tag/{c}", auth=self.tokens["farm"])
        self.assertEqual(r.status, 404, str(r))
        r = self.c.post("/api/v1/herd/import/animals", good, auth=self.tokens["farm"],
                        headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 415, str(r))
        r = self.c.post("/api/v1/herd/import/animals", good, auth=self.tokens["vet"],
                        headers=headers)
        self.assertEqual(r.status, 403, str(r))


if __name__ == "__main__":
    unittest.main()
