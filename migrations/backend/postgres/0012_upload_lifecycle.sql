-- Uploads get a lifecycle: GET /api/uploads pages a user's own by (created_at, id), newest first,
-- and the periodic sweep finds old unreferenced ones by created_at. Statements are one per line.
DROP INDEX uploads_user_created;
CREATE INDEX uploads_user_created_id ON uploads (user_id, created_at, id);
CREATE INDEX uploads_created ON uploads (created_at);
