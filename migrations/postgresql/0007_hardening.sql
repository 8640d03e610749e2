-- Pseudonymizing a former user replaces the name kept as a commitment event's actor. That is
-- the only change the history allows: an update touching any other column is still refused.

CREATE FUNCTION "refuse_history_change_but_actor"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'actor') = (to_jsonb(OLD) - 'actor') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
DROP TRIGGER "trg_commitment_event_append_only" ON "commitment_event";
CREATE TRIGGER "trg_commitment_event_append_only" BEFORE UPDATE OR DELETE ON "commitment_event"
  FOR EACH ROW EXECUTE FUNCTION "refuse_history_change_but_actor"();

-- Signing out ends every copy of the person's session cookie: the session carries the
-- generation it was signed in with, and signing out moves the generation on.
ALTER TABLE "app_user" ADD COLUMN "session_generation" INTEGER NOT NULL DEFAULT 1;
