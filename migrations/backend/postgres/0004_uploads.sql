-- Reference images a user uploaded: files in the object store under "{userId}/uploads/{id}.{ext}",
-- stripped of metadata. Statements are one per line.
CREATE TABLE uploads (id text PRIMARY KEY, user_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE, storage_key text NOT NULL, mime text NOT NULL, bytes bigint NOT NULL, sha256 text NOT NULL, width integer, height integer, created_at timestamptz NOT NULL);
CREATE INDEX uploads_user_created ON uploads (user_id, created_at);
