-- Notification and selection: the e-mail outbox (reminders, digests, password resets), password
-- reset tokens, secret calendar feed addresses, and per-programme checks and weak-results rules.

CREATE TABLE "outbox_message" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The same reminder for the same item and day has the same key: queued once, sent once.
  "dedupe_key" VARCHAR(200) UNIQUE NOT NULL,
  "kind" VARCHAR(32) NOT NULL,
  "recipient" VARCHAR(254) NOT NULL,
  "language" VARCHAR(8) NOT NULL,
  "subject" VARCHAR(300) NOT NULL,
  "body" TEXT NOT NULL,
  -- What the message is about, checked again before sending (a deleted item is skipped).
  "item_entity" VARCHAR(64),
  "item_id" BIGINT,
  "state" VARCHAR(16) NOT NULL CHECK ("state" IN ('queued', 'sent', 'failed', 'skipped')),
  "attempts" INTEGER NOT NULL CHECK ("attempts" >= 0),
  "next_attempt_at" DATETIME NOT NULL,
  "last_error" TEXT NOT NULL,
  "sent_at" DATETIME,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  CHECK (("state" = 'sent') = ("sent_at" IS NOT NULL))
);
-- The sender's work list: queued messages whose time has come.
CREATE INDEX "idx_outbox_message__state_next_attempt" ON "outbox_message" ("state", "next_attempt_at");

CREATE TABLE "password_reset" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE,
  "token_hash" VARCHAR(64) UNIQUE NOT NULL,
  "expires_at" DATETIME NOT NULL,
  "used_at" DATETIME,
  "created_at" DATETIME NOT NULL
);
CREATE INDEX "idx_password_reset__user" ON "password_reset" ("user");

CREATE TABLE "calendar_feed" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE,
  "token_hash" VARCHAR(64) UNIQUE NOT NULL,
  "prefix" VARCHAR(16) NOT NULL,
  "last_used_at" DATETIME,
  "revoked_at" DATETIME,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_calendar_feed__user" ON "calendar_feed" ("user");

-- Checks a meeting or report must pass, and the weak-results rule (see seed/README.md).
ALTER TABLE "programme" ADD COLUMN "checks" JSON;
ALTER TABLE "programme" ADD COLUMN "weak_results" JSON;
