"""The farm's story over HTTP against the real binary: a cow is bred, confirmed in calf and
calves; her milk and a treated cow's milk are recorded; only saleable milk reaches the raw
milk stock; and an order for raw milk reserves from that stock. Each step reads like what
happens on the farm. The rules one by one are in herd_animals_test.py, herd_milk_test.py and
herd_health_test.py."""

import datetime
import unittest

import harness
from harness import ServerTestCase
from o2c_support import create_customer, expect, place_order, stock

RAW_MILK = "MILK-RAW"


def farm_today() -> datetime.date:
    """The server's day: the farm runs on Dhaka time (UTC+6) by default."""
    now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6)
    return now.date()


def day(offset: int) -> str:
    return (farm_today() + datetime.timedelta(days=offset)).isoformat()


class FarmStoryTest(ServerTestCase):
    """One fresh farm per test, so stock and events hold nothing but this story."""

    def setUp(self):
        self.server = self.new_server()
        self.admin = harness.admin_token(self.server)
        self.c = self.server.client()
        self.addCleanup(self.c.close)
        # The raw-milk product the farm sells by the litre (VAT-exempt fresh milk), no stock.
        expect(self.c.post("/api/v1/products", {
            "sku": RAW_MILK, "name": "Fresh milk (raw, bulk)", "unit": "litre",
            "price": "70.00", "vat_rate": "0.00", "unit_cost": "45.00"}, auth=self.admin),
            201, "create the raw milk product")
        expect(self.c.post("/api/v1/inventory", {"sku": RAW_MILK, "on_hand": 0},
                           auth=self.admin), 201, "track raw milk stock")
        self.breed = expect(self.c.post("/api/v1/herd/breeds", {
            "code": "HF", "name": "Holstein Friesian", "kind": "dairy",
            "gestation_days": 283}, auth=self.admin), 201, "create a breed")

    # -- the farm's vocabulary -------------------------------------------------------------
    def register(self, tag, sex, status, **more):
        body = {"ear_tag": tag, "sex": sex, "status": status, "breed_id": self.breed["id"],
                "birth_date": "2021-03-01", "acquisition": {"kind": "purchased"}}
        body.update(more)
        return expect(self.c.post("/api/v1/herd/animals", body, auth=self.admin), 201,
                      f"register {tag}")

    def animal(self, animal_id):
        return expect(self.c.get(f"/api/v1/herd/animals/{animal_id}", auth=self.admin), 200,
                      "read an animal")

    def milk(self, cow, on, session, ml):
        return expect(self.c.post("/api/v1/herd/milk", {
            "animal_id": cow["id"], "day": on, "session": session, "quantity_ml": ml,
            "fat": 4.1, "snf": 8.6}, auth=self.admin), 201, f"milk of {cow['ear_tag']}")

    def post_session(self, on, session):
        r = self.c.post("/api/v1/herd/milk/postings", {"day": on, "session": session},
                        auth=self.admin)
        self.assertIn(r.status, (200, 201), str(r))
        return r.body

    def raw_milk_on_hand(self):
        return stock(self.c, self.admin, RAW_MILK)["on_hand"]

    # -- the stories -----------------------------------------------------------------------
    def test_a_cow_is_bred_confirmed_and_calves(self):
        bull = self.register("BULL-1", "male", "bull")
        cow = self.register("COW-1", "female", "heifer")

        # Bred by the farm's bull 290 days ago: the calf is due 283 days later, +/- 9 days.
        service = expect(self.c.post("/api/v1/herd/breeding/services", {
            "animal_id": cow["id"], "day": day(-290), "method": "natural",
            "sire_id": bull["id"]}, auth=self.admin), 201, "record the service")
        self.assertEqual(service["expected_calving"], day(-7))
        self.assertEqual(service["calving_window"], {"from": day(-16), "to": day(2)})

        # Confirmed in calf: the heifer is now pregnant.
        expect(self.c.post(f"/api/v1/herd/breeding/services/{service['id']}/checks", {
            "day": day(-250), "result": "confirmed", "method": "palpation"},
            auth=self.admin), 201, "confirm the pregnancy")
        self.assertEqual(self.animal(cow["id"])["status"], "pregnant")

        # She calves a heifer calf: the calf is registered with both parents, the cow is in milk.
        calving = expect(self.c.post("/api/v1/herd/calvings", {
            "dam_id": cow["id"], "day": day(-5), "difficulty": 2,
            "service_id": service["id"],
            "calf": {"ear_tag": "CALF-1", "sex": "female", "name": "Bela"}},
            auth=self.admin), 201, "record the calving")
        calf = self.animal(calving["calf"]["id"])
        self.assertEqual((calf["ear_tag"], calf["status"], calf["birth_date"]),
                         ("CALF-1", "calf", day(-5)))
        self.assertEqual(calf["pedigree"]["sire"]["id"], bull["id"])
        self.assertEqual(calf["pedigree"]["dam"]["id"], cow["id"])
        dam = self.animal(cow["id"])
        self.assertEqual(dam["status"], "lactating")
        self.assertEqual(dam["last_calving_date"], day(-5))
        self.assertIn(calf["id"], [o["id"] for o in dam["offspring"]])

    def test_saleable_milk_reaches_stock_and_an_order_reserves_it(self):
        rani = self.register("COW-7", "female", "lactating")
        mala = self.register("COW-8", "female", "lactating")

        # Two sessions of milk from two cows, 41 litres in all, reach stock when posted.
        self.milk(rani, day(-5), "morning", 10_000)
        self.milk(mala, day(-5), "morning", 12_000)
        self.milk(rani, day(-5), "evening", 8_000)
        self.milk(mala, day(-5), "evening", 11_000)
        self.post_session(day(-5), "morning")
        self.post_session(day(-5), "evening")
        self.assertEqual(self.raw_milk_on_hand(), 41)

        # Mala is treated on day 1 with a 3-day milk withdrawal: her milk on days 1-3 is
        # recorded but withheld and never reaches stock; on day 4 it does again.
        treatment = expect(self.c.post("/api/v1/herd/health", {
            "animal_id": mala["id"], "day": day(-3), "kind": "treatment",
            "diagnosis": "Clinical mastitis, front left quarter", "medication": "Cloxacillin",
            "dose": "1 tube per quarter", "cost": "450.00",
            "treatment": {"last_dose_date": day(-3), "milk_withdrawal_days": 3,
                          "meat_withdrawal_days": 7}}, auth=self.admin), 201, "treat Mala")
        self.assertEqual(treatment["milk_withdrawal_end"], day(0))

        before = self.raw_milk_on_hand()
        for d in (-3, -2, -1):
            kept = self.milk(rani, day(d), "morning", 9_000)
            withheld = self.milk(mala, day(d), "morning", 10_000)
            self.assertFalse(kept["withheld"])
            self.assertTrue(withheld["withheld"], f"Mala's milk on {day(d)}")
            self.assertEqual(withheld["withheld_by"], treatment["id"])
            self.post_session(day(d), "morning")
        self.assertEqual(self.raw_milk_on_hand(), before + 3 * 9)

        fourth = self.milk(mala, day(0), "morning", 10_500)
        self.assertFalse(fourth["withheld"], "day 4: the withdrawal has ended")
        self.milk(rani, day(0), "morning", 9_500)
        self.post_session(day(0), "morning")
        self.assertEqual(self.raw_milk_on_hand(), before + 3 * 9 + 20)

        # The herd's milk is now stock a customer can order.
        on_hand = self.raw_milk_on_hand()
        customer = create_customer(self.c, self.admin)
        order = place_order(self.c, self.admin, customer["id"], (RAW_MILK, 30))
        self.assertEqual(order["status"], "placed")
        level = stock(self.c, self.admin, RAW_MILK)
        self.assertEqual((level["on_hand"], level["reserved"]), (on_hand, 30))


if __name__ == "__main__":
    unittest.main()
