-- Follow-up: proposals that wait for the other party's acknowledgement, the last cycle's
-- commitments on a meeting's evaluation item, notes on year-wheel steps, and indexes for the
-- derived due / overdue / at-risk lists.

CREATE TABLE "commitment_proposal" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "commitment" INTEGER NOT NULL REFERENCES "commitment" ("id"),
  "kind" VARCHAR(32) NOT NULL CHECK ("kind" IN ('completion', 'due_date_change')),
  "proposed_by" INTEGER REFERENCES "app_user" ("id"),
  "proposed_at" DATETIME NOT NULL,
  "proposed_due_date" DATE,
  "comment" TEXT NOT NULL,
  "state" VARCHAR(16) NOT NULL CHECK ("state" IN ('pending', 'acknowledged', 'returned', 'withdrawn', 'lapsed')),
  "decided_by" INTEGER REFERENCES "app_user" ("id"),
  "decided_at" DATETIME,
  "decision_comment" TEXT NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  -- A new due date is proposed with the date; a completion without one.
  CHECK (("kind" = 'due_date_change') = ("proposed_due_date" IS NOT NULL)),
  -- Decided exactly when no longer pending.
  CHECK (("state" = 'pending') = ("decided_at" IS NULL))
);
-- At most one pending proposal of each kind per commitment, even for concurrent writers; also
-- the lookup of "is a completion waiting" behind every derived list.
CREATE UNIQUE INDEX "unq_commitment_proposal__pending" ON "commitment_proposal" ("commitment", "kind") WHERE "state" = 'pending';
CREATE INDEX "idx_commitment_proposal__commitment" ON "commitment_proposal" ("commitment", "proposed_at");
-- "Waiting for my acknowledgement": pending proposals across an owner's or agency's reach.
CREATE INDEX "idx_commitment_proposal__state" ON "commitment_proposal" ("state", "commitment");
CREATE INDEX "idx_commitment_proposal__proposed_by" ON "commitment_proposal" ("proposed_by");
CREATE INDEX "idx_commitment_proposal__decided_by" ON "commitment_proposal" ("decided_by");

CREATE TABLE "agenda_evaluation_line" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "agenda_item" INTEGER NOT NULL REFERENCES "agenda_item" ("id") ON DELETE CASCADE,
  "commitment" INTEGER NOT NULL REFERENCES "commitment" ("id"),
  "position" INTEGER NOT NULL,
  "note" TEXT NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL,
  CONSTRAINT "unq_agenda_evaluation_line__agenda_item_commitment" UNIQUE ("agenda_item", "commitment")
);
CREATE INDEX "idx_agenda_evaluation_line__commitment" ON "agenda_evaluation_line" ("commitment");

ALTER TABLE "year_wheel_step" ADD COLUMN "notes" TEXT NOT NULL DEFAULT '';

-- Follow-ups due and overdue: across a reach, and for the organisations a person acts for.
CREATE INDEX "idx_commitment__status_next_follow_up" ON "commitment" ("status", "next_follow_up_on");
CREATE INDEX "idx_commitment__organisation_status_next_follow_up" ON "commitment" ("responsible_organisation", "status", "next_follow_up_on");
