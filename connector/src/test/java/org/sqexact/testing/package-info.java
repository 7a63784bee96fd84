/**
 * The test harness, shared with the sandbox module's tests through the connector's test jar: {@link
 * org.sqexact.testing.ConnectorHarness} starts the connector as production does, with a {@link
 * org.sqexact.testing.TestClock} that stands still until a test moves it; WireMock stubs of Exact,
 * sample Squarespace orders, and PostgreSQL for the tests.
 */
package org.sqexact.testing;
