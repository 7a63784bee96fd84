/**
 * The demo's sandbox (module {@code sandbox}): {@link org.sqexact.sandbox.DemoSandbox} runs an
 * in-process fake of the Squarespace Commerce API ({@code /squarespace}) and of the Exact Online
 * REST API ({@code /exact}) on one local port, seeded with "Demo Koffiebranderij" (seed files in
 * {@code sandbox/src/main/resources/demo/}). It is a behavioural fake: the connector's real HTTP
 * code runs against it unchanged, only the base URLs differ. The connector finds it only when the
 * demo runs, through {@link org.sqexact.sandbox.SandboxDemoBackend} (an {@link
 * org.sqexact.config.DemoBackend}), which also adds the demo controls ({@code
 * sandbox/demo.camel.yaml}, {@link org.sqexact.sandbox.DemoControls}). Entity types come from the
 * connector's EDMX reader ({@link org.sqexact.mapping.Edmx}).
 *
 * <h2>Squarespace ({@link org.sqexact.sandbox.SquarespaceShop})</h2>
 *
 * <ul>
 *   <li>Every request: a non-empty {@code User-Agent} (else 400 INVALID_REQUEST_ERROR /
 *       MISSING_ARGUMENT) and {@code Authorization: Bearer demo-squarespace-key} (else 401
 *       AUTHORIZATION_ERROR). Errors: {@code {type, subtype, message, details:null, contextId}}.
 *   <li>More than 300 requests in a sliding clock minute: 429 TOO_MANY_REQUESTS and 60 s cool-down,
 *       no rate headers; {@code forceTooManyRequests(n)} forces the next n.
 *   <li>Orders: {@code modifiedAfter}+{@code modifiedBefore} (both or neither, before &gt; after,
 *       ISO-8601 UTC) filter {@code modifiedOn} in (after, before], ascending; {@code
 *       paymentStates} (default NOT_CHARGED,AUTHORIZED,PAID,REFUNDED), {@code fulfillmentStatus},
 *       {@code customerId}; page size 50 ({@code pageSize(n)}); the opaque base64url cursor carries
 *       the window, filters and position and must be sent alone. {@code nextPageUrl} is absolute.
 *   <li>Also: order by id (400 malformed, 404 unknown), fulfillments POST, transactions (by
 *       orderId/window/cursor and by ids), website, inventory (cursor) and adjustments
 *       (Idempotency-Key required, ≤ 50 operations, atomic, replay → 204 without re-applying, reuse
 *       with another body → 400, 409 INSUFFICIENT_STOCK/STOCK_NOT_TRACKED), products v2 (list, by
 *       ids, create, update, variant update: {@link org.sqexact.sandbox.SandboxProducts}).
 * </ul>
 *
 * <h2>Exact Online ({@link org.sqexact.sandbox.ExactDivision})</h2>
 *
 * <ul>
 *   <li>{@code POST /api/oauth2/token} (form-encoded, refresh_token grant only): rotating refresh
 *       tokens ({@code demo-refresh-token-0}, -1, …); an old one → 401 unauthorized_client "Old
 *       refresh token used."; a refresh within 570 s of the previous grant → 400 access_denied with
 *       header {@code Reason: TooEarlyToRefreshTokens}; {@code expires_in} is the string "600";
 *       access tokens live 600 s of the clock.
 *   <li>{@code GET /api/v1/current/Me}: no rate headers. Division calls ({@code /api/v1/123456/…}):
 *       X-RateLimit-* headers (resets in epoch ms), 60 per fixed UTC minute (429 with only the
 *       minutely headers), 5000 per UTC day (429 with only the daily ones). 401 (bad token) and 403
 *       (wrong division) carry no rate headers.
 *   <li>{@code Accept: application/json} is required on GET/POST: the sandbox answers 406 where
 *       real Exact would answer Atom XML.
 *   <li>Every entity set of the vendored EDMX exists. Lists need {@code $select} (or {@code
 *       $top=1}), sets with a sync API need a {@code $filter} ("mandatory filtering", switchable);
 *       60 rows a page, 1000 on {@code sync/} and {@code bulk/}; {@code __next} with {@code
 *       $skiptoken}; {@code $filter}/{@code $orderby}/{@code $top}/{@code $skip}/{@code
 *       $expand}/{@code $inlinecount}/{@code $count}. String comparison is case-insensitive.
 *       Default order is by key. Int64 values (sync {@code Timestamp}) are JSON strings, dates
 *       {@code /Date(ms)/}.
 *   <li>POST → 201 {@code {"d":{…}}} (all properties, lines deferred), PUT → 204, DELETE → 204
 *       (recorded in {@code sync/Deleted}). Unknown properties → 400 naming property and type.
 *       Rules: Accounts need Name (Code padded to 18, next number when absent); SalesOrders need
 *       OrderedBy and ≥ 1 line with an existing sales Item; SalesInvoices need Journal (a sales
 *       journal), OrderedBy, lines, and Warehouse exactly for Type 8023/8024; SalesEntries need
 *       Journal, Customer, lines with GLAccount and AmountFC; referenced guids and codes must
 *       exist. Sales orders reserve stock, direct invoices deliver it.
 * </ul>
 */
package org.sqexact.sandbox;
