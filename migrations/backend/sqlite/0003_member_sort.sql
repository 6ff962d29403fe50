-- The member half of the project list walks an index in sort order instead of sorting every
-- membership: project_members carries its project's updated_at and is_shared, kept current by
-- triggers in the same transaction as every project write. Statements are one per line.
ALTER TABLE project_members ADD COLUMN project_updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE project_members ADD COLUMN project_shared INTEGER NOT NULL DEFAULT 0;
UPDATE project_members SET project_updated_at = (SELECT p.updated_at FROM projects p WHERE p.id = project_members.project_id), project_shared = (SELECT p.is_shared FROM projects p WHERE p.id = project_members.project_id);
CREATE INDEX project_members_user_sorted ON project_members (user_id, project_updated_at DESC, project_id DESC) WHERE project_shared;
CREATE TRIGGER project_members_fill AFTER INSERT ON project_members BEGIN UPDATE project_members SET project_updated_at = (SELECT p.updated_at FROM projects p WHERE p.id = NEW.project_id), project_shared = (SELECT p.is_shared FROM projects p WHERE p.id = NEW.project_id) WHERE project_id = NEW.project_id AND user_id = NEW.user_id; END;
CREATE TRIGGER projects_sort_to_members AFTER UPDATE OF updated_at, is_shared ON projects BEGIN UPDATE project_members SET project_updated_at = NEW.updated_at, project_shared = NEW.is_shared WHERE project_id = NEW.id; END;
