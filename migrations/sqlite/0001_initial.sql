-- The domain model: organisations, programmes, engagements, meetings, themes, commitments,
-- follow-ups, indicators and observations. Every table carries UTC created/updated times and a
-- version for optimistic concurrency. History tables are append-only (triggers at the end).

CREATE TABLE "organisation" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "parent" INTEGER REFERENCES "organisation" ("id"),
  "path" VARCHAR(255) NOT NULL,
  "kind" VARCHAR(32) NOT NULL CHECK ("kind" IN ('national_agency', 'school_owner', 'school', 'daycare_unit', 'special_school')),
  "country" VARCHAR(2) NOT NULL CHECK ("country" IN ('DK', 'NO', 'SE')),
  "name" VARCHAR(200) NOT NULL,
  "official_code" VARCHAR(64),
  "time_zone" VARCHAR(64) NOT NULL,
  "is_demo" BOOLEAN NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_organisation__country_official_code" UNIQUE ("country", "official_code")
);
CREATE INDEX "idx_organisation__parent" ON "organisation" ("parent");
-- Subtrees are prefix matches on the materialised path.
CREATE INDEX "idx_organisation__path" ON "organisation" ("path");
CREATE INDEX "idx_organisation__kind_country" ON "organisation" ("kind", "country");

CREATE TABLE "programme" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "key" VARCHAR(64) UNIQUE NOT NULL,
  "country" VARCHAR(2) NOT NULL CHECK ("country" IN ('DK', 'NO', 'SE')),
  "labels" JSON NOT NULL,
  "descriptions" JSON,
  "commitment_terms" JSON,
  "cadence" VARCHAR(32) NOT NULL,
  "duration_months" INTEGER NOT NULL CHECK ("duration_months" > 0),
  "participant_kinds" JSON NOT NULL,
  "reports" JSON,
  "run_by" INTEGER REFERENCES "organisation" ("id") ON DELETE SET NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_programme__run_by" ON "programme" ("run_by");

CREATE TABLE "programme_phase" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id") ON DELETE CASCADE,
  "key" VARCHAR(64) NOT NULL,
  "position" INTEGER NOT NULL,
  "labels" JSON NOT NULL,
  "descriptions" JSON,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_programme_phase__programme_key" UNIQUE ("programme", "key")
);

CREATE TABLE "meeting_type" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id") ON DELETE CASCADE,
  "key" VARCHAR(64) NOT NULL,
  "position" INTEGER NOT NULL,
  "labels" JSON NOT NULL,
  "per_year" INTEGER,
  "confidential" BOOLEAN NOT NULL,
  "phase" INTEGER REFERENCES "programme_phase" ("id") ON DELETE SET NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_meeting_type__programme_key" UNIQUE ("programme", "key")
);

CREATE TABLE "agenda_template_item" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting_type" INTEGER NOT NULL REFERENCES "meeting_type" ("id") ON DELETE CASCADE,
  "key" VARCHAR(64) NOT NULL,
  "position" INTEGER NOT NULL,
  "labels" JSON NOT NULL,
  "duration_minutes" INTEGER NOT NULL CHECK ("duration_minutes" >= 0),
  "party" VARCHAR(32) NOT NULL,
  "kind" VARCHAR(32) NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_agenda_template_item__meeting_type_key" UNIQUE ("meeting_type", "key")
);

CREATE TABLE "minutes_section" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id") ON DELETE CASCADE,
  "key" VARCHAR(64) NOT NULL,
  "position" INTEGER NOT NULL,
  "labels" JSON NOT NULL,
  "kind" VARCHAR(32) NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_minutes_section__programme_key" UNIQUE ("programme", "key")
);

CREATE TABLE "theme" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "key" VARCHAR(64) UNIQUE,
  "labels" JSON,
  "title" VARCHAR(200),
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);

CREATE TABLE "indicator" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "key" VARCHAR(64) UNIQUE NOT NULL,
  "labels" JSON NOT NULL,
  "unit" VARCHAR(32) NOT NULL,
  "direction" VARCHAR(32) NOT NULL CHECK ("direction" IN ('higher_is_better', 'lower_is_better', 'neutral')),
  "country" VARCHAR(2),
  "source" VARCHAR(200) NOT NULL,
  "confidential" BOOLEAN NOT NULL,
  "min_group_size" INTEGER NOT NULL CHECK ("min_group_size" >= 0),
  "decimals" INTEGER NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);

CREATE TABLE "programme_theme" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id") ON DELETE CASCADE,
  "theme" INTEGER NOT NULL REFERENCES "theme" ("id"),
  "party" VARCHAR(32) NOT NULL,
  "position" INTEGER NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_programme_theme__programme_theme" UNIQUE ("programme", "theme")
);
CREATE INDEX "idx_programme_theme__theme" ON "programme_theme" ("theme");

CREATE TABLE "programme_indicator" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id") ON DELETE CASCADE,
  "indicator" INTEGER NOT NULL REFERENCES "indicator" ("id"),
  "position" INTEGER NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_programme_indicator__programme_indicator" UNIQUE ("programme", "indicator")
);
CREATE INDEX "idx_programme_indicator__indicator" ON "programme_indicator" ("indicator");

CREATE TABLE "year_wheel_template_step" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id") ON DELETE CASCADE,
  "key" VARCHAR(64) NOT NULL,
  "position" INTEGER NOT NULL,
  "month" INTEGER NOT NULL CHECK ("month" BETWEEN 1 AND 12),
  "labels" JSON NOT NULL,
  "responsible" JSON NOT NULL,
  "notes" JSON,
  "phase" INTEGER REFERENCES "programme_phase" ("id") ON DELETE SET NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_year_wheel_template_step__programme_key" UNIQUE ("programme", "key")
);

CREATE TABLE "observation" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "organisation" INTEGER NOT NULL REFERENCES "organisation" ("id"),
  "indicator" INTEGER NOT NULL REFERENCES "indicator" ("id"),
  "period" VARCHAR(16) NOT NULL,
  "value" REAL NOT NULL,
  "group_size" INTEGER CHECK ("group_size" >= 0),
  "confidential" BOOLEAN NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  -- Also the access path for a school's series: organisation, indicator, period.
  CONSTRAINT "unq_observation__organisation_indicator_period" UNIQUE ("organisation", "indicator", "period")
);
-- Owner and country comparisons read one indicator and period across organisations.
CREATE INDEX "idx_observation__indicator_period" ON "observation" ("indicator", "period");

CREATE TABLE "engagement" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "programme" INTEGER NOT NULL REFERENCES "programme" ("id"),
  "organisation" INTEGER NOT NULL REFERENCES "organisation" ("id"),
  "period" VARCHAR(32) NOT NULL,
  "starts_on" DATE NOT NULL,
  "ends_on" DATE,
  "status" VARCHAR(16) NOT NULL CHECK ("status" IN ('active', 'completed', 'withdrawn')),
  "current_phase" INTEGER REFERENCES "programme_phase" ("id"),
  "previous" INTEGER REFERENCES "engagement" ("id"),
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_engagement__programme_organisation_period" UNIQUE ("programme", "organisation", "period")
);
CREATE INDEX "idx_engagement__organisation" ON "engagement" ("organisation");
CREATE INDEX "idx_engagement__current_phase" ON "engagement" ("current_phase");
CREATE INDEX "idx_engagement__previous" ON "engagement" ("previous");

CREATE TABLE "phase_transition" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "engagement" INTEGER NOT NULL REFERENCES "engagement" ("id"),
  "phase" INTEGER NOT NULL REFERENCES "programme_phase" ("id"),
  "occurred_on" DATE NOT NULL,
  "note" VARCHAR(2000) NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_phase_transition__engagement" ON "phase_transition" ("engagement", "occurred_on");
CREATE INDEX "idx_phase_transition__phase" ON "phase_transition" ("phase");

CREATE TABLE "year_wheel_step" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "engagement" INTEGER NOT NULL REFERENCES "engagement" ("id") ON DELETE CASCADE,
  "template_step" INTEGER REFERENCES "year_wheel_template_step" ("id") ON DELETE SET NULL,
  "position" INTEGER NOT NULL,
  "month" INTEGER NOT NULL CHECK ("month" BETWEEN 1 AND 12),
  "labels" JSON,
  "title" VARCHAR(200),
  "responsible" VARCHAR(200) NOT NULL,
  "done" BOOLEAN NOT NULL,
  "done_on" DATE,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_year_wheel_step__engagement" ON "year_wheel_step" ("engagement");
CREATE INDEX "idx_year_wheel_step__template_step" ON "year_wheel_step" ("template_step");

CREATE TABLE "meeting" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "engagement" INTEGER NOT NULL REFERENCES "engagement" ("id"),
  "meeting_type" INTEGER NOT NULL REFERENCES "meeting_type" ("id"),
  "title" VARCHAR(200) NOT NULL,
  "starts_at" DATETIME NOT NULL,
  "ends_at" DATETIME,
  "place" VARCHAR(200) NOT NULL,
  "status" VARCHAR(32) NOT NULL CHECK ("status" IN ('planned', 'held', 'minutes_drafted', 'minutes_approved', 'published', 'cancelled')),
  "confidential" BOOLEAN NOT NULL,
  "minutes_revision" INTEGER NOT NULL CHECK ("minutes_revision" >= 1),
  "held_at" DATETIME,
  "approved_at" DATETIME,
  "published_at" DATETIME,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_meeting__engagement" ON "meeting" ("engagement", "starts_at");
CREATE INDEX "idx_meeting__meeting_type" ON "meeting" ("meeting_type");
CREATE INDEX "idx_meeting__status_starts_at" ON "meeting" ("status", "starts_at");

CREATE TABLE "participant" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting" INTEGER NOT NULL REFERENCES "meeting" ("id") ON DELETE CASCADE,
  "name" VARCHAR(200) NOT NULL,
  "role" VARCHAR(64) NOT NULL,
  "organisation" INTEGER REFERENCES "organisation" ("id") ON DELETE SET NULL,
  "email" VARCHAR(254) NOT NULL,
  "invited" BOOLEAN NOT NULL,
  "attendance" VARCHAR(16) NOT NULL CHECK ("attendance" IN ('unknown', 'present', 'absent')),
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_participant__meeting" ON "participant" ("meeting");
CREATE INDEX "idx_participant__organisation" ON "participant" ("organisation");

CREATE TABLE "agenda_item" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting" INTEGER NOT NULL REFERENCES "meeting" ("id") ON DELETE CASCADE,
  "template_item" INTEGER REFERENCES "agenda_template_item" ("id") ON DELETE SET NULL,
  "position" INTEGER NOT NULL,
  "labels" JSON,
  "title" VARCHAR(200),
  "duration_minutes" INTEGER CHECK ("duration_minutes" >= 0),
  "party" VARCHAR(32) NOT NULL,
  "kind" VARCHAR(32) NOT NULL,
  "theme" INTEGER REFERENCES "theme" ("id") ON DELETE SET NULL,
  "minutes" TEXT NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_agenda_item__meeting" ON "agenda_item" ("meeting", "position");
CREATE INDEX "idx_agenda_item__template_item" ON "agenda_item" ("template_item");
CREATE INDEX "idx_agenda_item__theme" ON "agenda_item" ("theme");

CREATE TABLE "attachment" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting" INTEGER NOT NULL REFERENCES "meeting" ("id") ON DELETE CASCADE,
  "filename" VARCHAR(255) NOT NULL,
  "content_type" VARCHAR(128) NOT NULL,
  "size_bytes" BIGINT NOT NULL CHECK ("size_bytes" >= 0),
  "sha256" VARCHAR(64) NOT NULL,
  "confidential" BOOLEAN NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_attachment__meeting" ON "attachment" ("meeting");

CREATE TABLE "meeting_theme" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting" INTEGER NOT NULL REFERENCES "meeting" ("id") ON DELETE CASCADE,
  "theme" INTEGER NOT NULL REFERENCES "theme" ("id"),
  "party" VARCHAR(32) NOT NULL,
  "background" TEXT NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_meeting_theme__meeting_theme" UNIQUE ("meeting", "theme")
);
CREATE INDEX "idx_meeting_theme__theme" ON "meeting_theme" ("theme");

CREATE TABLE "minutes_publication" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting" INTEGER NOT NULL REFERENCES "meeting" ("id"),
  "revision" INTEGER NOT NULL,
  "published_at" DATETIME NOT NULL,
  "content" JSON NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_minutes_publication__meeting_revision" UNIQUE ("meeting", "revision")
);

CREATE TABLE "commitment" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "engagement" INTEGER NOT NULL REFERENCES "engagement" ("id"),
  "meeting" INTEGER REFERENCES "meeting" ("id"),
  "title" VARCHAR(300) NOT NULL,
  "background" TEXT NOT NULL,
  "actions" TEXT NOT NULL,
  "theme" INTEGER REFERENCES "theme" ("id"),
  "responsible_organisation" INTEGER NOT NULL REFERENCES "organisation" ("id"),
  "responsible_person" VARCHAR(200) NOT NULL,
  "binding" BOOLEAN NOT NULL,
  "corrective" BOOLEAN NOT NULL,
  "scope" VARCHAR(16) NOT NULL CHECK ("scope" IN ('local', 'central')),
  "success_criterion" TEXT NOT NULL,
  "target_indicator" INTEGER REFERENCES "indicator" ("id"),
  "target_value" REAL,
  "due_date" DATE NOT NULL,
  "follow_up_interval_days" INTEGER CHECK ("follow_up_interval_days" > 0),
  "next_follow_up_on" DATE,
  "status" VARCHAR(32) NOT NULL,
  "progress" INTEGER NOT NULL CHECK ("progress" BETWEEN 0 AND 100),
  "confidential" BOOLEAN NOT NULL,
  "carried_over_from" INTEGER UNIQUE REFERENCES "commitment" ("id"),
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
-- Dashboards and lists: an organisation's commitments by status and due date.
CREATE INDEX "idx_commitment__organisation_status_due" ON "commitment" ("responsible_organisation", "status", "due_date");
CREATE INDEX "idx_commitment__status_due" ON "commitment" ("status", "due_date");
CREATE INDEX "idx_commitment__engagement" ON "commitment" ("engagement", "status");
CREATE INDEX "idx_commitment__meeting" ON "commitment" ("meeting");
CREATE INDEX "idx_commitment__theme" ON "commitment" ("theme");
CREATE INDEX "idx_commitment__target_indicator" ON "commitment" ("target_indicator");

CREATE TABLE "commitment_event" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "commitment" INTEGER NOT NULL REFERENCES "commitment" ("id"),
  "occurred_at" DATETIME NOT NULL,
  "kind" VARCHAR(32) NOT NULL,
  "from_status" VARCHAR(32),
  "to_status" VARCHAR(32),
  "reason" TEXT NOT NULL,
  "changes" JSON,
  "actor" VARCHAR(200) NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_commitment_event__commitment" ON "commitment_event" ("commitment", "occurred_at");

CREATE TABLE "follow_up" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "commitment" INTEGER NOT NULL REFERENCES "commitment" ("id"),
  "occurred_on" DATE NOT NULL,
  "author" VARCHAR(200) NOT NULL,
  "status_to" VARCHAR(32),
  "progress" INTEGER CHECK ("progress" BETWEEN 0 AND 100),
  "narrative" TEXT NOT NULL,
  "evidence" JSON,
  "next_follow_up_on" DATE,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_follow_up__commitment" ON "follow_up" ("commitment", "occurred_on");

-- History is append-only: no code path may rewrite or remove it.
CREATE TRIGGER "trg_commitment_event_no_update" BEFORE UPDATE ON "commitment_event"
BEGIN SELECT RAISE(ABORT, 'commitment_event is append-only'); END;
CREATE TRIGGER "trg_commitment_event_no_delete" BEFORE DELETE ON "commitment_event"
BEGIN SELECT RAISE(ABORT, 'commitment_event is append-only'); END;
CREATE TRIGGER "trg_phase_transition_no_update" BEFORE UPDATE ON "phase_transition"
BEGIN SELECT RAISE(ABORT, 'phase_transition is append-only'); END;
CREATE TRIGGER "trg_phase_transition_no_delete" BEFORE DELETE ON "phase_transition"
BEGIN SELECT RAISE(ABORT, 'phase_transition is append-only'); END;
CREATE TRIGGER "trg_minutes_publication_no_update" BEFORE UPDATE ON "minutes_publication"
BEGIN SELECT RAISE(ABORT, 'minutes_publication is append-only'); END;
CREATE TRIGGER "trg_minutes_publication_no_delete" BEFORE DELETE ON "minutes_publication"
BEGIN SELECT RAISE(ABORT, 'minutes_publication is append-only'); END;
