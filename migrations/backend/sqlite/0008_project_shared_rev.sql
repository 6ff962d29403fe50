-- A project's rev as its members see it. Session counts and the thumbnail come in two halves (the
-- owner's over every session, members' over the sessions that are not private), so work in a private
-- session gives the project a new rev for the owner only: shared_rev moves only when something a
-- member sees changed, and members' feeds and reads use it. Statements are one per line.
ALTER TABLE projects ADD COLUMN shared_rev INTEGER NOT NULL DEFAULT 0;
UPDATE projects SET shared_rev = rev;
