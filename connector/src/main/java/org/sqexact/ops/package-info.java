/**
 * What the operator sees and does: the operator API ({@code /api/…}) and its login (API token,
 * request headers filtered), health and metrics, alerts (grouped, by e-mail and webhook), the poll
 * watch, the pre-flight check of every code in the settings, and the claims that let one actor at a
 * time act on an order. Nothing here returns or logs personal data ({@link
 * org.sqexact.ops.PersonalData}).
 */
package org.sqexact.ops;
