-- The school board's comments on a meeting (issue 3: board members read their school's
-- meetings and add the board's comments). Written by a board member, shown on the meeting
-- page and in the minutes report's board section.

CREATE TABLE "board_comment" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "meeting" INTEGER NOT NULL REFERENCES "meeting" ("id") ON DELETE CASCADE,
  "author" INTEGER NOT NULL REFERENCES "app_user" ("id"),
  "body" TEXT NOT NULL,
  "created_at" DATETIME NOT NULL,
  "updated_at" DATETIME NOT NULL,
  "version" INTEGER NOT NULL
);
CREATE INDEX "idx_board_comment__meeting" ON "board_comment" ("meeting");
CREATE INDEX "idx_board_comment__author" ON "board_comment" ("author");
