package org.sqexact.mapping;

import java.util.Map;

/**
 * Maximum lengths of Exact Online text fields, used to cut over-long values instead of letting
 * Exact reject the whole document.
 *
 * <p>Exact's {@code $metadata} (EDMX) has <b>no MaxLength</b> on any property, and the public API
 * reference does not list lengths either. The numbers below are therefore deliberately
 * conservative, chosen to be at or below what Exact's screens accept: the 60 characters of an
 * item/line description are stated in the API reference text for {@code logistics/Items}
 * ("Description", 60; see the notes, §4.4); the others (name 50, address lines 100, postcode 20,
 * city 50, first/last name 50, document description 60, your reference 30) are conservative values,
 * not confirmed maximums — verify them against a test division before relaxing any. Fields not
 * listed here (e-mail, phone, VAT number, codes, ids) are never cut, because a cut value would be
 * wrong rather than merely short: Exact's own error is the better outcome there.
 */
final class ExactFieldLengths {

  private static final Map<String, Integer> MAX =
      Map.ofEntries(
          // crm/Accounts
          Map.entry("Account.Name", 50),
          Map.entry("Account.AddressLine1", 100),
          Map.entry("Account.AddressLine2", 100),
          Map.entry("Account.AddressLine3", 100),
          Map.entry("Account.Postcode", 20),
          Map.entry("Account.City", 50),
          // crm/Contacts
          Map.entry("Contact.FirstName", 50),
          Map.entry("Contact.LastName", 50),
          Map.entry("Contact.City", 50),
          Map.entry("Contact.Postcode", 20),
          // crm/Addresses
          Map.entry("Address.AddressLine1", 100),
          Map.entry("Address.AddressLine2", 100),
          Map.entry("Address.AddressLine3", 100),
          Map.entry("Address.Postcode", 20),
          Map.entry("Address.City", 50),
          // document headers
          Map.entry("SalesOrder.YourRef", 30),
          Map.entry("SalesOrder.Description", 60),
          Map.entry("SalesInvoice.YourRef", 30),
          Map.entry("SalesInvoice.Description", 60),
          Map.entry("SalesEntry.YourRef", 30),
          Map.entry("SalesEntry.Description", 60),
          // document lines
          Map.entry("SalesOrderLine.Description", 60),
          Map.entry("SalesInvoiceLine.Description", 60),
          Map.entry("SalesEntryLine.Description", 60));

  private ExactFieldLengths() {}

  /** The maximum length of the entity type's field, or null when it is not cut. */
  static Integer max(String entityType, String field) {
    return MAX.get(entityType + "." + field);
  }
}
