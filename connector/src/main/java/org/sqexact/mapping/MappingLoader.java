package org.sqexact.mapping;

import static org.sqexact.mapping.MappingFileErrors.at;
import static org.sqexact.mapping.MappingFileErrors.where;
import static org.sqexact.mapping.MappingModel.LINE_VARIABLES;
import static org.sqexact.mapping.MappingModel.TARGET_TYPES;
import static org.sqexact.mapping.MappingModel.expressionPosition;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Jsonata.JFunction;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.sqexact.mapping.MappingModel.Expr;
import org.sqexact.mapping.MappingModel.Field;
import org.sqexact.mapping.MappingModel.Lines;
import org.sqexact.mapping.MappingModel.Member;
import org.sqexact.mapping.MappingModel.Target;
import org.sqexact.mapping.MappingModel.TargetType;
import org.sqexact.mapping.MappingModel.Where;

/**
 * Loads and checks one mapping file (YAML syntax, targets, Exact fields from the EDMX, JSONata
 * syntax, known functions and variables) and turns a problem into a {@link MappingException} naming
 * file, line, target, field and reason. Collects nothing between files.
 */
final class MappingLoader {
  private final String file;
  private final Map<String, JFunction> functions;
  private final Set<String> headerNames = new HashSet<>();
  private final Set<String> lineNames = new HashSet<>();
  private final Set<String> variables = new TreeSet<>();
  private MappingFileErrors errors;

  MappingLoader(String file, Settings settings, Set<String> extraVariables) {
    this.file = file;
    this.errors = new MappingFileErrors(file, new String[0]);
    this.functions = JsonataFunctions.create(settings);
    variables.addAll(DataMapper.VARIABLES);
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
      throw errors.fileError("the file is not UTF-8 text");
    } catch (IOException e) {
      throw errors.fileError("cannot read the file: " + e);
    }
    errors = new MappingFileErrors(file, text.split("\r?\n", -1));
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
      throw errors.error(
          mark == null ? null : new int[] {mark.getLine() + 1, mark.getColumn() + 1},
          null,
          null,
          reason,
          mark == null ? null : errors.snippet(mark.getLine() + 1, mark.getColumn() + 1));
    } catch (YamlEngineException e) {
      throw errors.fileError("YAML error: " + e.getMessage());
    }
    if (root == null) {
      throw errors.fileError("the file is empty: it must define at least one target");
    }
    if (!(root instanceof MappingNode mapping)) {
      throw errors.error(
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
        throw errors.error(
            at(tuple.getKeyNode()),
            name,
            null,
            "unknown target '"
                + name
                + "'"
                + NameHints.suggest(name, TARGET_TYPES.keySet())
                + "; targets are "
                + String.join(", ", TARGET_TYPES.keySet()),
            null);
      }
      if (targets.containsKey(name)) {
        throw errors.error(
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
      throw errors.error(
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
        throw errors.error(
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
                    + NameHints.suggest(field, entity.navigation().keySet())
                    + "; line collections are: "
                    + String.join(", ", entity.navigation().keySet());
        throw errors.error(at(value), target, label, reason, null);
      }
      if (names == lineNames) {
        throw errors.error(at(value), target, label, "line collections cannot be nested", null);
      }
      return lines(target, lineType, field, mapping);
    }
    if (lineType != null) {
      throw errors.error(
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
      throw errors.error(
          at(value),
          target,
          label,
          "field '"
              + field
              + "' does not exist on Exact "
              + entity
              + NameHints.suggest(field, entity.properties().keySet())
              + "; Exact rejects unknown fields",
          null);
    }
    if (!(value instanceof ScalarNode scalar)) {
      throw errors.error(
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
        throw errors.error(
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
        throw errors.error(
            at(tuple.getKeyNode()),
            target,
            field,
            "unknown key '"
                + key
                + "' in a line collection"
                + NameHints.suggest(key, List.of("each", "fields"))
                + "; it takes 'each' and 'fields'",
            null);
      }
    }
    if (!(each instanceof ScalarNode eachScalar)
        || Tag.NULL.equals(each.getTag())
        || eachScalar.getScalarStyle() == ScalarStyle.SINGLE_QUOTED
        || eachScalar.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED) {
      throw errors.error(
          at(each == null ? node : each),
          target,
          field,
          "'each' must be an expression that yields the list to make lines of (e.g. each: $doc.lines)",
          null);
    }
    if (!(fields instanceof MappingNode fieldsMapping)) {
      throw errors.error(
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
        throw errors.error(
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
      throw errors.error(
          at(node), target, label, "the expression is empty; leave the field out instead", null);
    }
    Jsonata jsonata;
    try {
      jsonata = Jsonata.jsonata(source);
    } catch (JException e) {
      int position = Math.max(1, e.getLocation());
      throw errors.expressionError(
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
      throw errors.expressionError(
          target,
          label,
          source,
          where,
          source.length(),
          "JSONata syntax error: the expression is incomplete (an unclosed comment, string or bracket?)");
    }
    if (jsonata.getErrors() != null && !jsonata.getErrors().isEmpty()) {
      throw errors.error(
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
        reason =
            "unknown function $" + use.name() + "()" + at + NameHints.suggest(use.name(), all, "$");
      } else {
        Set<String> vars = new TreeSet<>(variables);
        if (names == lineNames) {
          vars.addAll(LINE_VARIABLES);
        }
        reason =
            "unknown variable $"
                + use.name()
                + at
                + NameHints.suggest(use.name(), vars, "$")
                + "; the variables are $"
                + String.join(", $", vars);
      }
      throw errors.expressionError(target, label, source, where, position, reason);
    }
    functions.forEach(jsonata::registerFunction);
    jsonata.setValidateInput(false); // the input is converted by Values: only JSON types
    return new Expr(source, jsonata, where);
  }

  private void checkConstant(
      String target, String label, Node node, Object constant, String edmType, Integer maxLength) {
    try {
      FieldValues.toJson(constant, edmType, maxLength);
    } catch (IllegalArgumentException e) {
      throw errors.error(at(node), target, label, "the value " + e.getMessage(), null);
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
      throw errors.error(at(key), target, field, "a key must be a plain name", null);
    }
    return scalar.getValue();
  }

  private static String quote(String text) {
    return "\"" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "\"";
  }
}
