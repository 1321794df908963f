-- Milk whose saleable quantity (nothing while withheld or rejected, grade R) has not reached
-- stock yet: what the postings, and the server's automatic posting every minute, look for.
CREATE INDEX herd_milk_unposted ON herd_milk_records (day, session)
  WHERE posted_ml <> CASE WHEN withheld = 1 OR grade = 'R' THEN 0 ELSE quantity_ml END;
