-- Refunds made in Squarespace after an order was booked: one credit document per refund.
CREATE TABLE refund_ledger (
  connection_id          VARCHAR(64)  NOT NULL REFERENCES connection (id),
  refund_id              VARCHAR(64)  NOT NULL,
  order_id               VARCHAR(64)  NOT NULL,
  order_number           VARCHAR(32)  NOT NULL,
  amount                 DECIMAL(19, 4) NOT NULL,
  your_ref               VARCHAR(64)  NOT NULL,
  state                  VARCHAR(16)  NOT NULL,
  document_type          VARCHAR(32),
  exact_document_id      VARCHAR(64),
  exact_document_number  VARCHAR(32),
  attempts               INTEGER      DEFAULT 0 NOT NULL,
  outcome_unknown        BOOLEAN      DEFAULT FALSE NOT NULL,
  last_error             VARCHAR(1000),
  created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (connection_id, refund_id)
);
CREATE INDEX refund_ledger_order ON refund_ledger (connection_id, order_id);
