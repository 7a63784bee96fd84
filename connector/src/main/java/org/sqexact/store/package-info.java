/**
 * The connector's state in one database (embedded H2, or PostgreSQL), schema by Flyway: the order
 * ledger (exactly-once transitions), the refund ledger, the activity log, watermarks, the
 * connection row, the encrypted token store, and the private data directory (secret key, generated
 * passwords and API token).
 */
package org.sqexact.store;
