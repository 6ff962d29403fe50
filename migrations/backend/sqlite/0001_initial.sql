-- Vesper backend schema, SQLite dialect. Times are integer microseconds since the epoch (UTC).
-- Statements are separated by a semicolon at the end of a line.

CREATE TABLE rev_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO rev_counter (id, value) VALUES (1, 0);

CREATE TABLE profiles (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  username TEXT,
  password_hash TEXT,
  credits INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  rev INTEGER NOT NULL
);
CREATE UNIQUE INDEX profiles_username ON profiles (username) WHERE username IS NOT NULL;

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_shared INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  rev INTEGER NOT NULL
);
CREATE INDEX projects_owner_updated ON projects (owner_id, updated_at DESC, id DESC);
CREATE INDEX projects_owner_rev ON projects (owner_id, rev);

CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members (user_id, project_id);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  creator_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'image' CHECK (type IN ('image', 'video')),
  is_private INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  rev INTEGER NOT NULL
);
CREATE INDEX sessions_project_created ON sessions (project_id, created_at, id);
CREATE INDEX sessions_project_rev ON sessions (project_id, rev);

CREATE TABLE generations (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  client_id TEXT,
  model_id TEXT NOT NULL,
  prompt TEXT NOT NULL,
  negative_prompt TEXT NOT NULL DEFAULT '',
  parameters TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  progress INTEGER NOT NULL DEFAULT 0,
  progress_is_estimate INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  cost INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  rev INTEGER NOT NULL
);
CREATE UNIQUE INDEX generations_user_client ON generations (user_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX generations_session_created ON generations (session_id, created_at DESC, id DESC);
CREATE INDEX generations_project_rev ON generations (project_id, rev);

CREATE TABLE outputs (
  id TEXT PRIMARY KEY,
  generation_id TEXT NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  file_type TEXT NOT NULL DEFAULT 'image' CHECK (file_type IN ('image', 'video')),
  storage_key TEXT NOT NULL,
  thumb_key TEXT,
  width INTEGER,
  height INTEGER,
  duration REAL,
  bytes INTEGER,
  sha256 TEXT,
  is_starred INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  rev INTEGER NOT NULL
);
CREATE INDEX outputs_generation ON outputs (generation_id);
CREATE INDEX outputs_project_images ON outputs (project_id, created_at DESC, id DESC) WHERE file_type = 'image';
CREATE INDEX outputs_project_rev ON outputs (project_id, rev);

CREATE TABLE project_stats (
  project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  sessions_all INTEGER NOT NULL DEFAULT 0,
  sessions_shared INTEGER NOT NULL DEFAULT 0,
  latest_output_all TEXT,
  latest_output_shared TEXT,
  last_activity_at INTEGER NOT NULL
);

CREATE TABLE tombstones (
  rev INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  project_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX tombstones_user_rev ON tombstones (user_id, rev);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  parent_hash TEXT,
  issued_at INTEGER NOT NULL,
  used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE credit_ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  generation_id TEXT,
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX credit_ledger_user ON credit_ledger (user_id);
