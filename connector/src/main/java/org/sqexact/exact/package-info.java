/**
 * Exact Online's REST API as the connector uses it: OAuth tokens (refresh rules, one refresh at a
 * time across processes), the rate governor (minutely and daily limits, the order share of the
 * budget, the client-error stop), the gateway every call passes through, OData queries and paging,
 * the division check, reference data (journals, VAT codes, accounts …) and the document types an
 * order can be booked as. Failures are typed: passing ({@link
 * org.sqexact.exact.ExactTransientException}), refused ({@link
 * org.sqexact.exact.ExactFunctionalException}), unknown outcome of a write ({@link
 * org.sqexact.exact.ExactOutcomeUnknownException}), re-authorisation needed.
 */
package org.sqexact.exact;
