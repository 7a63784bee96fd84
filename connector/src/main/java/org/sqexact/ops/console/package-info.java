/**
 * The operator's dashboard under {@code /console/}: the login door (user names and bcrypt hashes
 * from {@code CONNECTOR_USERS}, sessions kept in the database by the hash of their id, CSRF tokens,
 * slowed and locked after wrong passwords), the pages served from the jar, the JSON they read
 * (orders, trace, charts, health), and the connect wizard (the Squarespace key, Exact's OAuth
 * consent, the division) that brings a fresh install to its first booked order without a restart.
 * Addresses, names and e-mails never reach a page; the trace shows ids, numbers and amounts.
 */
package org.sqexact.ops.console;
