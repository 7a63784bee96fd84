/**
 * Squarespace's Commerce API as the connector uses it: the gateway every call passes through (API
 * key, User-Agent, the pause after a 429), order pages by modification window with a watermark, the
 * order and transactions models, exact-decimal JSON reading, and Squarespace OAuth (consent, code
 * exchange, refresh; tokens encrypted), used only for webhook subscriptions.
 */
package org.sqexact.squarespace;
