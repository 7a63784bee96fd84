/**
 * The data mapper: merchant-editable mapping files ({@code mappings/exact-online.yaml}) that say,
 * per Exact Online field, which Squarespace value feeds it, as JSONata expressions with helper
 * functions ({@link org.sqexact.mapping.MappingFunctions}).
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * DataMapper mapper = DataMapper.load(Path.of("mappings/exact-online.yaml"), settings);
 * ObjectNode account = mapper.map("account", order, Map.of("company", company, "vatNumber", vat));
 * ObjectNode invoice = mapper.map("salesInvoice", order, Map.of("doc", doc));
 * // POST account to DataMapper.endpoint("account") = "crm/Accounts", ...
 * }</pre>
 *
 * <h2>Input contract</h2>
 *
 * <ul>
 *   <li>The input of every target is the raw Squarespace order ({@code GET
 *       /1.0/commerce/orders/{id}}), read with {@link org.sqexact.mapping.DataMapper#jsonMapper()}
 *       so decimals stay exact. JSON nulls count as missing.
 *   <li>Customer targets {@code account}, {@code contact}, {@code deliveryAddress}: variables
 *       {@code company}, {@code vatNumber} (text or null, from checkout form answers, see {@link
 *       org.sqexact.mapping.MappingFunctions#formValue}), {@code accountId} (Exact account GUID,
 *       once known: contact and delivery address need it), {@code settings}.
 *   <li>Document targets {@code salesOrder}, {@code salesInvoice}, {@code salesEntry}: variable
 *       {@code doc} = {@code {accountId, contactId, deliveryAddressId, paymentCondition,
 *       shippingMethodId, journal, warehouseId, yourRef, documentType, lines: [{kind
 *       (product|shipping|discount|nosku), sku, itemId, productName, variantOptions: [{optionName,
 *       value}], customizations: [{label, value}], quantity, unitPriceExcl, unitPriceIncl,
 *       amountExcl, vatCode, glAccount, description}]}}. Ids are Exact GUIDs; paymentCondition,
 *       journal and vatCode are Exact codes; money is BigDecimal (or JSON numbers read with exact
 *       decimals); documentType is Exact's type code (8020, 8021, 8023, 8024 for invoices; 20, 21
 *       for entries). For shipping lines productName is the shipping method, for discount lines the
 *       promo code (or discount name); description, when set, is used as is.
 *   <li>Variables may be Jackson trees, maps, lists, records or plain values; other names than
 *       {@link org.sqexact.mapping.DataMapper#VARIABLES} must be declared with {@link
 *       org.sqexact.mapping.DataMapper#load(java.nio.file.Path, Settings, java.util.Set)}.
 * </ul>
 */
package org.sqexact.mapping;
