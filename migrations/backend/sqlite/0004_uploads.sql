-- Reference images a user uploaded: files in the object store under "{userId}/uploads/{id}.{ext}",
-- stripped of metadata. Statements are one per line.
CREATE TABLE uploads (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE, storage_key TEXT NOT NULL, mime TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, width INTEGER, height INTEGER, created_at INTEGER NOT NULL);
CREATE INDEX uploads_user_created ON uploads (user_id, created_at);
