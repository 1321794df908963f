"""The herd benches' cows: 250 (or N) lactating cows tagged BENCH-0001..., registered through
POST /api/v1/herd/animals when the server has it, else written straight into the database
file (the animals part of the API may not be in this build). Prints nothing but errors.

  herd_cows.py api PORT TOKEN N DB_PATH     (DB_PATH: the fallback)
  herd_cows.py db DB_PATH N                 (offline: before `smartdairy herd import-milk`)
"""
import http.client
import json
import sqlite3
import sys
import time
import uuid


def tag(i):
    return "BENCH-%04d" % i


def uuid7():
    ms = int(time.time() * 1000)
    rand = uuid.uuid4().int & ((1 << 74) - 1)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def into_db(db_path, n):
    con = sqlite3.connect(db_path, timeout=30)
    now = int(time.time() * 1e6)
    with con:
        for i in range(1, n + 1):
            con.execute(
                "INSERT OR IGNORE INTO herd_animals (id, ear_tag, sex, birth_date, status, "
                "acquisition_kind, created_at, updated_at) VALUES (?, ?, 'female', '2010-01-01', "
                "'lactating', 'purchased', ?, ?)", (uuid7(), tag(i), now, now))
    con.close()


def through_api(port, token, n, db_path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for i in range(1, n + 1):
        body = {"ear_tag": tag(i), "sex": "female", "birth_date": "2010-01-01",
                "status": "lactating", "acquisition": {"kind": "purchased"}}
        conn.request("POST", "/api/v1/herd/animals", json.dumps(body), headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status == 404 and i == 1:
            print("herd_cows: POST /api/v1/herd/animals is not in this build; "
                  "writing the cows into the database instead", file=sys.stderr)
            into_db(db_path, n)
            return
        if resp.status not in (201, 409):
            sys.exit("herd_cows: POST /api/v1/herd/animals answered %d" % resp.status)


if __name__ == "__main__":
    if sys.argv[1] == "api":
        through_api(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        into_db(sys.argv[2], int(sys.argv[3]))
