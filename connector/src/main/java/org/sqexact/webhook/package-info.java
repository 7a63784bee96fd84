/**
 * Webhooks: signed notifications from Squarespace and Exact Online (signatures checked, repeats
 * dropped by the notification log) and the Exact webhook subscriptions the connector manages.
 */
package org.sqexact.webhook;
