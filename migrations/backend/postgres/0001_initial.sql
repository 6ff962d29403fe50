-- Vesper backend schema, PostgreSQL dialect.
-- Statements are separated by a semicolon at the end of a line.

CREATE TABLE rev_counter (
  id integer PRIMARY KEY CHECK (id = 1),
  value bigint NOT NULL
);
INSERT INTO rev_counter (id, value) VALUES (1, 0);

CREATE TABLE profiles (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  display_name text NOT NULL DEFAULT '',
  username text,
  password_hash text,
  credits bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  rev bigint NOT NULL
);
CREATE UNIQUE INDEX profiles_username ON profiles (username) WHERE username IS NOT NULL;

CREATE TABLE projects (
  id text PRIMARY KEY,
  owner_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  is_shared boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  rev bigint NOT NULL
);
CREATE INDEX projects_owner_updated ON projects (owner_id, updated_at DESC, id DESC);
CREATE INDEX projects_owner_rev ON projects (owner_id, rev);

CREATE TABLE project_members (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('viewer', 'editor')),
  joined_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members (user_id, project_id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  creator_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL DEFAULT 'image' CHECK (type IN ('image', 'video')),
  is_private boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  rev bigint NOT NULL
);
CREATE INDEX sessions_project_created ON sessions (project_id, created_at, id);
CREATE INDEX sessions_project_rev ON sessions (project_id, rev);

CREATE TABLE generations (
  id text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  project_id text NOT NULL,
  user_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  client_id text,
  model_id text NOT NULL,
  prompt text NOT NULL,
  negative_prompt text NOT NULL DEFAULT '',
  parameters jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  progress integer NOT NULL DEFAULT 0,
  progress_is_estimate boolean NOT NULL DEFAULT false,
  error_code text,
  error_message text,
  cost bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  rev bigint NOT NULL
);
CREATE UNIQUE INDEX generations_user_client ON generations (user_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX generations_session_created ON generations (session_id, created_at DESC, id DESC);
CREATE INDEX generations_project_rev ON generations (project_id, rev);
CREATE INDEX generations_completed ON generations (session_id, created_at DESC) WHERE status = 'completed';

CREATE TABLE outputs (
  id text PRIMARY KEY,
  generation_id text NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
  session_id text NOT NULL,
  project_id text NOT NULL,
  file_type text NOT NULL DEFAULT 'image' CHECK (file_type IN ('image', 'video')),
  storage_key text NOT NULL,
  thumb_key text,
  width integer,
  height integer,
  duration double precision,
  bytes bigint,
  sha256 text,
  is_starred boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  rev bigint NOT NULL
);
CREATE INDEX outputs_generation ON outputs (generation_id);
CREATE INDEX outputs_project_images ON outputs (project_id, created_at DESC, id DESC) WHERE file_type = 'image';
CREATE INDEX outputs_project_rev ON outputs (project_id, rev);

CREATE TABLE project_stats (
  project_id text PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  sessions_all integer NOT NULL DEFAULT 0,
  sessions_shared integer NOT NULL DEFAULT 0,
  latest_output_all text,
  latest_output_shared text,
  last_activity_at timestamptz NOT NULL
);

CREATE TABLE tombstones (
  rev bigint PRIMARY KEY,
  user_id text NOT NULL,
  kind text NOT NULL,
  id text NOT NULL,
  project_id text,
  created_at timestamptz NOT NULL
);
CREATE INDEX tombstones_user_rev ON tombstones (user_id, rev);

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  family_id text NOT NULL,
  parent_hash text,
  issued_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE credit_ledger (
  id bigserial PRIMARY KEY,
  user_id text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  generation_id text,
  amount bigint NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX credit_ledger_user ON credit_ledger (user_id);
