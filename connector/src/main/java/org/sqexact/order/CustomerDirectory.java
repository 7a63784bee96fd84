package org.sqexact.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqexact.exact.ExactApi;
import org.sqexact.exact.ExactException;
import org.sqexact.exact.ExactOutcomeUnknownException;
import org.sqexact.exact.ExactRateGovernor.Priority;
import org.sqexact.exact.ExactSyncCache;
import org.sqexact.exact.OData;

/**
 * Exact Online's customers as the order flow needs them: accounts by e-mail, contacts under an
 * account, delivery addresses. Read through the sync API into memory (a few calls for many orders),
 * written one record at a time, and only when something changed.
 */
public final class CustomerDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(CustomerDirectory.class);

  static final String[] ACCOUNT_FIELDS = {
    "ID",
    "Code",
    "Name",
    "Email",
    "Status",
    "IsSales",
    "Blocked",
    "AddressLine1",
    "AddressLine2",
    "Postcode",
    "City",
    "Country",
    "VATNumber",
    "Phone"
  };
  static final String[] CONTACT_FIELDS = {
    "ID", "Account", "FirstName", "LastName", "Email", "Phone"
  };
  static final String[] ADDRESS_FIELDS = {
    "ID", "Account", "Type", "AddressLine1", "AddressLine2", "Postcode", "City", "Country"
  };

  private final ExactApi api;
  private final ExactSyncCache accounts;
  private final ExactSyncCache contacts;
  private final ExactSyncCache addresses;
  private final Map<String, String> accountIdByCode = new java.util.HashMap<>();

  public CustomerDirectory(ExactApi api, Clock clock, Duration minRefreshInterval) {
    this.api = api;
    this.accounts =
        new ExactSyncCache(api, "sync/CRM/Accounts", clock, minRefreshInterval, ACCOUNT_FIELDS);
    this.contacts =
        new ExactSyncCache(api, "sync/CRM/Contacts", clock, minRefreshInterval, CONTACT_FIELDS);
    this.addresses =
        new ExactSyncCache(api, "sync/CRM/Addresses", clock, minRefreshInterval, ADDRESS_FIELDS);
  }

  /**
   * The account with this e-mail address, whatever its status (customer C, prospect P, suspect S,
   * none A; Exact's {@code Status}, picqer {@code Account.php}), so that a prospect is never
   * created a second time. Customers come first, then prospects, then suspects, then blocked
   * accounts (which the caller refuses rather than duplicates); among equals the lowest code. Null
   * when there is none.
   */
  public JsonNode accountByEmail(String email) {
    accounts.ensureLoaded();
    JsonNode found = findAccount(email);
    if (found == null && accounts.refreshIfStale()) {
      found = findAccount(email);
    }
    return found;
  }

  private JsonNode findAccount(String email) {
    String wanted = normalEmail(email);
    JsonNode best = null;
    for (JsonNode a : accounts.rows()) {
      if (wanted.equals(normalEmail(a.path("Email").asText("")))) {
        if (best == null
            || statusRank(a) < statusRank(best)
            || (statusRank(a) == statusRank(best)
                && a.path("Code").asText("").trim().compareTo(best.path("Code").asText("").trim())
                    < 0)) {
          best = a;
        }
      }
    }
    return best;
  }

  private static int statusRank(JsonNode account) {
    if (account.path("Blocked").asBoolean(false)) {
      return 9;
    }
    return switch (account.path("Status").asText("").trim()) {
      case "C" -> 0;
      case "P" -> 1;
      case "S" -> 2;
      default -> 3;
    };
  }

  /** The id of the account with this code (e.g. the default debtor), or null. Cached. */
  public String accountIdByCode(String code) {
    synchronized (accountIdByCode) {
      String cached = accountIdByCode.get(code);
      if (cached != null) {
        return cached;
      }
    }
    List<JsonNode> rows =
        api.all(
            "crm/Accounts",
            OData.select("ID", "Code", "Name").filter("trim(Code) eq " + OData.quote(code.trim())),
            Priority.ORDERS);
    if (rows.isEmpty()) {
      return null;
    }
    String id = rows.get(0).path("ID").asText();
    synchronized (accountIdByCode) {
      accountIdByCode.put(code, id);
    }
    return id;
  }

  /** Creates the account; returns its id. */
  public String createAccount(ObjectNode account) {
    String email = account.path("Email").asText("");
    JsonNode created =
        createOnce(
            "crm/Accounts",
            account,
            accounts,
            () -> email.isBlank() ? null : findAccount(email)); // the key it is found by
    ObjectNode row = account.deepCopy();
    row.put("ID", created.path("ID").asText());
    row.set("Code", created.path("Code"));
    accounts.put(row);
    return created.path("ID").asText();
  }

  /**
   * Sends the fields of {@code wanted} that differ from {@code existing}; nothing when none does.
   *
   * @return the names of the changed fields
   */
  public List<String> updateAccount(JsonNode existing, ObjectNode wanted) {
    ObjectNode changes = changedFields(existing, wanted);
    if (changes.isEmpty()) {
      return List.of();
    }
    String id = existing.path("ID").asText();
    putOnce("crm/Accounts(guid'" + id + "')", changes);
    ObjectNode row = ((ObjectNode) existing).deepCopy();
    row.setAll(changes);
    accounts.put(row);
    return fieldNames(changes);
  }

  /** The contact under the account with this e-mail (or, failing that, this name), or null. */
  public JsonNode contact(String accountId, String email, String firstName, String lastName) {
    contacts.ensureLoaded();
    JsonNode found = findContact(accountId, email, firstName, lastName);
    if (found == null && contacts.refreshIfStale()) {
      found = findContact(accountId, email, firstName, lastName);
    }
    return found;
  }

  private JsonNode findContact(String accountId, String email, String first, String last) {
    JsonNode byName = null;
    for (JsonNode c : contacts.rows()) {
      if (!accountId.equalsIgnoreCase(c.path("Account").asText())) {
        continue;
      }
      if (email != null && normalEmail(email).equals(normalEmail(c.path("Email").asText("")))) {
        return c;
      }
      if (byName == null
          && same(first, c.path("FirstName").asText(null))
          && same(last, c.path("LastName").asText(null))) {
        byName = c;
      }
    }
    return byName;
  }

  public String createContact(ObjectNode contact) {
    String accountId = contact.path("Account").asText("");
    JsonNode created =
        createOnce(
            "crm/Contacts",
            contact,
            contacts,
            () ->
                findContact(
                    accountId,
                    contact.path("Email").asText(null),
                    contact.path("FirstName").asText(null),
                    contact.path("LastName").asText(null)));
    ObjectNode row = contact.deepCopy();
    row.put("ID", created.path("ID").asText());
    contacts.put(row);
    return created.path("ID").asText();
  }

  public List<String> updateContact(JsonNode existing, ObjectNode wanted) {
    ObjectNode changes = changedFields(existing, wanted);
    changes.remove("Account");
    if (changes.isEmpty()) {
      return List.of();
    }
    putOnce("crm/Contacts(guid'" + existing.path("ID").asText() + "')", changes);
    ObjectNode row = ((ObjectNode) existing).deepCopy();
    row.setAll(changes);
    contacts.put(row);
    return fieldNames(changes);
  }

  /** A delivery address (Type 4) of the account with the same lines, or null. */
  public JsonNode deliveryAddress(String accountId, ObjectNode wanted) {
    addresses.ensureLoaded();
    JsonNode found = findAddress(accountId, wanted);
    if (found == null && addresses.refreshIfStale()) {
      found = findAddress(accountId, wanted);
    }
    return found;
  }

  private JsonNode findAddress(String accountId, ObjectNode wanted) {
    for (JsonNode a : addresses.rows()) {
      if (accountId.equalsIgnoreCase(a.path("Account").asText())
          && a.path("Type").asInt() == 4
          && same(wanted.path("AddressLine1").asText(null), a.path("AddressLine1").asText(null))
          && same(wanted.path("Postcode").asText(null), a.path("Postcode").asText(null))
          && same(wanted.path("City").asText(null), a.path("City").asText(null))
          && same(wanted.path("Country").asText(null), a.path("Country").asText(null))) {
        return a;
      }
    }
    return null;
  }

  public String createAddress(ObjectNode address) {
    JsonNode created =
        createOnce(
            "crm/Addresses",
            address,
            addresses,
            () -> findAddress(address.path("Account").asText(""), address));
    ObjectNode row = address.deepCopy();
    row.put("ID", created.path("ID").asText());
    addresses.put(row);
    return created.path("ID").asText();
  }

  /**
   * POSTs a new record. When the outcome is unknown (a 5xx, or the response lost after Exact may
   * have committed it) Exact is asked at once, by the key the record is found by (the e-mail of an
   * account, the name or e-mail of a contact under its account, the lines of an address), through
   * the sync API (only what changed since the last look); the record found is used, and an absent
   * one is sent once more. So one look-up settles it, instead of minutes of back-off for the whole
   * order; only while Exact keeps failing does the order wait (errors.camel.yaml).
   */
  private JsonNode createOnce(
      String path,
      ObjectNode body,
      ExactSyncCache cache,
      java.util.function.Supplier<JsonNode> find) {
    try {
      return api.post(path, body, Priority.ORDERS);
    } catch (ExactOutcomeUnknownException unknown) {
      JsonNode found;
      try {
        cache.refresh();
        found = find.get();
      } catch (ExactException lookUpFailed) {
        unknown.addSuppressed(lookUpFailed);
        throw unknown; // Exact keeps failing: the order waits, and asks again next time
      }
      if (found != null && found.hasNonNull("ID")) {
        LOG.info("The outcome of POST {} was unknown: Exact has the record, it is used", path);
        return found;
      }
      LOG.info(
          "The outcome of POST {} was unknown: Exact has no such record, sent once more", path);
      return api.post(path, body, Priority.ORDERS);
    }
  }

  /** A PUT sets the same fields again: when its outcome is unknown it is simply sent once more. */
  private void putOnce(String path, ObjectNode changes) {
    try {
      api.put(path, changes, Priority.ORDERS);
    } catch (ExactOutcomeUnknownException unknown) {
      LOG.info("The outcome of PUT {} was unknown: sent once more (it sets the same values)", path);
      api.put(path, changes, Priority.ORDERS);
    }
  }

  /** The next miss refreshes the copies at once. */
  public void markStale() {
    accounts.markStale();
    contacts.markStale();
    addresses.markStale();
  }

  /** Calls made to refresh the copies, for the benchmark. */
  public int refreshes() {
    return accounts.refreshes() + contacts.refreshes() + addresses.refreshes();
  }

  static ObjectNode changedFields(JsonNode existing, ObjectNode wanted) {
    ObjectNode changes = wanted.objectNode();
    for (Map.Entry<String, JsonNode> f : wanted.properties()) {
      JsonNode have = existing.get(f.getKey());
      if (!sameValue(have, f.getValue())) {
        changes.set(f.getKey(), f.getValue());
      }
    }
    return changes;
  }

  private static boolean sameValue(JsonNode have, JsonNode want) {
    if (want == null || want.isNull()) {
      return have == null || have.isNull() || have.asText().isBlank();
    }
    if (have == null || have.isNull()) {
      return want.asText().isBlank();
    }
    if (want.isTextual() && want.asText().contains("@")) {
      return normalEmail(have.asText()).equals(normalEmail(want.asText()));
    }
    if (want.isNumber() && have.isNumber()) {
      return want.decimalValue().compareTo(have.decimalValue()) == 0;
    }
    return Objects.equals(have.asText().trim(), want.asText().trim());
  }

  private static List<String> fieldNames(ObjectNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean same(String a, String b) {
    String x = a == null ? "" : a.trim().toLowerCase(Locale.ROOT);
    String y = b == null ? "" : b.trim().toLowerCase(Locale.ROOT);
    return x.equals(y);
  }

  static String normalEmail(String email) {
    return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
  }
}
