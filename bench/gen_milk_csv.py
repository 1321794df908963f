"""Writes YEARS years of daily milk for COWS cows tagged BENCH-0001... (2 sessions a day,
ending yesterday) as a CSV for `smartdairy herd import-milk`.

  gen_milk_csv.py OUT.csv [YEARS=10] [COWS=250]
"""
import datetime
import sys


def main():
    out = sys.argv[1]
    years = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    cows = int(sys.argv[3]) if len(sys.argv) > 3 else 250
    today = datetime.date.today()
    first = today - datetime.timedelta(days=365 * years)
    rows = 0
    with open(out, "w") as f:
        f.write("ear_tag,day,session,quantity_ml,fat,snf,protein,temperature,scc\n")
        day = first
        n = 0
        while day < today:
            d = day.isoformat()
            for i in range(1, cows + 1):
                for session, base in (("morning", 7000), ("evening", 5500)):
                    n += 1
                    f.write("BENCH-%04d,%s,%s,%d,%d.%02d,8.%02d,3.%d,%d.%d,%d\n" % (
                        i, d, session, base + (n * 37) % 3000, 3 + n % 2, n % 100, 30 + n % 60,
                        n % 10, 4 + n % 5, n % 10, 80 + n % 300))
                    rows += 1
            day += datetime.timedelta(days=1)
    print("%d rows written to %s" % (rows, out))


if __name__ == "__main__":
    main()
