package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.config.OrderSettings;
import org.sqexact.config.OrderSettings.DefaultDebtorMode;
import org.sqexact.squarespace.SquarespaceOrder;
import org.sqexact.store.ActivityLog;

/**
 * Finds or creates the Exact customer of an order. The {@code order-customer} route chooses the
 * branch: the configured default debtor, a company debtor with a contact (a company name was given
 * at checkout), or a person debtor. An existing account is only updated when a mapped field
 * changed.
 */
public final class CustomerResolver {

  /** The branches of the customer choice. */
  public enum Kind {
    DEFAULT,
    COMPANY,
    PERSON
  }

  private static final Logger LOG = LoggerFactory.getLogger(CustomerResolver.class);

  /** Exchange property: set on a dry run, where nothing is written to Exact. */
  public static final String DRY_RUN = "dryRun";

  /** The id shown for a record a dry run would create. */
  public static final String NEW_RECORD_ID = "00000000-0000-0000-0000-000000000000";

  private final OrderSettings settings;
  private final CustomerDirectory directory;
  private final OrderPayloads payloads;
  private final ActivityLog activity;

  public CustomerResolver(
      OrderSettings settings,
      CustomerDirectory directory,
      OrderPayloads payloads,
      ActivityLog activity) {
    this.settings = settings;
    this.directory = directory;
    this.payloads = payloads;
    this.activity = activity;
  }

  /** Decides the branch and reads the company name and VAT number from the checkout form. */
  public void classify(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    SquarespaceOrder order = context.getOrder();
    String company = order.formAnswer(settings.companyLabels()).orElse(null);
    String vat = order.formAnswer(settings.vatNumberLabels()).orElse(null);
    context.setCompany(company);
    context.setVatNumber(
        vat == null ? null : vat.replaceAll("[\\s.]", "").toUpperCase(Locale.ROOT));
    Kind kind;
    String email = order.customerEmail();
    if (settings.defaultDebtorMode() == DefaultDebtorMode.ALWAYS) {
      kind = Kind.DEFAULT;
    } else if (email == null || email.isBlank()) {
      if (settings.defaultDebtorMode() == DefaultDebtorMode.FALLBACK) {
        kind = Kind.DEFAULT;
      } else {
        throw new OrderRejectedException(
            "Order #"
                + order.orderNumber()
                + " has no e-mail address (customerEmail is empty, as on many POS orders), so no"
                + " customer can be found or created. Set ORDERS_DEFAULT_DEBTOR_MODE=fallback and"
                + " ORDERS_DEFAULT_DEBTOR_CODE to book such orders on a default debtor, or skip"
                + " the order.");
      }
    } else if (company != null) {
      kind = Kind.COMPANY;
    } else {
      kind = Kind.PERSON;
    }
    if (kind != Kind.DEFAULT) {
      checkCountry(order, "billingAddress", order.billingAddress());
      checkCountry(order, "shippingAddress", order.shippingAddress());
      if (email != null && !email.isBlank() && !EMAIL.matcher(email.trim()).matches()) {
        // Exact refuses such an address, and a customer found by it would be a guess: the
        // merchant corrects it (the value is not repeated here: it is personal data)
        throw new OrderRejectedException(
            "Order #"
                + order.orderNumber()
                + ": customerEmail is not a valid e-mail address, so no customer can be found or"
                + " created in Exact Online. Correct the address in Squarespace (or book the order"
                + " by hand), then retry the order.");
      }
    }
    context.setCustomerKind(kind);
  }

  /** One @, something before it, a dotted domain after it, no spaces: what Exact accepts. */
  private static final java.util.regex.Pattern EMAIL =
      java.util.regex.Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");

  /** A country code that is not one would be dropped silently by the mapping: parked instead. */
  private static void checkCountry(
      SquarespaceOrder order, String field, SquarespaceOrder.Address address) {
    String country = address == null ? null : address.countryCode();
    if (country != null
        && !country.isBlank()
        && org.sqexact.mapping.MappingFunctions.country(country) == null) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": "
              + field
              + ".countryCode '"
              + country.strip()
              + "' is not a country (an ISO 3166 code such as NL is expected), so the customer"
              + " cannot be created in Exact Online. Correct it in Squarespace, then retry the"
              + " order.");
    }
  }

  /** The configured default debtor. */
  public void useDefaultDebtor(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    SquarespaceOrder order = context.getOrder();
    String id = directory.accountIdByCode(settings.defaultDebtorCode());
    if (id == null) {
      throw new OrderRejectedException(
          "The default debtor '"
              + settings.defaultDebtorCode()
              + "' (ORDERS_DEFAULT_DEBTOR_CODE) does not exist as an account in Exact Online;"
              + " order #"
              + order.orderNumber()
              + " cannot be booked on it");
    }
    context.setAccountId(id);
    record(context, "customer", "default debtor " + settings.defaultDebtorCode());
  }

  /** A company debtor: the account named after the company, and a contact under it. */
  public void companyDebtor(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    String accountId = account(context, "company debtor");
    SquarespaceOrder order = context.getOrder();
    ObjectNode wanted = payloads.contact(context.getJson(), accountId);
    wanted.put("Account", accountId);
    String first = wanted.path("FirstName").asText(null);
    String last = wanted.path("LastName").asText(null);
    if (first == null && last == null) {
      return; // nothing to make a contact of
    }
    JsonNode existing = directory.contact(accountId, order.customerEmail(), first, last);
    String contactId;
    if (context.isDryRun()) {
      contactId = existing == null ? NEW_RECORD_ID : existing.path("ID").asText();
      ObjectNode changes = wanted;
      if (existing != null) {
        changes = CustomerDirectory.changedFields(existing, wanted);
        changes.remove("Account");
      }
      wouldWrite(context, existing == null ? "create" : "update", "crm/Contacts", changes);
    } else if (existing == null) {
      contactId = directory.createContact(wanted);
      record(context, "contact", "contact created");
    } else {
      contactId = existing.path("ID").asText();
      List<String> changed = directory.updateContact(existing, wanted);
      if (!changed.isEmpty()) {
        record(context, "contact", "contact updated: " + String.join(", ", changed));
      }
    }
    context.setContactId(contactId);
  }

  /** A person debtor: an account named after the person. */
  public void personDebtor(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    account(context, "person debtor");
  }

  private String account(OrderContext context, String what) {
    SquarespaceOrder order = context.getOrder();
    String company = context.getCompany();
    String vat = context.getVatNumber();
    ObjectNode wanted =
        payloads.account(
            context.getJson(),
            what.startsWith("company") ? company : null,
            what.startsWith("company") ? vat : null);
    if (!wanted.hasNonNull("Name") || wanted.path("Name").asText().isBlank()) {
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + " has no customer name (billingAddress.firstName and lastName are empty), so no"
              + " account can be created in Exact Online");
    }
    JsonNode existing = directory.accountByEmail(order.customerEmail());
    if (existing != null && existing.path("Blocked").asBoolean(false)) {
      // a second account for the same e-mail would hide the block: the operator decides
      throw new OrderRejectedException(
          "Order #"
              + order.orderNumber()
              + ": the customer's account "
              + existing.path("Code").asText("").trim()
              + " in Exact Online is blocked. Unblock it in Exact (or book the order by hand),"
              + " then retry the order.");
    }
    String status = existing == null ? "C" : existing.path("Status").asText("").trim();
    if (existing != null && !"C".equals(status)) {
      // a prospect or suspect who ordered becomes a customer: Exact books sales only on accounts
      // with Status C (README of the Exact notes, 4.1); the update makes it one, never a duplicate
      wanted.put("Status", "C");
    }
    String id;
    if (context.isDryRun()) {
      id = existing == null ? NEW_RECORD_ID : existing.path("ID").asText();
      wouldWrite(
          context,
          existing == null ? "create" : "update",
          "crm/Accounts",
          existing == null ? wanted : CustomerDirectory.changedFields(existing, wanted));
    } else if (existing == null) {
      id = directory.createAccount(wanted);
      record(context, "customer", what + " created");
      LOG.info("Created a {} in Exact Online", what);
    } else {
      id = existing.path("ID").asText();
      List<String> changed = directory.updateAccount(existing, wanted);
      if (!"C".equals(status) && changed.contains("Status")) {
        record(
            context,
            "customer",
            "existing "
                + ("P".equals(status) ? "prospect " : "S".equals(status) ? "suspect " : "account ")
                + existing.path("Code").asText("").trim()
                + " made a customer (Status C)");
      }
      record(
          context,
          "customer",
          changed.isEmpty()
              ? "existing " + what + " " + existing.path("Code").asText("").trim() + ", unchanged"
              : "existing "
                  + what
                  + " "
                  + existing.path("Code").asText("").trim()
                  + " updated: "
                  + String.join(", ", changed));
    }
    context.setAccountId(id);
    return id;
  }

  /**
   * A shipping address that differs from the billing address becomes a delivery address (Type 4) on
   * the account, used by the document.
   */
  public void deliveryAddress(@ExchangeProperty(OrderContext.PROPERTY) OrderContext context) {
    if (context.getCustomerKind() == Kind.DEFAULT) {
      return;
    }
    SquarespaceOrder order = context.getOrder();
    if (!shipsElsewhere(order)) {
      return;
    }
    String accountId = context.getAccountId();
    ObjectNode wanted = payloads.deliveryAddress(context.getJson(), accountId);
    wanted.put("Account", accountId);
    JsonNode existing = directory.deliveryAddress(accountId, wanted);
    String id;
    if (context.isDryRun()) {
      id = existing == null ? NEW_RECORD_ID : existing.path("ID").asText();
      if (existing == null) {
        wouldWrite(context, "create", "crm/Addresses", wanted);
      }
    } else if (existing == null) {
      id = directory.createAddress(wanted);
      record(context, "delivery address", "delivery address created");
    } else {
      id = existing.path("ID").asText();
    }
    context.setDeliveryAddressId(id);
  }

  /** On a dry run, notes what would be written instead of writing it. */
  private static void wouldWrite(
      OrderContext context, String action, String endpoint, ObjectNode body) {
    if (body.isEmpty() && action.equals("update")) {
      return; // nothing changed: nothing would be written
    }
    context.wouldWrite(action, endpoint, body);
  }

  static boolean shipsElsewhere(SquarespaceOrder order) {
    SquarespaceOrder.Address s = order.shippingAddress();
    SquarespaceOrder.Address b = order.billingAddress();
    if (s == null || s.address1() == null || s.address1().isBlank()) {
      return false;
    }
    if (b == null) {
      return true;
    }
    return !(same(s.address1(), b.address1())
        && same(s.address2(), b.address2())
        && same(s.postalCode(), b.postalCode())
        && same(s.city(), b.city())
        && same(s.countryCode(), b.countryCode()));
  }

  private static boolean same(String a, String b) {
    String x = a == null ? "" : a.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
    String y = b == null ? "" : b.replaceAll("\\s+", " ").trim().toLowerCase(Locale.ROOT);
    return x.equals(y);
  }

  private void record(OrderContext context, String step, String message) {
    if (context.isDryRun()) {
      return;
    }
    activity.record(context.getOrderId(), context.getNumber(), step, "ok", message);
  }
}
