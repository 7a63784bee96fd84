package org.sqexact.mapping;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Jsonata.JFunction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

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

  private static final Set<String> LINE_VARIABLES = Set.of("line", "lineNumber");

  /** Longest run of one expression, and deepest nesting, before it is stopped as runaway. */
  private static final long TIMEOUT_MS = 2_000;

  private static final int MAX_DEPTH = 400;

  /** A target: the Exact service and entity set it is posted to. */
  private record TargetType(String service, String entitySet) {
    String endpoint() {
      return service + "/" + entitySet;
    }
  }

  private static final Map<String, TargetType> TARGET_TYPES = targetTypes();

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
  private record Where(int line, int column, boolean exact, boolean block) {}

  private record Expr(String source, Jsonata jsonata, Where where) {}

  private interface Member {
    String name();
  }

  /** One field: an expression, or a constant when expr is null. */
  private record Field(String name, String edmType, Integer maxLength, Expr expr, Object constant)
      implements Member {}

  private record Lines(String name, Expr each, List<Field> fields) implements Member {}

  private record Target(String name, List<Member> members) {}

  private final String file;
  private final Map<String, Target> targets;

  private DataMapper(String file, Map<String, Target> targets) {
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
    return new Loader(
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
              : "unknown target '" + target + "'" + suggest(target, TARGET_TYPES.keySet());
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

  /** "line 2, column 7 of the expression" for a 1-based JSONata position. */
  private static String expressionPosition(String source, int position) {
    int[] lc = lineColumn(source, position);
    return "line " + lc[0] + ", column " + lc[1] + " of the expression";
  }

  /** 1-based line and column in the expression of a 1-based JSONata position. */
  private static int[] lineColumn(String source, int position) {
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

  static String suggest(String wrong, Collection<String> candidates) {
    return suggest(wrong, candidates, "");
  }

  /** " (did you mean 'Name'?)" when a candidate is close to the wrong name, else "". */
  static String suggest(String wrong, Collection<String> candidates, String prefix) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(wrong.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    int allowed = Math.max(1, Math.min(3, wrong.length() / 3));
    return best != null && bestDistance <= allowed
        ? " (did you mean '" + prefix + best + "'?)"
        : "";
  }

  /** Edit distance where swapping two neighbouring letters counts as one edit ("Nmae"). */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  // ---------------------------------------------------------------------------------------------
  // Loading
  // ---------------------------------------------------------------------------------------------

  /** Reads one file; collects nothing between files. */
  private static final class Loader {
    private final String file;
    private final Map<String, JFunction> functions;
    private final Set<String> headerNames = new HashSet<>();
    private final Set<String> lineNames = new HashSet<>();
    private final Set<String> variables = new TreeSet<>();
    private String[] lines = new String[0];

    Loader(String file, Settings settings, Set<String> extraVariables) {
      this.file = file;
      this.functions = JsonataFunctions.create(settings);
      variables.addAll(VARIABLES);
      variables.addAll(extraVariables);
      headerNames.addAll(JsonataFunctions.BUILT_IN);
      headerNames.addAll(functions.keySet());
      headerNames.addAll(variables);
      lineNames.addAll(headerNames);
      lineNames.addAll(LINE_VARIABLES);
    }

    DataMapper load(Path path) {
      String text;
      try {
        text = Files.readString(path, StandardCharsets.UTF_8);
      } catch (MalformedInputException e) {
        throw fileError("the file is not UTF-8 text");
      } catch (IOException e) {
        throw fileError("cannot read the file: " + e);
      }
      lines = text.split("\r?\n", -1);
      Node root;
      try {
        LoadSettings settings =
            LoadSettings.builder()
                .setLabel(file)
                .setSchema(new CoreSchema())
                .setUseMarks(true)
                .setAllowDuplicateKeys(false)
                .build();
        root = new Compose(settings).composeString(text).orElse(null);
      } catch (MarkedYamlEngineException e) {
        Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
        String reason = "YAML syntax error: " + e.getProblem();
        if (e.getContext() != null) {
          reason += " (" + e.getContext() + ")";
        }
        throw error(
            mark == null ? null : new int[] {mark.getLine() + 1, mark.getColumn() + 1},
            null,
            null,
            reason,
            mark == null ? null : snippet(mark.getLine() + 1, mark.getColumn() + 1));
      } catch (YamlEngineException e) {
        throw fileError("YAML error: " + e.getMessage());
      }
      if (root == null) {
        throw fileError("the file is empty: it must define at least one target");
      }
      if (!(root instanceof MappingNode mapping)) {
        throw error(
            at(root),
            null,
            null,
            "the file must be a map of targets (account:, salesOrder:, ...)",
            null);
      }
      Map<String, Target> targets = new LinkedHashMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String name = key(tuple, null, null);
        if (!TARGET_TYPES.containsKey(name)) {
          throw error(
              at(tuple.getKeyNode()),
              name,
              null,
              "unknown target '"
                  + name
                  + "'"
                  + suggest(name, TARGET_TYPES.keySet())
                  + "; targets are "
                  + String.join(", ", TARGET_TYPES.keySet()),
              null);
        }
        if (targets.containsKey(name)) {
          throw error(
              at(tuple.getKeyNode()), name, null, "target '" + name + "' is defined twice", null);
        }
        targets.put(name, target(name, tuple.getValueNode()));
      }
      return new DataMapper(file, Collections.unmodifiableMap(targets));
    }

    private Target target(String name, Node node) {
      TargetType type = TARGET_TYPES.get(name);
      Edmx.EntityType entity = Edmx.service(type.service()).entitySet(type.entitySet());
      if (entity == null) {
        throw new IllegalStateException("Exact EDMX has no entity set " + type.endpoint());
      }
      if (!(node instanceof MappingNode mapping)) {
        throw error(
            at(node),
            name,
            null,
            "a target must be a map of Exact fields to expressions (e.g. Name: customerEmail)",
            null);
      }
      List<Member> members = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (NodeTuple tuple : mapping.getValue()) {
        String field = key(tuple, name, null);
        if (!seen.add(field)) {
          throw error(
              at(tuple.getKeyNode()), name, field, "field '" + field + "' is mapped twice", null);
        }
        Member member = member(name, entity, field, field, tuple.getValueNode(), headerNames);
        if (member != null) {
          members.add(member);
        }
      }
      return new Target(name, List.copyOf(members));
    }

    private Member member(
        String target,
        Edmx.EntityType entity,
        String field,
        String label,
        Node value,
        Set<String> names) {
      Edmx.EntityType lineType = entity.navigation().get(field);
      if (value instanceof MappingNode mapping) {
        if (lineType == null) {
          String reason =
              entity.propertyType(field) != null
                  ? "'"
                      + field
                      + "' is a single field of Exact "
                      + entity
                      + ", not a line collection: give it one expression"
                  : "'"
                      + field
                      + "' is not a line collection (navigation property) of Exact "
                      + entity
                      + suggest(field, entity.navigation().keySet())
                      + "; line collections are: "
                      + String.join(", ", entity.navigation().keySet());
          throw error(at(value), target, label, reason, null);
        }
        if (names == lineNames) {
          throw error(at(value), target, label, "line collections cannot be nested", null);
        }
        return lines(target, lineType, field, mapping);
      }
      if (lineType != null) {
        throw error(
            at(value),
            target,
            label,
            "'"
                + field
                + "' is a line collection of Exact "
                + entity
                + ": give it 'each' (the list to make lines of) and 'fields' (the line's fields)",
            null);
      }
      String edmType = entity.propertyType(field);
      if (edmType == null) {
        throw error(
            at(value),
            target,
            label,
            "field '"
                + field
                + "' does not exist on Exact "
                + entity
                + suggest(field, entity.properties().keySet())
                + "; Exact rejects unknown fields",
            null);
      }
      if (!(value instanceof ScalarNode scalar)) {
        throw error(
            at(value),
            target,
            label,
            "a field takes one expression, not a list; write JSONata arrays inside a block (|)",
            null);
      }
      Integer maxLength = ExactFieldLengths.max(entity.name(), field);
      ScalarStyle style = scalar.getScalarStyle();
      if (style == ScalarStyle.PLAIN) {
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
          return null; // an empty value leaves the field out
        }
        if (Tag.BOOL.equals(tag) || Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
          Object constant = constant(scalar, tag);
          checkConstant(target, label, value, constant, edmType, maxLength);
          return new Field(field, edmType, maxLength, null, constant);
        }
      }
      if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
        String text = scalar.getValue();
        if (looksLikeExpression(text)) {
          throw error(
              at(value),
              target,
              label,
              "quoted values are fixed text, but "
                  + quote(text)
                  + " looks like an expression: write it without quotes, or as a block (|)",
              null);
        }
        checkConstant(target, label, value, text, edmType, maxLength);
        return new Field(field, edmType, maxLength, null, text);
      }
      Expr expr = expression(target, label, scalar, names);
      return new Field(field, edmType, maxLength, expr, null);
    }

    private Lines lines(String target, Edmx.EntityType lineType, String field, MappingNode node) {
      Node each = null;
      Node fields = null;
      for (NodeTuple tuple : node.getValue()) {
        String key = key(tuple, target, field);
        if (key.equals("each")) {
          each = tuple.getValueNode();
        } else if (key.equals("fields")) {
          fields = tuple.getValueNode();
        } else {
          throw error(
              at(tuple.getKeyNode()),
              target,
              field,
              "unknown key '"
                  + key
                  + "' in a line collection"
                  + suggest(key, List.of("each", "fields"))
                  + "; it takes 'each' and 'fields'",
              null);
        }
      }
      if (!(each instanceof ScalarNode eachScalar)
          || Tag.NULL.equals(each.getTag())
          || eachScalar.getScalarStyle() == ScalarStyle.SINGLE_QUOTED
          || eachScalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED) {
        throw error(
            at(each == null ? node : each),
            target,
            field,
            "'each' must be an expression that yields the list to make lines of (e.g. each: $doc.lines)",
            null);
      }
      if (!(fields instanceof MappingNode fieldsMapping)) {
        throw error(
            at(fields == null ? node : fields),
            target,
            field,
            "'fields' must map the line's Exact fields to expressions",
            null);
      }
      Expr eachExpr = expression(target, field + ".each", eachScalar, headerNames);
      List<Field> lineFields = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (NodeTuple tuple : fieldsMapping.getValue()) {
        String name = key(tuple, target, field);
        String label = field + "." + name;
        if (!seen.add(name)) {
          throw error(
              at(tuple.getKeyNode()), target, label, "field '" + name + "' is mapped twice", null);
        }
        Member member = member(target, lineType, name, label, tuple.getValueNode(), lineNames);
        if (member != null) {
          lineFields.add((Field) member);
        }
      }
      return new Lines(field, eachExpr, List.copyOf(lineFields));
    }

    private Expr expression(String target, String label, ScalarNode node, Set<String> names) {
      String source = node.getValue();
      Where where = where(node);
      if (source.isBlank()) {
        throw error(
            at(node), target, label, "the expression is empty; leave the field out instead", null);
      }
      Jsonata jsonata;
      try {
        jsonata = Jsonata.jsonata(source);
      } catch (JException e) {
        int position = Math.max(1, e.getLocation());
        throw expressionError(
            target,
            label,
            source,
            where,
            position,
            "JSONata syntax error "
                + e.getError()
                + " at "
                + expressionPosition(source, position)
                + ": "
                + e.getMessage());
      } catch (RuntimeException e) {
        throw expressionError(
            target,
            label,
            source,
            where,
            source.length(),
            "JSONata syntax error: the expression is incomplete (an unclosed comment, string or bracket?)");
      }
      if (jsonata.getErrors() != null && !jsonata.getErrors().isEmpty()) {
        throw error(
            at(node),
            target,
            label,
            "JSONata syntax error: " + jsonata.getErrors().get(0).getMessage(),
            null);
      }
      for (ExpressionScanner.Use use : ExpressionScanner.unknown(source, names)) {
        int position = use.position() + 1;
        String reason;
        String at = " at " + expressionPosition(source, position);
        if (use.call()) {
          Set<String> all = new TreeSet<>(functions.keySet());
          all.addAll(JsonataFunctions.BUILT_IN);
          reason = "unknown function $" + use.name() + "()" + at + suggest(use.name(), all, "$");
        } else {
          Set<String> vars = new TreeSet<>(variables);
          if (names == lineNames) {
            vars.addAll(LINE_VARIABLES);
          }
          reason =
              "unknown variable $"
                  + use.name()
                  + at
                  + suggest(use.name(), vars, "$")
                  + "; the variables are $"
                  + String.join(", $", vars);
        }
        throw expressionError(target, label, source, where, position, reason);
      }
      functions.forEach(jsonata::registerFunction);
      jsonata.setValidateInput(false); // the input is converted by Values: only JSON types
      return new Expr(source, jsonata, where);
    }

    private void checkConstant(
        String target,
        String label,
        Node node,
        Object constant,
        String edmType,
        Integer maxLength) {
      try {
        FieldValues.toJson(constant, edmType, maxLength);
      } catch (IllegalArgumentException e) {
        throw error(at(node), target, label, "the value " + e.getMessage(), null);
      }
    }

    private static Object constant(ScalarNode scalar, Tag tag) {
      String text = scalar.getValue().trim();
      if (Tag.BOOL.equals(tag)) {
        return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
      }
      String digits = text.replace("_", "");
      try {
        BigDecimal number = new BigDecimal(digits.startsWith("+") ? digits.substring(1) : digits);
        if (Tag.INT.equals(tag)) {
          return number.scale() <= 0 && number.toBigInteger().bitLength() < 63
              ? (Object) number.longValueExact()
              : number;
        }
        return number;
      } catch (NumberFormatException | ArithmeticException e) {
        return text; // .inf, .nan, 0x1F, 0o17: leave to the field check
      }
    }

    private static boolean looksLikeExpression(String text) {
      return text.matches("(?s).*\\$[A-Za-z_].*")
          || text.matches("(?s)^\\s*['\"].*['\"]\\s*&.*")
          || text.matches("(?s).*&\\s*['\"].*['\"]\\s*$");
    }

    private String key(NodeTuple tuple, String target, String field) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar) || Tag.NULL.equals(key.getTag())) {
        throw error(at(key), target, field, "a key must be a plain name", null);
      }
      return scalar.getValue();
    }

    private Where where(ScalarNode node) {
      Mark start = node.getStartMark().orElse(null);
      Mark end = node.getEndMark().orElse(null);
      if (start == null) {
        return new Where(0, 0, false, false);
      }
      ScalarStyle style = node.getScalarStyle();
      if (style == ScalarStyle.LITERAL) {
        return new Where(start.getLine() + 2, 1, true, true);
      }
      boolean singleLine = end != null && end.getLine() == start.getLine();
      boolean quoted = style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED;
      return new Where(
          start.getLine() + 1,
          start.getColumn() + 1 + (quoted ? 1 : 0),
          singleLine && !quoted,
          false);
    }

    private static int[] at(Node node) {
      Mark mark = node.getStartMark().orElse(null);
      return mark == null ? null : new int[] {mark.getLine() + 1, mark.getColumn() + 1};
    }

    private MappingException expressionError(
        String target, String label, String source, Where where, int position, String reason) {
      int[] lc = lineColumn(source, position);
      int[] fileAt;
      String snippet;
      if (where.exact() && where.block()) {
        int fileLine = where.line() + lc[0] - 1;
        String raw = fileLine - 1 < lines.length ? lines[fileLine - 1] : "";
        String[] sourceLines = source.split("\n", -1);
        String expressionLine = sourceLines[Math.min(lc[0], sourceLines.length) - 1];
        int blockIndent =
            (raw.length() - raw.stripLeading().length())
                - (expressionLine.length() - expressionLine.stripLeading().length());
        fileAt = new int[] {fileLine, Math.max(0, blockIndent) + lc[1]};
        snippet = snippet(fileAt[0], fileAt[1]);
      } else if (where.exact()) {
        fileAt = new int[] {where.line(), where.column() + lc[1] - 1};
        snippet = snippet(fileAt[0], fileAt[1]);
      } else {
        fileAt = where.line() > 0 ? new int[] {where.line(), where.column()} : null;
        String[] sourceLines = source.split("\n", -1);
        String line = sourceLines[Math.min(lc[0], sourceLines.length) - 1];
        snippet = "    " + line + "\n    " + " ".repeat(Math.max(0, lc[1] - 1)) + "^";
      }
      return error(fileAt, target, label, reason, snippet);
    }

    private String snippet(int line, int column) {
      if (line < 1 || line > lines.length) {
        return null;
      }
      return "    " + lines[line - 1] + "\n    " + " ".repeat(Math.max(0, column - 1)) + "^";
    }

    private MappingException fileError(String reason) {
      return new MappingException(file + ": " + reason, file, null, null, null, reason);
    }

    private MappingException error(
        int[] at, String target, String field, String reason, String snippet) {
      StringBuilder message = new StringBuilder(file);
      if (at != null) {
        message.append(':').append(at[0]).append(':').append(at[1]);
      }
      message.append(": ");
      if (target != null) {
        message.append("target '").append(target).append("'");
        if (field != null) {
          message.append(", field '").append(field).append("'");
        }
        message.append(": ");
      }
      message.append(reason);
      if (snippet != null) {
        message.append('\n').append(snippet);
      }
      return new MappingException(message.toString(), file, target, field, null, reason);
    }

    private static String quote(String text) {
      return "\"" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "\"";
    }
  }
}
