-- Idempotency-Key of creates (POST /api/projects, /api/sessions, /api/uploads, /api/projects/{id}/members):
-- the first answer per (user, key), written in the transaction that made the row, so a replay gets
-- it back and changes nothing. The fingerprint (method, path, body) tells a replay from a misuse.
-- Rows older than the retention (24 h by default) are pruned hourly. Statements are one per line.
CREATE TABLE idempotency_keys (user_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE, idem_key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (user_id, idem_key));
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
-- Which generations used which uploads as references, so GET /api/uploads/{id}/file can let in
-- whoever sees such a generation; filled by every new generation and here from the old ones.
CREATE TABLE generation_uploads (upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE, generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE, PRIMARY KEY (upload_id, generation_id));
CREATE INDEX generation_uploads_generation ON generation_uploads (generation_id);
INSERT OR IGNORE INTO generation_uploads (upload_id, generation_id) SELECT j.value, g.id FROM generations g, json_each(CASE WHEN json_valid(g.parameters) THEN g.parameters ELSE '{}' END, '$.referenceUploadIds') j WHERE g.parameters LIKE '%referenceUploadIds%' AND j.value IN (SELECT id FROM uploads);
