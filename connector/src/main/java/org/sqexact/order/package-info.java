/**
 * The order flow's beans, each with one job, called from {@code routes/order-sync.camel.yaml} and
 * {@code routes/order-refunds.camel.yaml}: eligibility, the existence check in Exact, customers
 * (find, create, update), items and VAT codes, the lines as Squarespace charged them (taxes per
 * line, discounts per rate), payloads through the datamapper, booking the document, refunds as
 * credit documents, and failures (retried on a back-off schedule, or parked with a plain reason).
 */
package org.sqexact.order;
