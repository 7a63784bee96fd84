package org.sqexact.sandbox;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a URL path under {@code /api/v1/{division}/} maps onto the in-memory store: a stored EDMX
 * entity set, a line collection stored inside its header, or a read-only sync/bulk view.
 */
final class ExactSet {

  enum Kind {
    /** A top-level EDMX entity set, stored as a list. */
    STORED,
    /** A line collection (e.g. SalesOrderLines) stored inside its header entity. */
    CHILD,
    /** {@code sync/…}: a stored set plus the Int64 {@code Timestamp}, 1000 rows a page. */
    SYNC,
    /** {@code bulk/…}: a stored set, 1000 rows a page, {@code $select} always mandatory. */
    BULK,
    /** {@code sync/Inventory/StockPositions}, computed from {@code inventory/ItemWarehouses}. */
    STOCK_POSITIONS,
    /** {@code sync/Deleted}. */
    DELETED
  }

  final Kind kind;

  /** The path as the client wrote it after the division, e.g. {@code sync/CRM/Accounts}. */
  final String urlPath;

  /** Storage of the data: the EDMX set itself (STORED/CHILD) or the set viewed (SYNC/BULK). */
  final SandboxEdmx.EntitySet edmxSet;

  /** CHILD: the header set and the navigation property holding the lines. */
  final SandboxEdmx.EntitySet parent;

  final String navigation;

  /** Every property a client may select/filter, name to Edm type, in output order. */
  final Map<String, String> properties;

  final String key;
  final String metadataType;
  final int pageSize;

  ExactSet(
      Kind kind,
      String urlPath,
      SandboxEdmx.EntitySet edmxSet,
      SandboxEdmx.EntitySet parent,
      String navigation,
      Map<String, String> properties,
      String key,
      String metadataType,
      int pageSize) {
    this.kind = kind;
    this.urlPath = urlPath;
    this.edmxSet = edmxSet;
    this.parent = parent;
    this.navigation = navigation;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    this.key = key;
    this.metadataType = metadataType;
    this.pageSize = pageSize;
  }

  String keyType() {
    return properties.getOrDefault(key, "Edm.Guid");
  }

  boolean writable() {
    return kind == Kind.STORED || kind == Kind.CHILD;
  }

  /** Lower-case {@code service/Set} of the EDMX set holding the data; null for computed views. */
  String storePath() {
    return edmxSet == null ? null : edmxSet.path().toLowerCase(java.util.Locale.ROOT);
  }

  /** Navigation properties of the entity type (line collections), name to target set. */
  Map<String, String> navigations() {
    if (edmxSet == null || kind == Kind.SYNC || kind == Kind.STOCK_POSITIONS) {
      return Map.of();
    }
    return edmxSet.type.navigations;
  }
}
