-- Idempotency-Key of creates (POST /api/projects, /api/sessions, /api/uploads, /api/projects/{id}/members):
-- the first answer per (user, key), written in the transaction that made the row, so a replay gets
-- it back and changes nothing. The fingerprint (method, path, body) tells a replay from a misuse.
-- Rows older than the retention (24 h by default) are pruned hourly. Statements are one per line.
CREATE TABLE idempotency_keys (user_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE, idem_key text NOT NULL, fingerprint text NOT NULL, status integer NOT NULL, response text NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (user_id, idem_key));
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
-- Which generations used which uploads as references, so GET /api/uploads/{id}/file can let in
-- whoever sees such a generation; filled by every new generation and here from the old ones.
CREATE TABLE generation_uploads (upload_id text NOT NULL REFERENCES uploads (id) ON DELETE CASCADE, generation_id text NOT NULL REFERENCES generations (id) ON DELETE CASCADE, PRIMARY KEY (upload_id, generation_id));
CREATE INDEX generation_uploads_generation ON generation_uploads (generation_id);
INSERT INTO generation_uploads (upload_id, generation_id) SELECT DISTINCT r.id, g.id FROM generations g CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(g.parameters -> 'referenceUploadIds') = 'array' THEN g.parameters -> 'referenceUploadIds' ELSE '[]'::jsonb END) AS r (id) WHERE r.id IN (SELECT id FROM uploads) ON CONFLICT DO NOTHING;
