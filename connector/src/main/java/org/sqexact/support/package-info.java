/**
 * Small helpers shared by the other packages: reading API response bodies and failure causes,
 * redacting secrets and personal data from texts, and the {@link org.sqexact.support.Sleeper}
 * through which the connector waits (a test clock replaces it).
 */
package org.sqexact.support;
