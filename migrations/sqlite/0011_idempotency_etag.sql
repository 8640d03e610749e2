-- A retried creating request gets the first response's ETag again, as it gets its Location
-- (issue 4, part 5): the ETag is kept with the stored response.
ALTER TABLE "idempotency_record" ADD COLUMN "etag" VARCHAR(200);
