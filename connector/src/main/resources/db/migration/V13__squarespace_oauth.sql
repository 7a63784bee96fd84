-- Squarespace OAuth and the connector's Squarespace webhook subscriptions (issue 11). Tokens and
-- subscription secrets are stored encrypted with the connector's secret key (SecretBox), like
-- Exact's tokens; no personal data.

-- The Squarespace OAuth tokens of a connection (squarespace-api.md §1: the access token lives
-- 30 minutes, the refresh token 7 days and rotates on every refresh).
CREATE TABLE squarespace_token (
  connection_id       VARCHAR(64)  NOT NULL PRIMARY KEY REFERENCES connection (id),
  refresh_token_enc   VARCHAR(4000),
  access_token_enc    VARCHAR(8000),
  access_expires_at   TIMESTAMP WITH TIME ZONE,
  refresh_expires_at  TIMESTAMP WITH TIME ZONE,
  refresh_count       BIGINT       DEFAULT 0 NOT NULL,
  problem             VARCHAR(500),
  updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

-- The webhook subscriptions the connector created in Squarespace, with their secret (returned only
-- on create and rotate, squarespace-api.md §5): it checks Squarespace-Signature.
CREATE TABLE squarespace_webhook (
  connection_id    VARCHAR(64)   NOT NULL REFERENCES connection (id),
  subscription_id  VARCHAR(64)   NOT NULL,
  endpoint_url     VARCHAR(1000) NOT NULL,
  topics           VARCHAR(200)  NOT NULL,
  secret_enc       VARCHAR(1000) NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection_id, subscription_id)
);
