-- Pseudonymizing a former user replaces the name kept as a commitment event's actor. That is
-- the only change the history allows: an update touching any other column is still refused.

DROP TRIGGER "trg_commitment_event_no_update";
CREATE TRIGGER "trg_commitment_event_no_update" BEFORE UPDATE OF
  "id", "commitment", "occurred_at", "kind", "from_status", "to_status", "reason", "changes",
  "created_at", "updated_at", "version" ON "commitment_event"
BEGIN SELECT RAISE(ABORT, 'commitment_event is append-only'); END;

-- Signing out ends every copy of the person's session cookie: the session carries the
-- generation it was signed in with, and signing out moves the generation on.
ALTER TABLE "app_user" ADD COLUMN "session_generation" INTEGER NOT NULL DEFAULT 1;
