package org.sqexact.mapping;

import static org.sqexact.mapping.MappingModel.TARGET_TYPES;
import static org.sqexact.mapping.MappingModel.expressionPosition;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqexact.mapping.MappingModel.Expr;
import org.sqexact.mapping.MappingModel.Field;
import org.sqexact.mapping.MappingModel.Lines;
import org.sqexact.mapping.MappingModel.Member;
import org.sqexact.mapping.MappingModel.Target;
import org.sqexact.mapping.MappingModel.TargetType;

/**
 * The data mapper: turns a Squarespace order into Exact Online payloads as a merchant-editable
 * mapping file says.
 *
 * <p>The mapping file is YAML. Each top-level key is a <i>target</i> (one Exact document or record,
 * e.g. {@code account} → {@code crm/Accounts}); under it each key is an Exact field with the <a
 * href="https://docs.jsonata.org">JSONata</a> expression that computes it. A line collection (e.g.
 * {@code SalesOrderLines}) has {@code each} (the list to make lines of, bound to {@code $line} with
 * {@code $lineNumber} counting from 1) and {@code fields}. Written values:
 *
 * <ul>
 *   <li>unquoted text or a block ({@code |}) is a JSONata expression: {@code Email: customerEmail};
 *   <li>quoted text is fixed text: {@code Status: "C"};
 *   <li>a number or true/false is that value: {@code Type: 4}, {@code IsSales: true};
 *   <li>an empty value ({@code ~} or nothing) leaves the field out.
 * </ul>
 *
 * <p>Everything is checked when the file is loaded: YAML syntax, target names, that each field
 * exists on the target's Exact entity type in Exact's {@code $metadata} (and that line collections
 * are navigation properties), JSONata syntax, and that every {@code $function} and {@code
 * $variable} exists. A broken file fails with a {@link MappingException} naming the file, line,
 * target, field and reason.
 *
 * <p>At run time, a field whose expression yields nothing (null, undefined, blank text, an empty
 * list) is left out of the payload; numbers are written as exact decimals (12.10 stays 12.10); text
 * is trimmed and cut to Exact's length where known ({@link ExactFieldLengths}); ids must be GUIDs,
 * dates readable dates, whole-number fields whole numbers. A failure names target, field and order
 * number. A loaded mapper is immutable and may be used by several threads at once.
 */
public final class DataMapper {

  /**
   * The variables an expression may use besides the order (the input): {@code $doc} (document
   * targets: ids, codes and lines the Java side computed), {@code $company}, {@code $vatNumber}
   * (from checkout form answers, null for consumers), {@code $settings} (the settings object) and
   * {@code $accountId}, {@code $contactId} (ids already known in Exact, e.g. for {@code
   * contact.Account}). Inside a line collection also {@code $line} and {@code $lineNumber}.
   */
  public static final Set<String> VARIABLES =
      Set.of("doc", "company", "vatNumber", "settings", "accountId", "contactId");

  /** Longest run of one expression, and deepest nesting, before it is stopped as runaway. */
  private static final long TIMEOUT_MS = 2_000;

  private static final int MAX_DEPTH = 400;

  private final String file;
  private final Map<String, Target> targets;

  DataMapper(String file, Map<String, Target> targets) {
    this.file = file;
    this.targets = targets;
  }

  /** The Exact endpoint a target is posted to (e.g. {@code salesorder/SalesOrders}). */
  public static String endpoint(String target) {
    TargetType type = TARGET_TYPES.get(target);
    if (type == null) {
      throw new IllegalArgumentException("unknown target '" + target + "'");
    }
    return type.endpoint();
  }

  /** The targets every mapping file may define, in the order of the default file. */
  public static Set<String> knownTargets() {
    return TARGET_TYPES.keySet();
  }

  /** A JSON mapper that reads orders and {@code $doc} with exact decimals (12.10 stays 12.10). */
  public static ObjectMapper jsonMapper() {
    return Values.newJsonMapper();
  }

  /**
   * Loads and checks a mapping file, with the variables of {@link #VARIABLES}.
   *
   * @throws MappingException naming the file, line, target, field and reason
   */
  public static DataMapper load(Path file, Settings settings) {
    return load(file, settings, Set.of());
  }

  /**
   * Loads and checks a mapping file whose expressions may also use these extra variables.
   *
   * @param extraVariables names without {@code $}, passed later to {@link #map}
   * @throws MappingException naming the file, line, target, field and reason
   */
  public static DataMapper load(Path file, Settings settings, Set<String> extraVariables) {
    return new MappingLoader(
            file.toString(), settings == null ? Settings.none() : settings, extraVariables)
        .load(file);
  }

  /** The targets this file defines, in file order. */
  public Set<String> targets() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(targets.keySet()));
  }

  /**
   * Computes one target's Exact payload.
   *
   * @param target e.g. {@code account}, {@code salesOrder}
   * @param input the Squarespace order as JSON (its {@code orderNumber} names the order in errors)
   * @param variables values for {@code $doc}, {@code $company} and the other {@link #VARIABLES}
   *     (JSON trees, maps, lists, records, text, numbers; BigDecimal keeps money exact)
   * @return the payload; fields that yielded nothing are absent
   * @throws MappingException naming file, target, field, order and reason
   */
  public ObjectNode map(String target, JsonNode input, Map<String, Object> variables) {
    String orderNumber = orderNumber(input);
    Target t = targets.get(target);
    if (t == null) {
      String reason =
          TARGET_TYPES.containsKey(target)
              ? "target '" + target + "' is not defined in this mapping file"
              : "unknown target '"
                  + target
                  + "'"
                  + NameHints.suggest(target, TARGET_TYPES.keySet());
      throw new MappingException(
          file + ": " + reason + orderPart(orderNumber), file, target, null, orderNumber, reason);
    }
    Object in = input == null ? new LinkedHashMap<String, Object>() : Values.toJava(input);
    Map<String, Object> vars = new LinkedHashMap<>();
    if (variables != null) {
      for (Map.Entry<String, Object> variable : variables.entrySet()) {
        try {
          vars.put(variable.getKey(), Values.fromJava(variable.getValue()));
        } catch (IllegalArgumentException e) {
          String reason =
              "variable $" + variable.getKey() + " cannot be turned into JSON: " + e.getMessage();
          throw new MappingException(
              file + ": target '" + target + "'" + orderPart(orderNumber) + ": " + reason,
              file,
              target,
              null,
              orderNumber,
              reason,
              e);
        }
      }
    }
    JsonNodeFactory nodes = new JsonNodeFactory(true);
    ObjectNode payload = nodes.objectNode();
    for (Member member : t.members()) {
      if (member instanceof Field field) {
        JsonNode value = evaluateField(t, field, field.name(), in, vars, orderNumber);
        if (value != null) {
          payload.set(field.name(), value);
        }
      } else {
        Lines lines = (Lines) member;
        Object each = evaluate(t, lines.name(), lines.each(), in, vars, orderNumber);
        List<Object> elements = elements(each);
        ArrayNode array = nodes.arrayNode();
        for (int i = 0; i < elements.size(); i++) {
          Map<String, Object> lineVars = new LinkedHashMap<>(vars);
          lineVars.put("line", elements.get(i));
          lineVars.put("lineNumber", i + 1);
          ObjectNode line = nodes.objectNode();
          for (Field field : lines.fields()) {
            String label = lines.name() + "[" + (i + 1) + "]." + field.name();
            JsonNode value = evaluateField(t, field, label, in, lineVars, orderNumber);
            if (value != null) {
              line.set(field.name(), value);
            }
          }
          array.add(line);
        }
        if (!array.isEmpty()) {
          payload.set(lines.name(), array);
        }
      }
    }
    return payload;
  }

  private static List<Object> elements(Object each) {
    each = Values.unwrapNull(each);
    if (each == null) {
      return List.of();
    }
    if (each instanceof Collection<?> c) {
      List<Object> list = new ArrayList<>();
      for (Object o : c) {
        if (Values.unwrapNull(o) != null) {
          list.add(Values.unwrapNull(o));
        }
      }
      return list;
    }
    return List.of(each);
  }

  private JsonNode evaluateField(
      Target t,
      Field field,
      String label,
      Object input,
      Map<String, Object> vars,
      String orderNumber) {
    Object value =
        field.expr() == null
            ? field.constant()
            : evaluate(t, label, field.expr(), input, vars, orderNumber);
    try {
      return FieldValues.toJson(value, field.edmType(), field.maxLength());
    } catch (IllegalArgumentException e) {
      throw runtimeError(t.name(), label, orderNumber, "the expression " + e.getMessage(), null);
    }
  }

  private Object evaluate(
      Target t,
      String label,
      Expr expr,
      Object input,
      Map<String, Object> vars,
      String orderNumber) {
    Jsonata.Frame frame = expr.jsonata().createFrame();
    for (Map.Entry<String, Object> var : vars.entrySet()) {
      frame.bind(var.getKey(), var.getValue());
    }
    frame.setRuntimeBounds(TIMEOUT_MS, MAX_DEPTH);
    try {
      return expr.jsonata().evaluate(input, frame);
    } catch (JsonataFunctions.FunctionException e) {
      throw runtimeError(t.name(), label, orderNumber, e.getMessage(), e);
    } catch (JException e) {
      String where =
          e.getLocation() > 0 ? " at " + expressionPosition(expr.source(), e.getLocation()) : "";
      boolean coded = e.getError() != null && !e.getError().contains(" ");
      String text = coded ? e.getMessage() : String.valueOf(e.getError());
      throw runtimeError(
          t.name(),
          label,
          orderNumber,
          "JSONata error" + (coded ? " " + e.getError() : "") + where + ": " + text,
          e);
    } catch (RuntimeException | StackOverflowError e) {
      String what = e instanceof StackOverflowError ? "nests too deeply" : "failed";
      throw runtimeError(
          t.name(),
          label,
          orderNumber,
          "the expression " + what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }

  private MappingException runtimeError(
      String target, String field, String orderNumber, String reason, Throwable cause) {
    String message =
        file
            + ": target '"
            + target
            + "', field '"
            + field
            + "'"
            + orderPart(orderNumber)
            + ": "
            + reason;
    return new MappingException(message, file, target, field, orderNumber, reason, cause);
  }

  private static String orderPart(String orderNumber) {
    return orderNumber == null ? ", order without orderNumber" : ", order #" + orderNumber;
  }

  private static String orderNumber(JsonNode input) {
    if (input == null || input.get("orderNumber") == null || input.get("orderNumber").isNull()) {
      return null;
    }
    return input.get("orderNumber").asText();
  }
}
