-- Two senders running at once (two cron jobs, two servers) never send one message twice: a
-- sender claims a queued message with a conditional update before it talks to the mail server,
-- and only the sender whose update took the row sends it. A claim runs out, so a message whose
-- sender died mid-run is sent by a later run instead of waiting for ever.
ALTER TABLE "outbox_message" ADD COLUMN "claimed_by" VARCHAR(64);
ALTER TABLE "outbox_message" ADD COLUMN "claimed_until" TIMESTAMP;

-- An organisation's calendar by a secret, revocable address too (a calendar program cannot
-- sign in): a person's address for one organisation and the units under it. What it shows is
-- decided at each read by what that person may see then.
ALTER TABLE "calendar_feed" ADD COLUMN "organisation" INTEGER REFERENCES "organisation" ("id") ON DELETE CASCADE;
CREATE INDEX "idx_calendar_feed__organisation" ON "calendar_feed" ("organisation");
