/**
 * Webhooks: signed notifications from Squarespace and Exact Online (signatures checked, repeats
 * dropped by the notification log) and the webhook subscriptions the connector manages on both
 * sides (Squarespace's with their secrets stored encrypted; Exact's listed and removed).
 */
package org.sqexact.webhook;
