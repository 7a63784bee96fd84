/**
 * Stock from Exact Online to Squarespace: stock positions read through Exact's sync API, the shop's
 * variants by SKU, inventory adjustments in batches with idempotency keys, the stock store, and
 * {@link org.sqexact.stock.OrdersFirst}, which leaves the minute's last calls to orders.
 */
package org.sqexact.stock;
