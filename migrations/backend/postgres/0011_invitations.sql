-- A membership starts as an invitation (DESIGN §3): the invitee accepts (it becomes a project_members
-- row) or declines (it goes). `target` is whom it was addressed to, as the owner typed it:
-- 'email:<normalized email>' or 'user:<id>', whether or not such an account exists, so inviting
-- answers alike either way; the invitee finds it by either of theirs. Rows carry a rev for the
-- invitee's changes feed (kind "invitation"). Statements are one per line.
CREATE TABLE invitations (id text PRIMARY KEY, project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE, inviter_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE, target text NOT NULL, role text NOT NULL CHECK (role IN ('viewer', 'editor')), created_at timestamptz NOT NULL, rev bigint NOT NULL);
CREATE UNIQUE INDEX invitations_project_target ON invitations (project_id, target);
CREATE INDEX invitations_target_rev ON invitations (target, rev);
