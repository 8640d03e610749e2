-- People, their role assignments, API tokens, sign-in failures (for throttling) and the
-- append-only audit log.

CREATE TABLE "app_user" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "email" VARCHAR(254) UNIQUE NOT NULL,
  "name" VARCHAR(200) NOT NULL,
  "password_hash" VARCHAR(255),
  "language" VARCHAR(8),
  "active" BOOLEAN NOT NULL,
  "last_sign_in_at" DATETIME,
  "pseudonymized_at" DATETIME,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);

CREATE TABLE "role_assignment" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE,
  "role" VARCHAR(32) NOT NULL CHECK ("role" IN ('administrator', 'agency_officer', 'school_office', 'school_leader', 'board_member')),
  "organisation" INTEGER REFERENCES "organisation" ("id"),
  "scope_path" VARCHAR(255),
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_role_assignment__user_role_organisation" UNIQUE ("user", "role", "organisation")
);
-- Scoping a list is an EXISTS on a user's assignments.
CREATE INDEX "idx_role_assignment__user_role" ON "role_assignment" ("user", "role");
CREATE INDEX "idx_role_assignment__organisation" ON "role_assignment" ("organisation");

CREATE TABLE "api_token" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "user" INTEGER NOT NULL REFERENCES "app_user" ("id") ON DELETE CASCADE,
  "name" VARCHAR(100) NOT NULL,
  "token_hash" VARCHAR(64) UNIQUE NOT NULL,
  "prefix" VARCHAR(16) NOT NULL,
  "expires_at" DATETIME,
  "last_used_at" DATETIME,
  "revoked_at" DATETIME,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_api_token__user" ON "api_token" ("user");

CREATE TABLE "sign_in_failure" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "account_key" VARCHAR(64) NOT NULL,
  "address" VARCHAR(64) NOT NULL,
  "occurred_at" DATETIME NOT NULL
);
CREATE INDEX "idx_sign_in_failure__account" ON "sign_in_failure" ("account_key", "occurred_at");
CREATE INDEX "idx_sign_in_failure__address" ON "sign_in_failure" ("address", "occurred_at");

CREATE TABLE "audit_entry" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "occurred_at" DATETIME NOT NULL,
  "actor" INTEGER REFERENCES "app_user" ("id"),
  "channel" VARCHAR(16) NOT NULL,
  "action" VARCHAR(32) NOT NULL,
  "entity" VARCHAR(64),
  "entity_id" BIGINT,
  "summary" VARCHAR(500) NOT NULL,
  "changes" JSON,
  "address" VARCHAR(64),
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
-- A record's history, and the log in time order.
CREATE INDEX "idx_audit_entry__entity" ON "audit_entry" ("entity", "entity_id", "occurred_at");
CREATE INDEX "idx_audit_entry__occurred_at" ON "audit_entry" ("occurred_at");
CREATE INDEX "idx_audit_entry__actor" ON "audit_entry" ("actor");

CREATE TRIGGER "trg_audit_entry_no_update" BEFORE UPDATE ON "audit_entry"
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END;
CREATE TRIGGER "trg_audit_entry_no_delete" BEFORE DELETE ON "audit_entry"
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END;
