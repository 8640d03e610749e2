-- Responses to creating API requests, kept by Idempotency-Key so a retry returns the first
-- result instead of creating a duplicate.

CREATE TABLE "idempotency_record" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE,
  "key" VARCHAR(200) NOT NULL,
  "request_hash" VARCHAR(64) NOT NULL,
  "status_code" INTEGER,
  "body" JSON,
  "location" VARCHAR(500),
  "created_at" DATETIME NOT NULL,
  CONSTRAINT "unq_idempotency_record__user_key" UNIQUE ("user", "key")
);
CREATE INDEX "idx_idempotency_record__created_at" ON "idempotency_record" ("created_at");
