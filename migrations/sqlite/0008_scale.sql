-- National scale: an agency's commitments filtered by status and theme are counted from the
-- index alone (its programmes' engagements, then this index), however many there are.
CREATE INDEX "idx_commitment__engagement_status_theme" ON "commitment" ("engagement", "status", "theme");
