package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.sqexact.sandbox.ExactDivision.ExactException;

/**
 * The handful of Exact Online business rules the sandbox enforces on POST/PUT (mandatory fields,
 * references that must exist, direct-invoice warehouse) and the fields Exact derives on insert
 * (numbers, padded account codes, names, amounts, stock reservations).
 */
final class ExactRules {

  static final int ACCOUNT_CODE_LENGTH = 18;

  private ExactRules() {}

  // =====================================================================================
  // validation (POST and PUT through HTTP)
  // =====================================================================================

  /**
   * @param entity the posted entity, or for a PUT only the changed properties
   * @param existing null for an insert, the stored entity for an update
   */
  static void validate(ExactDivision div, ExactSet def, ObjectNode entity, ObjectNode existing) {
    boolean insert = existing == null;
    ObjectNode merged = entity;
    if (!insert) {
      merged = existing.deepCopy();
      merged.setAll(entity);
    }
    switch (def.edmxSet.path().toLowerCase(Locale.ROOT)) {
      case "crm/accounts":
        if (insert || entity.has("Name")) {
          mandatory(merged, "Name");
        }
        if (entity.hasNonNull("Code")) {
          String code = pad(entity.get("Code").asText());
          Optional<ObjectNode> other = div.findFirst("crm/accounts", "Code", code.trim());
          if (other.isPresent() && (insert || other.get() != existing)) {
            throw bad(
                "Code "
                    + code.trim()
                    + " is already in use by account "
                    + other.get().path("Name").asText()
                    + ".");
          }
        }
        ref(div, entity, "MainContact", "crm/contacts");
        ref(div, entity, "InvoiceAccount", "crm/accounts");
        ref(div, entity, "Parent", "crm/accounts");
        ref(div, entity, "ShippingMethod", "sales/shippingmethods");
        code(div, entity, "SalesVATCode", "vat/vatcodes");
        code(div, entity, "PaymentConditionSales", "cashflow/paymentconditions");
        break;
      case "crm/contacts":
        if (insert) {
          mandatory(merged, "Account");
          if (blank(merged, "FirstName") && blank(merged, "LastName")) {
            throw bad("Provide at least first name or last name to create a new contact.");
          }
        }
        ref(div, entity, "Account", "crm/accounts");
        break;
      case "crm/addresses":
        if (insert) {
          mandatory(merged, "Account");
          mandatory(merged, "Type");
        }
        ref(div, entity, "Account", "crm/accounts");
        if (entity.hasNonNull("Type")) {
          int type = entity.get("Type").asInt();
          if (type < 1 || type > 4) {
            throw bad(
                "Invalid value for Type: " + type + " (1 Visit, 2 Postal, 3 Invoice, 4 Delivery).");
          }
        }
        break;
      case "logistics/items":
        if (insert || entity.has("Code")) {
          mandatory(merged, "Code");
          Optional<ObjectNode> other =
              div.findFirst("logistics/items", "Code", merged.get("Code").asText());
          if (other.isPresent() && (insert || other.get() != existing)) {
            throw bad("Item code " + merged.get("Code").asText() + " already exists.");
          }
        }
        if (insert) {
          mandatory(merged, "Description");
        }
        code(div, entity, "SalesVatCode", "vat/vatcodes");
        break;
      case "salesorder/salesorders":
        if (insert) {
          mandatory(merged, "OrderedBy");
        } else if (entity.has("OrderedBy")
            && !entity
                .path("OrderedBy")
                .asText()
                .equalsIgnoreCase(existing.path("OrderedBy").asText())) {
          throw bad("OrderedBy cannot be changed after the sales order has been created.");
        }
        ref(div, entity, "OrderedBy", "crm/accounts");
        ref(div, entity, "DeliverTo", "crm/accounts");
        ref(div, entity, "InvoiceTo", "crm/accounts");
        ref(div, entity, "OrderedByContactPerson", "crm/contacts");
        ref(div, entity, "DeliverToContactPerson", "crm/contacts");
        ref(div, entity, "InvoiceToContactPerson", "crm/contacts");
        ref(div, entity, "DeliveryAddress", "crm/addresses");
        ref(div, entity, "ShippingMethod", "sales/shippingmethods");
        ref(div, entity, "WarehouseID", "inventory/warehouses");
        code(div, entity, "PaymentCondition", "cashflow/paymentconditions");
        if (insert) {
          if (!hasLines(entity, "SalesOrderLines")) {
            throw bad("Mandatory: SalesOrderLines (a sales order needs at least one line).");
          }
          for (JsonNode line : entity.get("SalesOrderLines")) {
            itemLine(div, (ObjectNode) line);
          }
          chargeLines(div, entity, "SalesOrderOrderChargeLines");
        }
        break;
      case "salesorder/salesorderlines":
        if (insert) {
          itemLine(div, entity);
        } else {
          ref(div, entity, "Item", "logistics/items");
          code(div, entity, "VATCode", "vat/vatcodes");
        }
        break;
      case "salesinvoice/salesinvoices":
        {
          if (insert) {
            mandatory(merged, "Journal");
            mandatory(merged, "OrderedBy");
          }
          if (entity.hasNonNull("Journal")) {
            Optional<ObjectNode> journal =
                div.findFirst("financial/journals", "Code", entity.get("Journal").asText());
            if (journal.isEmpty() || journal.get().path("Type").asInt() != 20) {
              throw bad(
                  "Invalid reference: Journal '"
                      + entity.get("Journal").asText()
                      + "' (a sales journal is required).");
            }
          }
          int type = merged.path("Type").asInt(8020);
          if (type != 8020 && type != 8021 && type != 8023 && type != 8024) {
            throw bad("Invalid value for Type: " + type + ".");
          }
          boolean direct = type == 8023 || type == 8024;
          if (direct && blank(merged, "Warehouse")) {
            throw bad("Mandatory: Warehouse (required for a direct sales invoice or credit note).");
          }
          if (!direct && !blank(merged, "Warehouse")) {
            throw bad("Warehouse cannot be set for a normal sales invoice or credit note.");
          }
          ref(div, entity, "Warehouse", "inventory/warehouses");
          ref(div, entity, "OrderedBy", "crm/accounts");
          ref(div, entity, "InvoiceTo", "crm/accounts");
          ref(div, entity, "DeliverTo", "crm/accounts");
          ref(div, entity, "DeliverToAddress", "crm/addresses");
          ref(div, entity, "ShippingMethod", "sales/shippingmethods");
          code(div, entity, "PaymentCondition", "cashflow/paymentconditions");
          if (insert) {
            if (!hasLines(entity, "SalesInvoiceLines")) {
              throw bad("Mandatory: SalesInvoiceLines (an invoice needs at least one line).");
            }
            for (JsonNode line : entity.get("SalesInvoiceLines")) {
              itemLine(div, (ObjectNode) line);
              ref(div, (ObjectNode) line, "GLAccount", "financial/glaccounts");
            }
            chargeLines(div, entity, "SalesInvoiceOrderChargeLines");
          }
          break;
        }
      case "salesinvoice/salesinvoicelines":
        if (insert) {
          itemLine(div, entity);
        }
        ref(div, entity, "GLAccount", "financial/glaccounts");
        break;
      case "salesentry/salesentries":
        if (insert) {
          mandatory(merged, "Journal");
          mandatory(merged, "Customer");
        }
        if (entity.hasNonNull("Journal")
            && div.findFirst("financial/journals", "Code", entity.get("Journal").asText())
                .isEmpty()) {
          throw bad("Invalid reference: Journal '" + entity.get("Journal").asText() + "'.");
        }
        ref(div, entity, "Customer", "crm/accounts");
        code(div, entity, "PaymentCondition", "cashflow/paymentconditions");
        if (insert) {
          if (!hasLines(entity, "SalesEntryLines")) {
            throw bad("Mandatory: SalesEntryLines (a sales entry needs at least one line).");
          }
          for (JsonNode line : entity.get("SalesEntryLines")) {
            glLine(div, (ObjectNode) line);
          }
        }
        break;
      case "salesentry/salesentrylines":
        if (insert) {
          glLine(div, entity);
        }
        break;
      default:
        break;
    }
  }

  private static void itemLine(ExactDivision div, ObjectNode line) {
    mandatory(line, "Item");
    ObjectNode item = ref(div, line, "Item", "logistics/items");
    if (!item.path("IsSalesItem").asBoolean(true)) {
      throw bad("Item " + item.path("Code").asText() + " is not a sales item.");
    }
    String end = item.path("EndDate").asText("");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/Date\\((-?\\d+)").matcher(end);
    if (m.find() && Long.parseLong(m.group(1)) < div.clock().millis()) {
      throw bad("Item '" + item.path("Code").asText().trim() + "' is no longer active");
    }
    code(div, line, "VATCode", "vat/vatcodes");
  }

  private static void glLine(ExactDivision div, ObjectNode line) {
    mandatory(line, "GLAccount");
    ref(div, line, "GLAccount", "financial/glaccounts");
    mandatory(line, "AmountFC");
    code(div, line, "VATCode", "vat/vatcodes");
  }

  private static void chargeLines(ExactDivision div, ObjectNode header, String nav) {
    JsonNode lines = header.get(nav);
    if (lines == null || !lines.isArray()) {
      return;
    }
    for (JsonNode l : lines) {
      ObjectNode line = (ObjectNode) l;
      if (!line.path("IsShippingCost").asBoolean(false)) {
        mandatory(line, "OrderCharge");
      }
      ref(div, line, "OrderCharge", "sales/ordercharges");
      code(div, line, "VATCode", "vat/vatcodes");
    }
  }

  private static boolean hasLines(ObjectNode entity, String nav) {
    JsonNode lines = entity.get(nav);
    return lines != null && lines.isArray() && lines.size() > 0;
  }

  private static boolean blank(ObjectNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() || v.asText().trim().isEmpty();
  }

  private static void mandatory(ObjectNode e, String field) {
    if (blank(e, field)) {
      throw bad("Mandatory: " + field);
    }
  }

  /** A guid property must point at an existing entity of {@code storePath}. */
  private static ObjectNode ref(ExactDivision div, ObjectNode e, String field, String storePath) {
    if (blank(e, field)) {
      return null;
    }
    String id = e.get(field).asText();
    return div.byId(storePath, id)
        .orElseThrow(() -> bad("Invalid reference: " + field + " (guid'" + id + "')"));
  }

  /** A code property must match the {@code Code} of an entity of {@code storePath}. */
  private static ObjectNode code(ExactDivision div, ObjectNode e, String field, String storePath) {
    if (blank(e, field)) {
      return null;
    }
    String code = e.get(field).asText();
    return div.findFirst(storePath, "Code", code)
        .orElseThrow(() -> bad("Invalid reference: " + field + " '" + code + "'"));
  }

  private static ExactException bad(String message) {
    return new ExactException(400, message);
  }

  // =====================================================================================
  // derived fields (insert via HTTP or put(), and after PUT)
  // =====================================================================================

  static void derive(ExactDivision div, ExactSet def, ObjectNode e, ObjectNode parent) {
    switch (def.edmxSet.path().toLowerCase(Locale.ROOT)) {
      case "crm/accounts":
        deriveAccount(div, e);
        break;
      case "crm/contacts":
        {
          String full =
              String.join(
                      " ",
                      e.path("FirstName").asText(""),
                      e.path("MiddleName").asText(""),
                      e.path("LastName").asText(""))
                  .trim()
                  .replaceAll("\\s+", " ");
          e.put("FullName", full);
          div.byId("crm/accounts", e.path("Account").asText())
              .ifPresent(
                  a -> {
                    e.set("AccountName", a.get("Name"));
                    e.put("AccountIsCustomer", "C".equals(a.path("Status").asText()));
                  });
          break;
        }
      case "crm/addresses":
        div.byId("crm/accounts", e.path("Account").asText())
            .ifPresent(a -> e.set("AccountName", a.get("Name")));
        break;
      case "logistics/items":
        if (!e.hasNonNull("Stock")) {
          e.put("Stock", BigDecimal.ZERO);
        }
        if (!e.hasNonNull("Unit")) {
          e.put("Unit", "pc");
          e.put("UnitDescription", "Stuk");
        }
        vatDescription(div, e, "SalesVatCode", "SalesVatCodeDescription");
        break;
      case "inventory/itemwarehouses":
        div.byId("logistics/items", e.path("Item").asText())
            .ifPresent(
                i -> {
                  e.set("ItemCode", i.get("Code"));
                  e.set("ItemDescription", i.get("Description"));
                  e.put("ItemIsStockItem", i.path("IsStockItem").asBoolean());
                });
        div.byId("inventory/warehouses", e.path("Warehouse").asText())
            .ifPresent(
                w -> {
                  e.set("WarehouseCode", w.get("Code"));
                  e.set("WarehouseDescription", w.get("Description"));
                });
        for (String f : new String[] {"PlannedStockIn", "PlannedStockOut", "ReservedStock"}) {
          if (!e.hasNonNull(f)) {
            e.put(f, BigDecimal.ZERO);
          }
        }
        ExactDivision.recalcProjected(e);
        break;
      case "salesorder/salesorders":
        deriveSalesOrder(div, e);
        break;
      case "salesorder/salesorderlines":
        if (parent != null) {
          e.set("OrderNumber", parent.get("OrderNumber"));
          e.put("LineNumber", parent.path("SalesOrderLines").size() + 1);
          deriveItemLine(div, e, "VATAmount", parent.get("DeliveryDate"));
        }
        break;
      case "salesinvoice/salesinvoices":
        deriveSalesInvoice(div, e);
        break;
      case "salesinvoice/salesinvoicelines":
        if (parent != null) {
          e.put("LineNumber", parent.path("SalesInvoiceLines").size() + 1);
          deriveItemLine(div, e, "VATAmountFC", null);
          deriveInvoiceLine(div, e);
        }
        break;
      case "salesentry/salesentries":
        deriveSalesEntry(div, e);
        break;
      case "salesentry/salesentrylines":
        if (parent != null) {
          e.put("LineNumber", parent.path("SalesEntryLines").size() + 1);
          deriveGlLine(div, e);
        }
        break;
      default:
        break;
    }
  }

  /** Recomputes header totals after lines were added or removed through the line set. */
  static void recalcHeader(ExactDivision div, SandboxEdmx.EntitySet headerSet, ObjectNode header) {
    switch (headerSet.path().toLowerCase(Locale.ROOT)) {
      case "salesorder/salesorders":
        orderTotals(div, header, "SalesOrderLines", "VATAmount", "SalesOrderOrderChargeLines");
        break;
      case "salesinvoice/salesinvoices":
        orderTotals(
            div, header, "SalesInvoiceLines", "VATAmountFC", "SalesInvoiceOrderChargeLines");
        header.set("VATAmountDC", header.get("VATAmountFC"));
        break;
      case "salesentry/salesentries":
        entryTotals(header);
        break;
      default:
        break;
    }
  }

  /** Stock side effects of an insert. */
  static void afterInsert(ExactDivision div, ExactSet def, ObjectNode e) {
    switch (def.edmxSet.path().toLowerCase(Locale.ROOT)) {
      case "logistics/items":
        if (e.path("IsStockItem").asBoolean(false) && div.mainWarehouseId() != null) {
          ObjectNode iw = div.itemWarehouse(e.get("ID").asText(), div.mainWarehouseId(), true);
          iw.put("CurrentStock", ExactDivision.dec(e, "Stock"));
          ExactDivision.recalcProjected(iw);
        }
        break;
      case "salesorder/salesorders":
        {
          String warehouse = e.path("WarehouseID").asText(null);
          for (JsonNode line : e.path("SalesOrderLines")) {
            reserve(div, line, warehouse, 1);
          }
          break;
        }
      case "salesinvoice/salesinvoices":
        {
          int type = e.path("Type").asInt(8020);
          if (type == 8023 || type == 8024) {
            String warehouse = e.path("Warehouse").asText(null);
            for (JsonNode line : e.path("SalesInvoiceLines")) {
              deliver(div, line, warehouse, type == 8023 ? -1 : 1);
            }
          }
          break;
        }
      default:
        break;
    }
  }

  private static void reserve(ExactDivision div, JsonNode line, String warehouse, int sign) {
    Optional<ObjectNode> item = div.byId("logistics/items", line.path("Item").asText());
    if (item.isEmpty() || !item.get().path("IsStockItem").asBoolean(false)) {
      return;
    }
    ObjectNode iw = div.itemWarehouse(item.get().get("ID").asText(), warehouse, false);
    if (iw == null) {
      return;
    }
    BigDecimal qty = ExactDivision.dec(line, "Quantity").multiply(BigDecimal.valueOf(sign));
    iw.put("PlannedStockOut", ExactDivision.dec(iw, "PlannedStockOut").add(qty));
    iw.put("ReservedStock", ExactDivision.dec(iw, "ReservedStock").add(qty));
    ExactDivision.recalcProjected(iw);
    div.touch(iw);
  }

  private static void deliver(ExactDivision div, JsonNode line, String warehouse, int sign) {
    Optional<ObjectNode> item = div.byId("logistics/items", line.path("Item").asText());
    if (item.isEmpty() || !item.get().path("IsStockItem").asBoolean(false)) {
      return;
    }
    ObjectNode iw = div.itemWarehouse(item.get().get("ID").asText(), warehouse, true);
    BigDecimal qty = ExactDivision.dec(line, "Quantity").multiply(BigDecimal.valueOf(sign));
    iw.put("CurrentStock", ExactDivision.dec(iw, "CurrentStock").add(qty));
    ExactDivision.recalcProjected(iw);
    div.touch(iw);
    item.get().put("Stock", ExactDivision.dec(item.get(), "Stock").add(qty));
    div.touch(item.get());
  }

  // ----------------------------------------------------------------------------- accounts

  static String pad(String code) {
    String trimmed = code.trim();
    if (trimmed.length() >= ACCOUNT_CODE_LENGTH) {
      return trimmed;
    }
    return " ".repeat(ACCOUNT_CODE_LENGTH - trimmed.length()) + trimmed;
  }

  private static void deriveAccount(ExactDivision div, ObjectNode e) {
    if (e.hasNonNull("Code")) {
      e.put("Code", pad(e.get("Code").asText()));
    } else {
      long max = 0;
      for (ObjectNode a : div.stored("crm/accounts")) {
        String c = a.path("Code").asText("").trim();
        if (c.matches("\\d{1,17}")) {
          max = Math.max(max, Long.parseLong(c));
        }
      }
      e.put("Code", pad(Long.toString(max + 1)));
    }
    e.put(
        "SearchCode",
        e.path("SearchCode").asText(e.path("Name").asText("")).toUpperCase(Locale.ROOT));
    if (!e.hasNonNull("Type")) {
      e.put("Type", "A");
    }
    vatDescription(div, e, "SalesVATCode", "SalesVATCodeDescription");
    div.findFirst(
            "cashflow/paymentconditions", "Code", e.path("PaymentConditionSales").asText(null))
        .ifPresent(p -> e.set("PaymentConditionSalesDescription", p.get("Description")));
  }

  private static void vatDescription(ExactDivision div, ObjectNode e, String field, String target) {
    div.findFirst("vat/vatcodes", "Code", e.path(field).asText(null))
        .ifPresent(v -> e.set(target, v.get("Description")));
  }

  // ----------------------------------------------------------------------------- documents

  private static String today(ExactDivision div) {
    LocalDate d = div.clock().instant().atZone(ZoneOffset.UTC).toLocalDate();
    return ODataValues.date(d.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static void names(ExactDivision div, ObjectNode e, String field, String nameField) {
    div.byId("crm/accounts", e.path(field).asText())
        .ifPresent(a -> e.set(nameField, a.get("Name")));
  }

  private static void deriveSalesOrder(ExactDivision div, ObjectNode e) {
    if (!e.hasNonNull("OrderNumber")) {
      e.put("OrderNumber", (int) div.nextNumber("salesorder", 1));
    }
    if (!e.hasNonNull("OrderDate")) {
      e.put("OrderDate", today(div));
    }
    if (!e.hasNonNull("DeliveryDate")) {
      e.set("DeliveryDate", e.get("OrderDate"));
    }
    if (!e.hasNonNull("DeliverTo")) {
      e.set("DeliverTo", e.get("OrderedBy"));
    }
    if (!e.hasNonNull("InvoiceTo")) {
      e.set("InvoiceTo", e.get("OrderedBy"));
    }
    names(div, e, "OrderedBy", "OrderedByName");
    names(div, e, "DeliverTo", "DeliverToName");
    names(div, e, "InvoiceTo", "InvoiceToName");
    if (!e.hasNonNull("Currency")) {
      e.put("Currency", "EUR");
    }
    if (!e.hasNonNull("Status")) {
      e.put("Status", 12);
      e.put("StatusDescription", "Open");
      e.put("DeliveryStatus", 12);
      e.put("DeliveryStatusDescription", "Open");
      e.put("InvoiceStatus", 12);
      e.put("InvoiceStatusDescription", "Open");
    }
    if (!e.hasNonNull("ApprovalStatus")) {
      e.put("ApprovalStatus", 1);
      e.put("ApprovalStatusDescription", "Automatically");
    }
    if (!e.hasNonNull("WarehouseID") && div.mainWarehouseId() != null) {
      e.put("WarehouseID", div.mainWarehouseId());
    }
    div.byId("inventory/warehouses", e.path("WarehouseID").asText())
        .ifPresent(
            w -> {
              e.set("WarehouseCode", w.get("Code"));
              e.set("WarehouseDescription", w.get("Description"));
            });
    div.findFirst("cashflow/paymentconditions", "Code", e.path("PaymentCondition").asText(null))
        .ifPresent(p -> e.set("PaymentConditionDescription", p.get("Description")));
    div.byId("sales/shippingmethods", e.path("ShippingMethod").asText())
        .ifPresent(s -> e.set("ShippingMethodDescription", s.get("Description")));
    int n = 0;
    for (JsonNode l : e.path("SalesOrderLines")) {
      ObjectNode line = (ObjectNode) l;
      line.set("OrderID", e.get("OrderID"));
      line.set("OrderNumber", e.get("OrderNumber"));
      line.put("LineNumber", ++n);
      deriveItemLine(div, line, "VATAmount", e.get("DeliveryDate"));
    }
    for (JsonNode l : e.path("SalesOrderOrderChargeLines")) {
      ObjectNode line = (ObjectNode) l;
      line.set("OrderID", e.get("OrderID"));
      deriveChargeLine(div, line);
    }
    orderTotals(div, e, "SalesOrderLines", "VATAmount", "SalesOrderOrderChargeLines");
  }

  private static void deriveSalesInvoice(ExactDivision div, ObjectNode e) {
    if (!e.hasNonNull("Type")) {
      e.put("Type", 8020);
    }
    switch (e.get("Type").asInt()) {
      case 8021:
        e.put("TypeDescription", "Sales credit note");
        break;
      case 8023:
        e.put("TypeDescription", "Direct sales invoice");
        break;
      case 8024:
        e.put("TypeDescription", "Direct credit note");
        break;
      default:
        e.put("TypeDescription", "Sales invoice");
        break;
    }
    if (!e.hasNonNull("InvoiceNumber")) {
      e.put("InvoiceNumber", (int) journalNumber(div, e.path("Journal").asText("")));
    }
    if (!e.hasNonNull("InvoiceDate")) {
      e.put("InvoiceDate", today(div));
    }
    if (!e.hasNonNull("Status")) {
      e.put("Status", 20);
      e.put("StatusDescription", "Open");
    }
    if (!e.hasNonNull("InvoiceTo")) {
      e.set("InvoiceTo", e.get("OrderedBy"));
    }
    if (!e.hasNonNull("DeliverTo")) {
      e.set("DeliverTo", e.get("OrderedBy"));
    }
    names(div, e, "OrderedBy", "OrderedByName");
    names(div, e, "InvoiceTo", "InvoiceToName");
    names(div, e, "DeliverTo", "DeliverToName");
    if (!e.hasNonNull("Currency")) {
      e.put("Currency", "EUR");
    }
    div.findFirst("financial/journals", "Code", e.path("Journal").asText(null))
        .ifPresent(j -> e.set("JournalDescription", j.get("Description")));
    div.findFirst("cashflow/paymentconditions", "Code", e.path("PaymentCondition").asText(null))
        .ifPresent(p -> e.set("PaymentConditionDescription", p.get("Description")));
    int n = 0;
    for (JsonNode l : e.path("SalesInvoiceLines")) {
      ObjectNode line = (ObjectNode) l;
      line.set("InvoiceID", e.get("InvoiceID"));
      line.put("LineNumber", ++n);
      deriveItemLine(div, line, "VATAmountFC", null);
      deriveInvoiceLine(div, line);
    }
    for (JsonNode l : e.path("SalesInvoiceOrderChargeLines")) {
      ObjectNode line = (ObjectNode) l;
      line.set("InvoiceID", e.get("InvoiceID"));
      deriveChargeLine(div, line);
    }
    orderTotals(div, e, "SalesInvoiceLines", "VATAmountFC", "SalesInvoiceOrderChargeLines");
    e.set("VATAmountDC", e.get("VATAmountFC"));
  }

  private static void deriveInvoiceLine(ExactDivision div, ObjectNode line) {
    line.set("VATAmountDC", line.get("VATAmountFC"));
    if (!line.hasNonNull("GLAccount")) {
      div.byId("logistics/items", line.path("Item").asText())
          .ifPresent(i -> line.set("GLAccount", i.get("GLRevenue")));
    }
    div.byId("financial/glaccounts", line.path("GLAccount").asText())
        .ifPresent(g -> line.set("GLAccountDescription", g.get("Description")));
  }

  private static void deriveSalesEntry(ExactDivision div, ObjectNode e) {
    if (!e.hasNonNull("EntryNumber")) {
      e.put("EntryNumber", (int) journalNumber(div, e.path("Journal").asText("")));
    }
    if (!e.hasNonNull("InvoiceNumber")) {
      e.set("InvoiceNumber", e.get("EntryNumber"));
    }
    if (!e.hasNonNull("EntryDate")) {
      e.put("EntryDate", today(div));
    }
    if (!e.hasNonNull("Type")) {
      e.put("Type", 20);
    }
    e.put("TypeDescription", e.get("Type").asInt() == 21 ? "Sales credit note" : "Sales entry");
    if (!e.hasNonNull("Status")) {
      e.put("Status", 20);
      e.put("StatusDescription", "Open");
    }
    if (!e.hasNonNull("Currency")) {
      e.put("Currency", "EUR");
    }
    names(div, e, "Customer", "CustomerName");
    div.findFirst("financial/journals", "Code", e.path("Journal").asText(null))
        .ifPresent(j -> e.set("JournalDescription", j.get("Description")));
    div.findFirst("cashflow/paymentconditions", "Code", e.path("PaymentCondition").asText(null))
        .ifPresent(p -> e.set("PaymentConditionDescription", p.get("Description")));
    int n = 0;
    for (JsonNode l : e.path("SalesEntryLines")) {
      ObjectNode line = (ObjectNode) l;
      line.set("EntryID", e.get("EntryID"));
      line.put("LineNumber", ++n);
      deriveGlLine(div, line);
    }
    entryTotals(e);
  }

  private static long journalNumber(ExactDivision div, String journal) {
    int yy = div.clock().instant().atZone(ZoneOffset.UTC).getYear() % 100;
    long first =
        journal.matches("\\d{1,2}") ? yy * 1_000_000L + Long.parseLong(journal) * 10_000L + 1 : 1;
    return div.nextNumber("journal:" + journal + ":" + yy, first);
  }

  private static void deriveGlLine(ExactDivision div, ObjectNode line) {
    Optional<ObjectNode> gl = div.byId("financial/glaccounts", line.path("GLAccount").asText());
    gl.ifPresent(
        g -> {
          line.set("GLAccountCode", g.get("Code"));
          line.set("GLAccountDescription", g.get("Description"));
          if (!line.hasNonNull("VATCode") && g.hasNonNull("VATCode")) {
            line.set("VATCode", g.get("VATCode"));
          }
        });
    BigDecimal amount = money(ExactDivision.dec(line, "AmountFC"));
    line.put("AmountFC", amount);
    line.put("AmountDC", amount);
    Vat vat = vat(div, line.path("VATCode").asText(null));
    if (!line.hasNonNull("VATAmountFC")) {
      line.put("VATAmountFC", vat.on(amount));
    }
    line.set("VATAmountDC", line.get("VATAmountFC"));
    line.put("VATPercentage", vat.percentage);
    line.put("VATBaseAmountFC", vat.inclusive ? amount.subtract(vat.on(amount)) : amount);
    line.set("VATBaseAmountDC", line.get("VATBaseAmountFC"));
    vat.describe(line, "VATCodeDescription");
  }

  private static void entryTotals(ObjectNode e) {
    BigDecimal total = BigDecimal.ZERO;
    BigDecimal vatTotal = BigDecimal.ZERO;
    for (JsonNode line : e.path("SalesEntryLines")) {
      BigDecimal amount = ExactDivision.dec(line, "AmountFC");
      BigDecimal vat = ExactDivision.dec(line, "VATAmountFC");
      BigDecimal base = ExactDivision.dec(line, "VATBaseAmountFC");
      total = total.add(base).add(vat);
      vatTotal = vatTotal.add(vat);
      if (base.signum() == 0 && vat.signum() == 0) {
        total = total.add(amount);
      }
    }
    e.put("AmountFC", money(total));
    e.put("AmountDC", money(total));
    e.put("VATAmountFC", money(vatTotal));
    e.put("VATAmountDC", money(vatTotal));
  }

  /** Item, description, price, VAT and amounts of an item line. */
  private static void deriveItemLine(
      ExactDivision div, ObjectNode line, String vatField, JsonNode deliveryDate) {
    Optional<ObjectNode> item = div.byId("logistics/items", line.path("Item").asText());
    item.ifPresent(
        i -> {
          line.set("ItemCode", i.get("Code"));
          line.set("ItemDescription", i.get("Description"));
          if (!line.hasNonNull("Description")) {
            line.set("Description", i.get("Description"));
          }
          if (!line.hasNonNull("VATCode") && i.hasNonNull("SalesVatCode")) {
            line.set("VATCode", i.get("SalesVatCode"));
          }
          if (!line.hasNonNull("UnitPrice") && !line.hasNonNull("NetPrice")) {
            line.put("UnitPrice", ExactDivision.dec(i, "StandardSalesPrice"));
          }
          line.put("UnitCode", i.path("Unit").asText("pc"));
          line.put("UnitDescription", i.path("UnitDescription").asText("Stuk"));
        });
    if (!line.hasNonNull("Quantity")) {
      line.put("Quantity", BigDecimal.ONE);
    }
    if (!line.hasNonNull("Discount")) {
      line.put("Discount", BigDecimal.ZERO);
    }
    if (!line.hasNonNull("UnitPrice")) {
      line.set("UnitPrice", line.get("NetPrice"));
    }
    if (!line.hasNonNull("NetPrice")) {
      line.put(
          "NetPrice",
          ExactDivision.dec(line, "UnitPrice")
              .multiply(BigDecimal.ONE.subtract(ExactDivision.dec(line, "Discount"))));
    }
    if (deliveryDate != null && !line.hasNonNull("DeliveryDate")) {
      line.set("DeliveryDate", deliveryDate);
    }
    BigDecimal amount =
        money(ExactDivision.dec(line, "NetPrice").multiply(ExactDivision.dec(line, "Quantity")));
    line.put("AmountFC", amount);
    line.put("AmountDC", amount);
    Vat vat = vat(div, line.path("VATCode").asText(null));
    line.put(vatField, vat.on(amount));
    line.put("VATPercentage", vat.percentage);
    vat.describe(line, "VATCodeDescription");
  }

  private static void deriveChargeLine(ExactDivision div, ObjectNode line) {
    Vat vat = vat(div, line.path("VATCode").asText(null));
    BigDecimal excl = ExactDivision.dec(line, "AmountFCExclVAT");
    BigDecimal incl = ExactDivision.dec(line, "AmountFCInclVAT");
    if (!line.hasNonNull("AmountFCExclVAT") && line.hasNonNull("AmountFCInclVAT")) {
      excl = money(incl.divide(BigDecimal.ONE.add(vat.percentage), 10, RoundingMode.HALF_UP));
    } else if (!line.hasNonNull("AmountFCInclVAT")) {
      incl = money(excl.multiply(BigDecimal.ONE.add(vat.percentage)));
    }
    line.put("AmountFCExclVAT", money(excl));
    line.put("AmountFCInclVAT", money(incl));
    line.put("AmountVATFC", money(incl.subtract(excl)));
    line.put("AmountDC", money(incl));
    line.put("VATPercentage", vat.percentage);
    div.byId("sales/ordercharges", line.path("OrderCharge").asText())
        .ifPresent(c -> line.set("OrderChargeCode", c.get("Code")));
  }

  private static void orderTotals(
      ExactDivision div, ObjectNode e, String linesNav, String vatField, String chargeNav) {
    BigDecimal excl = BigDecimal.ZERO;
    BigDecimal incl = BigDecimal.ZERO;
    BigDecimal vatTotal = BigDecimal.ZERO;
    for (JsonNode line : e.path(linesNav)) {
      BigDecimal amount = ExactDivision.dec(line, "AmountFC");
      BigDecimal vatAmount = ExactDivision.dec(line, vatField);
      Vat vat = vat(div, line.path("VATCode").asText(null));
      excl = excl.add(vat.inclusive ? amount.subtract(vatAmount) : amount);
      incl = incl.add(vat.inclusive ? amount : amount.add(vatAmount));
      vatTotal = vatTotal.add(vatAmount);
    }
    for (JsonNode line : e.path(chargeNav)) {
      excl = excl.add(ExactDivision.dec(line, "AmountFCExclVAT"));
      incl = incl.add(ExactDivision.dec(line, "AmountFCInclVAT"));
      vatTotal = vatTotal.add(ExactDivision.dec(line, "AmountVATFC"));
    }
    e.put("AmountFCExclVat", money(excl));
    e.put("AmountFC", money(incl));
    e.put("AmountDC", money(incl));
    if (e.has("VATAmountFC") || "VATAmountFC".equals(vatField)) {
      e.put("VATAmountFC", money(vatTotal));
    }
  }

  private static BigDecimal money(BigDecimal v) {
    return v.setScale(2, RoundingMode.HALF_UP);
  }

  /** A VAT code's rate and whether prices include it. */
  private static final class Vat {
    final BigDecimal percentage;
    final boolean inclusive;
    final JsonNode description;

    Vat(BigDecimal percentage, boolean inclusive, JsonNode description) {
      this.percentage = percentage;
      this.inclusive = inclusive;
      this.description = description;
    }

    BigDecimal on(BigDecimal amount) {
      if (inclusive) {
        return money(
            amount
                .multiply(percentage)
                .divide(BigDecimal.ONE.add(percentage), 10, RoundingMode.HALF_UP));
      }
      return money(amount.multiply(percentage));
    }

    void describe(ObjectNode line, String field) {
      if (description != null) {
        line.set(field, description);
      }
    }
  }

  private static Vat vat(ExactDivision div, String code) {
    Optional<ObjectNode> v = div.findFirst("vat/vatcodes", "Code", code);
    if (v.isEmpty()) {
      return new Vat(BigDecimal.ZERO, false, null);
    }
    ObjectNode vc = v.get();
    return new Vat(
        ExactDivision.dec(vc, "Percentage"),
        "I".equals(vc.path("Type").asText()),
        vc.get("Description"));
  }
}
