package org.sqexact.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sqexact.testing.Orders;

/** The order's own personal values are masked in texts, as whole words, case-insensitively. */
class PersonalValuesTest {

  @AfterEach
  void clear() {
    PersonalValues.clear();
  }

  @Test
  void theOrdersNamesStreetCityAndFormAnswersAreMaskedAsWholeWords() {
    ObjectNode order =
        Orders.order("1042")
            .form("Company", "Bakkerij De Zon")
            .line("ESPRESSO", "Espresso", 1, "12.10")
            .total("2.10");
    ((ObjectNode) order.path("billingAddress")).put("firstName", "Jan");
    PersonalValues.useOrder(order);
    assertEquals(
        "Account '<personal data>' (<personal data>, <personal data>) of <personal data>:"
            + " blocked since January",
        PersonalValues.mask(
            "Account 'JAN JANSEN' (Keizersgracht 123-A, Amsterdam) of Bakkerij De Zon: blocked"
                + " since January"));
    assertEquals("mail <e-mail> now", PersonalValues.mask("mail jan.jansen@example.nl now"));
    PersonalValues.clear();
    assertEquals("Account 'Jan Jansen'", PersonalValues.mask("Account 'Jan Jansen'"));
  }
}
