package org.sqexact.mapping;

import com.dashjoin.jsonata.Jsonata;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a loaded mapping file is made of: its targets, their fields and line collections, and where
 * each expression sits in the file. Built by {@link MappingLoader}, evaluated by {@link
 * DataMapper}.
 */
final class MappingModel {

  private MappingModel() {}

  /** The variables a line collection's fields may use besides {@link DataMapper#VARIABLES}. */
  static final Set<String> LINE_VARIABLES = Set.of("line", "lineNumber");

  /** A target: the Exact service and entity set it is posted to. */
  record TargetType(String service, String entitySet) {
    String endpoint() {
      return service + "/" + entitySet;
    }
  }

  static final Map<String, TargetType> TARGET_TYPES = targetTypes();

  private static Map<String, TargetType> targetTypes() {
    Map<String, TargetType> t = new LinkedHashMap<>();
    t.put("account", new TargetType("crm", "Accounts"));
    t.put("contact", new TargetType("crm", "Contacts"));
    t.put("deliveryAddress", new TargetType("crm", "Addresses"));
    t.put("salesOrder", new TargetType("salesorder", "SalesOrders"));
    t.put("salesInvoice", new TargetType("salesinvoice", "SalesInvoices"));
    t.put("salesEntry", new TargetType("salesentry", "SalesEntries"));
    return Collections.unmodifiableMap(t);
  }

  /** Where an expression sits in the file, to turn a position in it into line and column. */
  record Where(int line, int column, boolean exact, boolean block) {}

  record Expr(String source, Jsonata jsonata, Where where) {}

  interface Member {
    String name();
  }

  /** One field: an expression, or a constant when expr is null. */
  record Field(String name, String edmType, Integer maxLength, Expr expr, Object constant)
      implements Member {}

  record Lines(String name, Expr each, List<Field> fields) implements Member {}

  record Target(String name, List<Member> members) {}

  /** "line 2, column 7 of the expression" for a 1-based JSONata position. */
  static String expressionPosition(String source, int position) {
    int[] lc = lineColumn(source, position);
    return "line " + lc[0] + ", column " + lc[1] + " of the expression";
  }

  /** 1-based line and column in the expression of a 1-based JSONata position. */
  static int[] lineColumn(String source, int position) {
    int index = Math.max(0, Math.min(position, source.length()) - 1);
    int line = 1;
    int column = 1;
    for (int i = 0; i < index; i++) {
      if (source.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new int[] {line, column};
  }
}
