-- Flows from Exact Online back to Squarespace (issue 11). Only ids, SKUs, quantities and tracking
-- numbers are stored: no names, e-mails or addresses.

-- The stock level the connector last wrote to (or found in) Squarespace per SKU, so that only levels
-- that changed in Exact are written. rejected_reason: Squarespace refused this level (e.g.
-- STOCK_EXCEEDS_MAX); it is not sent again until Exact's level changes.
CREATE TABLE stock_level (
  connection_id    VARCHAR(64)  NOT NULL REFERENCES connection (id),
  sku              VARCHAR(64)  NOT NULL,
  quantity         BIGINT       NOT NULL,
  rejected_reason  VARCHAR(500),
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection_id, sku)
);

-- One inventory adjustment request (at most 50 operations) with its Idempotency-Key. A batch stays
-- PENDING until Squarespace accepted it, and is sent again with the same key and body.
CREATE TABLE stock_batch (
  connection_id    VARCHAR(64)  NOT NULL REFERENCES connection (id),
  idempotency_key  VARCHAR(64)  NOT NULL,
  body             VARCHAR(20000) NOT NULL,
  skus             VARCHAR(8000) NOT NULL,
  state            VARCHAR(16)  NOT NULL,
  attempts         INTEGER      DEFAULT 0 NOT NULL,
  last_error       VARCHAR(1000),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection_id, idempotency_key)
);
CREATE INDEX stock_batch_state ON stock_batch (connection_id, state);

-- Orders marked fulfilled in Squarespace after a delivery in Exact: at most once per order.
CREATE TABLE fulfilment_ledger (
  connection_id    VARCHAR(64)  NOT NULL REFERENCES connection (id),
  order_id         VARCHAR(64)  NOT NULL,
  order_number     VARCHAR(32)  NOT NULL,
  source           VARCHAR(64)  NOT NULL,
  carrier          VARCHAR(100),
  service          VARCHAR(100),
  tracking_number  VARCHAR(100),
  ship_date        TIMESTAMP WITH TIME ZONE,
  state            VARCHAR(16)  NOT NULL,
  attempts         INTEGER      DEFAULT 0 NOT NULL,
  last_error       VARCHAR(1000),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection_id, order_id)
);
CREATE INDEX fulfilment_ledger_state ON fulfilment_ledger (connection_id, state);

-- Webhook notifications already handled (Squarespace delivers at least once).
CREATE TABLE processed_notification (
  connection_id    VARCHAR(64)  NOT NULL REFERENCES connection (id),
  source           VARCHAR(16)  NOT NULL,
  notification_id  VARCHAR(100) NOT NULL,
  received_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection_id, source, notification_id)
);
