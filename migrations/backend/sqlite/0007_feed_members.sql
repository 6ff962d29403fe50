-- Memberships join the changes feed: each carries a rev from the global counter (unique, so the feed
-- can cut a page between any two changes), read through (project_id, rev) like the other synced
-- tables. Existing rows get fresh revs past the counter. Statements are one per line.
ALTER TABLE project_members ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
UPDATE project_members SET rev = (SELECT value FROM rev_counter WHERE id = 1) + r.rn FROM (SELECT project_id AS pid, user_id AS uid, row_number() OVER (ORDER BY project_id, user_id) AS rn FROM project_members) AS r WHERE project_members.project_id = r.pid AND project_members.user_id = r.uid;
UPDATE rev_counter SET value = value + (SELECT COUNT(*) FROM project_members) WHERE id = 1;
CREATE INDEX project_members_project_rev ON project_members (project_id, rev);
