-- Lists that flag overdue commitments compare each organisation's local date, so they ask
-- which time zones are in use: with this index that is one seek per zone instead of reading
-- every organisation (issue 9).
CREATE INDEX "idx_organisation__time_zone" ON "organisation" ("time_zone");
