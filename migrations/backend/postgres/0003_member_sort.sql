-- The member half of the project list walks an index in sort order instead of sorting every
-- membership: project_members carries its project's updated_at and is_shared, kept current by
-- triggers in the same transaction as every project write. Statements are one per line.
ALTER TABLE project_members ADD COLUMN project_updated_at timestamptz NOT NULL DEFAULT 'epoch';
ALTER TABLE project_members ADD COLUMN project_shared boolean NOT NULL DEFAULT false;
UPDATE project_members m SET project_updated_at = p.updated_at, project_shared = p.is_shared FROM projects p WHERE p.id = m.project_id;
CREATE INDEX project_members_user_sorted ON project_members (user_id, project_updated_at DESC, project_id DESC) WHERE project_shared;
CREATE FUNCTION vesper_members_fill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN SELECT p.updated_at, p.is_shared INTO NEW.project_updated_at, NEW.project_shared FROM projects p WHERE p.id = NEW.project_id; RETURN NEW; END $$;
CREATE TRIGGER project_members_fill BEFORE INSERT ON project_members FOR EACH ROW EXECUTE FUNCTION vesper_members_fill();
CREATE FUNCTION vesper_projects_sort_to_members() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE project_members SET project_updated_at = NEW.updated_at, project_shared = NEW.is_shared WHERE project_id = NEW.id; RETURN NULL; END $$;
CREATE TRIGGER projects_sort_to_members AFTER UPDATE OF updated_at, is_shared ON projects FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.is_shared IS DISTINCT FROM NEW.is_shared) EXECUTE FUNCTION vesper_projects_sort_to_members();
