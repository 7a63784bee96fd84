package org.sqexact.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The $filter/$orderby engine on its own. */
class ODataFilterTest {

  private static final Map<String, String> PROPS = new LinkedHashMap<>();

  static {
    PROPS.put("ID", "Edm.Guid");
    PROPS.put("Name", "Edm.String");
    PROPS.put("Code", "Edm.String");
    PROPS.put("Blocked", "Edm.Boolean");
    PROPS.put("Amount", "Edm.Double");
    PROPS.put("Number", "Edm.Int32");
    PROPS.put("Timestamp", "Edm.Int64");
    PROPS.put("Created", "Edm.DateTime");
  }

  private static ObjectNode entity(
      String name, String code, boolean blocked, double amount, long ts) {
    ObjectNode e = Http.object();
    e.put("ID", "6b3c0f1e-0000-4000-8000-00000000000" + (name.length() % 10));
    e.put("Name", name);
    e.put("Code", code);
    e.put("Blocked", blocked);
    e.put("Amount", amount);
    e.put("Number", (int) amount);
    e.put("Timestamp", ts);
    e.put("Created", ODataValues.date(1_767_225_600_000L + ts % 1000)); // 2026-01-01T00:00:00Z
    return e;
  }

  private static boolean matches(String filter, ObjectNode e) {
    Predicate<ObjectNode> p = ODataFilter.parse(filter, PROPS, "Test.Type");
    return p.test(e);
  }

  @Test
  void literalsAndOperators() {
    ObjectNode obrien = entity("O'Brien", "              1003", false, 12.5, 9_000_000_001L);
    assertTrue(matches("Name eq 'O''Brien'", obrien));
    assertTrue(matches("Name eq 'o''brien'", obrien), "case-insensitive like SQL Server");
    assertFalse(matches("Name ne 'O''Brien'", obrien));
    assertTrue(matches("trim(Code) eq '1003'", obrien));
    assertTrue(matches("Code eq '              1003'", obrien));
    assertTrue(matches("substringof('bri', Name) eq true", obrien));
    assertTrue(matches("substringof('bri', Name)", obrien));
    assertTrue(matches("startswith(Name, 'O''') and endswith(Name,'ien')", obrien));
    assertTrue(matches("Amount gt 12 and Amount le 12.5 and Number eq 12", obrien));
    assertTrue(matches("Timestamp gt 9000000000L", obrien));
    assertFalse(matches("Timestamp gt 9000000001L", obrien));
    assertTrue(matches("Blocked eq false and not (Amount lt 1)", obrien));
    assertTrue(matches("(Name eq 'x' or Name eq 'O''Brien') and Blocked eq false", obrien));
    assertTrue(
        matches(
            "Created ge datetime'2026-01-01T00:00:00' and Created lt datetime'2026-01-02'",
            obrien));
    assertTrue(matches("year(Created) eq 2026 and month(Created) eq 1", obrien));
    assertTrue(matches("ID eq guid'6B3C0F1E-0000-4000-8000-000000000007'", obrien));
    assertTrue(matches("tolower(Name) eq 'o''brien' and length(Name) eq 7", obrien));
    ObjectNode nulls = Http.object();
    assertTrue(matches("Name eq null", nulls));
    assertFalse(matches("Name ne null", nulls));
    assertFalse(matches("Amount gt 1", nulls));
  }

  @Test
  void typeAndSyntaxErrors() {
    ObjectNode e = entity("A", "1", false, 1, 1);
    for (String bad :
        List.of(
            "ID eq 'abc'",
            "Name eq 1",
            "Created gt '2026-01-01'",
            "Nope eq 1",
            "Name eq 'unterminated",
            "Name eq",
            "Blocked gt true",
            "Lines/Amount gt 0",
            "Amount add 1 eq 2",
            "Name",
            "Timestamp gt 99999999999",
            "guid'nope' eq ID",
            "frobnicate(Name) eq 1")) {
      assertThrows(ODataFilter.FilterException.class, () -> matches(bad, e), bad);
    }
  }

  @Test
  void orderBy() {
    List<ObjectNode> list = new ArrayList<>();
    list.add(entity("b", "2", false, 5, 3));
    list.add(entity("a", "1", false, 5, 2));
    list.add(entity("c", "3", true, 9, 1));
    Comparator<ObjectNode> c = ODataFilter.orderBy("Amount desc, Name", PROPS, "Test.Type");
    list.sort(c);
    assertEquals(List.of("c", "a", "b"), list.stream().map(n -> n.get("Name").asText()).toList());
    assertThrows(
        ODataFilter.FilterException.class, () -> ODataFilter.orderBy("Name sideways", PROPS, "T"));
  }
}
