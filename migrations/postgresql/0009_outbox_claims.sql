-- Two senders running at once (two cron jobs, two servers) never send one message twice: a
-- sender claims a queued message with a conditional update before it talks to the mail server,
-- and only the sender whose update took the row sends it. A claim runs out, so a message whose
-- sender died mid-run is sent by a later run instead of waiting for ever.
ALTER TABLE "outbox_message" ADD COLUMN "claimed_by" VARCHAR(64);
ALTER TABLE "outbox_message" ADD COLUMN "claimed_until" TIMESTAMP;
