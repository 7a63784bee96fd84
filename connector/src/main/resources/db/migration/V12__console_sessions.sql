-- Dashboard sessions (issue 10), so that a restart does not log the operators out. Only the
-- SHA-256 of the session id is kept (the id itself is in the operator's cookie alone), with the
-- operator's user name and the times that end the session (1 hour idle, 12 hours at most). Expired
-- rows are deleted at the next login.
CREATE TABLE console_session (
  id_hash        VARCHAR(64)  NOT NULL PRIMARY KEY,
  connection_id  VARCHAR(64)  NOT NULL REFERENCES connection (id),
  user_name      VARCHAR(64)  NOT NULL,
  started_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX console_session_seen ON console_session (connection_id, last_seen_at);
