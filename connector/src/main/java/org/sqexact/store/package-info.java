/**
 * The connector's state in one database (embedded H2, or PostgreSQL), schema by Flyway: the order
 * ledger (exactly-once transitions), the refund ledger, the activity log, watermarks, the
 * connection row, the encrypted token store, and the private data directory (secret key, generated
 * passwords and API token). On a database several nodes share: Exact's minute and client-error
 * budgets per division ({@link org.sqexact.store.SharedRateBudget}) and the live nodes from
 * Quartz's cluster table ({@link org.sqexact.store.ClusterNodes}).
 */
package org.sqexact.store;
