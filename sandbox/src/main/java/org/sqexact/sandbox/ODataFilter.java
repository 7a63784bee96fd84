package org.sqexact.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * OData v2 {@code $filter} and {@code $orderby} as far as Exact Online supports them: {@code eq ne
 * gt ge lt le and or not}, parentheses, literals ({@code 'O''Brien'}, {@code guid'…'}, {@code
 * datetime'…'}, {@code 12}, {@code 12L}, {@code 1.5}, {@code 1.5M}, {@code true}, {@code null}) and
 * the string/date functions ({@code substringof, startswith, endswith, trim, tolower, toupper,
 * length, indexof, substring, concat, year, month, day, hour, minute, second}).
 *
 * <p>Operands are type-checked like WCF Data Services does (a Guid property compared with a string
 * literal is an error). String comparisons are case-insensitive, as on Exact's SQL Server
 * collation. Properties are resolved against the entity set's type; unknown ones are errors.
 */
final class ODataFilter {

  /** A 400-worthy problem in {@code $filter}/{@code $orderby}, with a WCF-like message. */
  static final class FilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FilterException(String message) {
      super(message);
    }
  }

  private static final String STRING = "Edm.String";
  private static final String GUID = "Edm.Guid";
  private static final String DATETIME = "Edm.DateTime";
  private static final String BOOLEAN = "Edm.Boolean";
  private static final String NULL = "null";

  private final String text;
  private final Map<String, String> properties;
  private final String typeName;
  private final List<Token> tokens;
  private int index;

  private ODataFilter(String text, Map<String, String> properties, String typeName) {
    this.text = text;
    this.properties = properties;
    this.typeName = typeName;
    this.tokens = tokenize(text);
  }

  /**
   * Parses a {@code $filter} expression.
   *
   * @param properties property name to {@code Edm.*} type of the entity set
   * @param typeName entity type name for error messages
   */
  static Predicate<ObjectNode> parse(String text, Map<String, String> properties, String typeName) {
    ODataFilter parser = new ODataFilter(text, properties, typeName);
    Expr expr = parser.parseOr();
    if (parser.peek().kind != Kind.END) {
      throw new FilterException("Syntax error at position " + parser.peek().pos + ".");
    }
    if (!BOOLEAN.equals(expr.type)) {
      throw new FilterException(
          "Expression of type '"
              + clr(expr.type)
              + "' expected to be of type 'System.Boolean' at position 0.");
    }
    return entity -> Boolean.TRUE.equals(expr.eval(entity));
  }

  /** Parses {@code $orderby} ({@code Code desc, Name}); null when blank. */
  static Comparator<ObjectNode> orderBy(
      String text, Map<String, String> properties, String typeName) {
    Comparator<ObjectNode> result = null;
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] words = p.split("\\s+");
      if (words.length > 2 || (words.length == 2 && !words[1].matches("(?i)asc|desc"))) {
        throw new FilterException("Syntax error in '$orderby': '" + p + "'.");
      }
      ODataFilter parser = new ODataFilter(words[0], properties, typeName);
      Expr expr = parser.parsePrimary();
      Comparator<ObjectNode> c = (a, b) -> compareValues(expr.type, expr.eval(a), expr.eval(b));
      if (words.length == 2 && words[1].equalsIgnoreCase("desc")) {
        c = c.reversed();
      }
      result = result == null ? c : result.thenComparing(c);
    }
    return result;
  }

  // ---------------------------------------------------------------- tokens

  private enum Kind {
    IDENT,
    STRING,
    NUMBER,
    TYPED,
    OPEN,
    CLOSE,
    COMMA,
    END
  }

  private static final class Token {
    final Kind kind;
    final String value;
    final String prefix;
    final int pos;

    Token(Kind kind, String value, String prefix, int pos) {
      this.kind = kind;
      this.value = value;
      this.prefix = prefix;
      this.pos = pos;
    }
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(') {
        out.add(new Token(Kind.OPEN, "(", null, i++));
      } else if (c == ')') {
        out.add(new Token(Kind.CLOSE, ")", null, i++));
      } else if (c == ',') {
        out.add(new Token(Kind.COMMA, ",", null, i++));
      } else if (c == '\'') {
        int start = i;
        StringBuilder sb = new StringBuilder();
        i = readQuoted(s, i, sb);
        out.add(new Token(Kind.STRING, sb.toString(), null, start));
      } else if (Character.isDigit(c)
          || ((c == '-' || c == '.') && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        int start = i;
        i++;
        while (i < s.length()
            && (Character.isDigit(s.charAt(i))
                || s.charAt(i) == '.'
                || s.charAt(i) == 'E'
                || s.charAt(i) == 'e'
                || ((s.charAt(i) == '+' || s.charAt(i) == '-')
                    && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')))) {
          i++;
        }
        if (i < s.length() && "LlMmDdFf".indexOf(s.charAt(i)) >= 0) {
          i++;
        }
        out.add(new Token(Kind.NUMBER, s.substring(start, i), null, start));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < s.length()
            && (Character.isLetterOrDigit(s.charAt(i))
                || s.charAt(i) == '_'
                || s.charAt(i) == '/')) {
          i++;
        }
        String word = s.substring(start, i);
        if (i < s.length() && s.charAt(i) == '\'' && isTypePrefix(word)) {
          StringBuilder sb = new StringBuilder();
          i = readQuoted(s, i, sb);
          out.add(new Token(Kind.TYPED, sb.toString(), word.toLowerCase(Locale.ROOT), start));
        } else {
          out.add(new Token(Kind.IDENT, word, null, start));
        }
      } else {
        throw new FilterException("Syntax error: character '" + c + "' at position " + i + ".");
      }
    }
    out.add(new Token(Kind.END, "", null, s.length()));
    return out;
  }

  private static boolean isTypePrefix(String word) {
    switch (word.toLowerCase(Locale.ROOT)) {
      case "guid":
      case "datetime":
      case "datetimeoffset":
      case "time":
      case "binary":
      case "x":
        return true;
      default:
        return false;
    }
  }

  /** Reads a quoted literal starting at {@code i} ({@code ''} is an escaped quote). */
  private static int readQuoted(String s, int i, StringBuilder sb) {
    int start = i;
    i++;
    while (true) {
      if (i >= s.length()) {
        throw new FilterException("There is an unterminated string literal at position " + start);
      }
      char c = s.charAt(i);
      if (c == '\'') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
          sb.append('\'');
          i += 2;
          continue;
        }
        return i + 1;
      }
      sb.append(c);
      i++;
    }
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    return tokens.get(index++);
  }

  private boolean peekWord(String word) {
    Token t = peek();
    return t.kind == Kind.IDENT && t.value.equals(word);
  }

  // ---------------------------------------------------------------- grammar

  private abstract static class Expr {
    final String type;
    final int pos;

    Expr(String type, int pos) {
      this.type = type;
      this.pos = pos;
    }

    abstract Object eval(ObjectNode entity);
  }

  private interface Eval {
    Object apply(ObjectNode entity);
  }

  private static Expr expr(String type, int pos, Eval eval) {
    return new Expr(type, pos) {
      @Override
      Object eval(ObjectNode entity) {
        return eval.apply(entity);
      }
    };
  }

  private Expr parseOr() {
    Expr left = parseAnd();
    while (peekWord("or")) {
      Token op = next();
      Expr right = parseAnd();
      requireBoolean(left, op);
      requireBoolean(right, op);
      Expr l = left;
      left =
          expr(
              BOOLEAN,
              left.pos,
              e -> Boolean.TRUE.equals(l.eval(e)) || Boolean.TRUE.equals(right.eval(e)));
    }
    return left;
  }

  private Expr parseAnd() {
    Expr left = parseNot();
    while (peekWord("and")) {
      Token op = next();
      Expr right = parseNot();
      requireBoolean(left, op);
      requireBoolean(right, op);
      Expr l = left;
      left =
          expr(
              BOOLEAN,
              left.pos,
              e -> Boolean.TRUE.equals(l.eval(e)) && Boolean.TRUE.equals(right.eval(e)));
    }
    return left;
  }

  private Expr parseNot() {
    if (peekWord("not")) {
      Token op = next();
      Expr inner = parseNot();
      requireBoolean(inner, op);
      return expr(BOOLEAN, op.pos, e -> !Boolean.TRUE.equals(inner.eval(e)));
    }
    return parseComparison();
  }

  private Expr parseComparison() {
    Expr left = parsePrimary();
    Token t = peek();
    if (t.kind == Kind.IDENT && t.value.matches("eq|ne|gt|ge|lt|le")) {
      next();
      Expr right = parsePrimary();
      return comparison(t, left, right);
    }
    if (t.kind == Kind.IDENT && t.value.matches("add|sub|mul|div|mod")) {
      throw new FilterException(
          "Arithmetic operator '" + t.value + "' is not supported at position " + t.pos + ".");
    }
    return left;
  }

  private Expr comparison(Token op, Expr left, Expr right) {
    String category = compatible(left.type, right.type);
    boolean ordering = !op.value.equals("eq") && !op.value.equals("ne");
    if (category == null || (ordering && (BOOLEAN.equals(category) || NULL.equals(category)))) {
      throw new FilterException(
          "Operator '"
              + op.value
              + "' incompatible with operand types '"
              + clr(left.type)
              + "' and '"
              + clr(right.type)
              + "' at position "
              + op.pos
              + ".");
    }
    String cat = category;
    return expr(
        BOOLEAN,
        left.pos,
        e -> {
          Object a = left.eval(e);
          Object b = right.eval(e);
          if (a == null || b == null) {
            boolean bothNull = a == null && b == null;
            switch (op.value) {
              case "eq":
                return bothNull;
              case "ne":
                return !bothNull;
              default:
                return false;
            }
          }
          int c = compareValues(cat, a, b);
          switch (op.value) {
            case "eq":
              return c == 0;
            case "ne":
              return c != 0;
            case "gt":
              return c > 0;
            case "ge":
              return c >= 0;
            case "lt":
              return c < 0;
            default:
              return c <= 0;
          }
        });
  }

  /** The comparison category of two operand types, or null when incompatible. */
  private static String compatible(String a, String b) {
    if (NULL.equals(a)) {
      return NULL.equals(b) ? NULL : b;
    }
    if (NULL.equals(b)) {
      return a;
    }
    if (ODataValues.isNumeric(a) && ODataValues.isNumeric(b)) {
      return "Edm.Decimal";
    }
    if (a.equals("Edm.DateTimeOffset")) {
      a = DATETIME;
    }
    if (b.equals("Edm.DateTimeOffset")) {
      b = DATETIME;
    }
    return a.equals(b) ? a : null;
  }

  @SuppressWarnings("unchecked")
  private static int compareValues(String category, Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    if (STRING.equals(category) || GUID.equals(category)) {
      return a.toString().compareToIgnoreCase(b.toString());
    }
    if (a instanceof BigDecimal && b instanceof BigDecimal) {
      return ((BigDecimal) a).compareTo((BigDecimal) b);
    }
    if (a instanceof Comparable && a.getClass() == b.getClass()) {
      return ((Comparable<Object>) a).compareTo(b);
    }
    return a.toString().compareTo(b.toString());
  }

  private void requireBoolean(Expr e, Token op) {
    if (!BOOLEAN.equals(e.type)) {
      throw new FilterException(
          "Operator '"
              + op.value
              + "' incompatible with operand type '"
              + clr(e.type)
              + "' at position "
              + op.pos
              + ".");
    }
  }

  private Expr parsePrimary() {
    Token t = next();
    switch (t.kind) {
      case OPEN:
        {
          Expr inner = parseOr();
          expect(Kind.CLOSE, "')' or operator expected");
          return inner;
        }
      case STRING:
        {
          String v = t.value;
          return expr(STRING, t.pos, e -> v);
        }
      case NUMBER:
        return number(t);
      case TYPED:
        return typedLiteral(t);
      case IDENT:
        if (peek().kind == Kind.OPEN) {
          return function(t);
        }
        switch (t.value) {
          case "true":
            return expr(BOOLEAN, t.pos, e -> Boolean.TRUE);
          case "false":
            return expr(BOOLEAN, t.pos, e -> Boolean.FALSE);
          case "null":
            return expr(NULL, t.pos, e -> null);
          default:
            return property(t);
        }
      default:
        throw new FilterException("Expression expected at position " + t.pos + ".");
    }
  }

  private void expect(Kind kind, String what) {
    Token t = next();
    if (t.kind != kind) {
      throw new FilterException(what + " at position " + t.pos + ".");
    }
  }

  private Expr number(Token t) {
    String v = t.value;
    char last = Character.toUpperCase(v.charAt(v.length() - 1));
    String type;
    String digits = v;
    if (last == 'L') {
      type = "Edm.Int64";
      digits = v.substring(0, v.length() - 1);
    } else if (last == 'M') {
      type = "Edm.Decimal";
      digits = v.substring(0, v.length() - 1);
    } else if (last == 'D' || last == 'F') {
      type = "Edm.Double";
      digits = v.substring(0, v.length() - 1);
    } else if (v.contains(".") || v.contains("e") || v.contains("E")) {
      type = "Edm.Double";
    } else {
      type = "Edm.Int32";
    }
    BigDecimal value;
    try {
      value = new BigDecimal(digits);
    } catch (NumberFormatException e) {
      throw new FilterException("Invalid numeric literal '" + v + "' at position " + t.pos + ".");
    }
    if (type.equals("Edm.Int64") && value.scale() > 0) {
      throw new FilterException("Invalid Int64 literal '" + v + "' at position " + t.pos + ".");
    }
    if (type.equals("Edm.Int32")
        && (value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0
            || value.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0)) {
      throw new FilterException(
          "Integer literal '" + v + "' is too large at position " + t.pos + "; use the L suffix.");
    }
    return expr(type, t.pos, e -> value);
  }

  private Expr typedLiteral(Token t) {
    switch (t.prefix) {
      case "guid":
        {
          String g;
          try {
            g = UUID.fromString(t.value).toString();
          } catch (IllegalArgumentException ex) {
            throw new FilterException(
                "Unrecognized 'Edm.Guid' literal 'guid'" + t.value + "'' at position " + t.pos);
          }
          return expr(GUID, t.pos, e -> g);
        }
      case "datetime":
      case "datetimeoffset":
        {
          long ms;
          try {
            ms = ODataValues.parseDate(t.value);
          } catch (IllegalArgumentException ex) {
            throw new FilterException(
                "Unrecognized 'Edm.DateTime' literal 'datetime'"
                    + t.value
                    + "'' at position "
                    + t.pos
                    + ".");
          }
          return expr(DATETIME, t.pos, e -> ms);
        }
      default:
        throw new FilterException(
            "Literal type '" + t.prefix + "' is not supported at position " + t.pos + ".");
    }
  }

  private Expr property(Token t) {
    if (t.value.contains("/")) {
      throw new FilterException(
          "Filtering on navigation properties is not supported: '"
              + t.value
              + "' at position "
              + t.pos
              + ".");
    }
    String type = properties.get(t.value);
    if (type == null) {
      throw new FilterException(
          "No property '"
              + t.value
              + "' exists in type '"
              + typeName
              + "' at position "
              + t.pos
              + ".");
    }
    String name = t.value;
    return expr(type, t.pos, e -> read(type, e.get(name)));
  }

  /** Stored JSON value to the comparable Java value of the filter engine. */
  private static Object read(String type, JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (ODataValues.isNumeric(type)) {
      return ODataValues.decimal(node);
    }
    switch (type) {
      case BOOLEAN:
        return node.asBoolean();
      case DATETIME:
      case "Edm.DateTimeOffset":
        return ODataValues.millis(node);
      default:
        return node.asText();
    }
  }

  private Expr function(Token name) {
    next(); // (
    List<Expr> args = new ArrayList<>();
    if (peek().kind != Kind.CLOSE) {
      args.add(parseOr());
      while (peek().kind == Kind.COMMA) {
        next();
        args.add(parseOr());
      }
    }
    expect(Kind.CLOSE, "')' expected");
    String fn = name.value;
    switch (fn) {
      case "substringof":
        argTypes(name, args, STRING, STRING);
        return expr(
            BOOLEAN,
            name.pos,
            e -> {
              Object needle = args.get(0).eval(e);
              Object hay = args.get(1).eval(e);
              return needle != null && hay != null && lower(hay).contains(lower(needle));
            });
      case "startswith":
      case "endswith":
        argTypes(name, args, STRING, STRING);
        return expr(
            BOOLEAN,
            name.pos,
            e -> {
              Object hay = args.get(0).eval(e);
              Object part = args.get(1).eval(e);
              if (hay == null || part == null) {
                return false;
              }
              return fn.equals("startswith")
                  ? lower(hay).startsWith(lower(part))
                  : lower(hay).endsWith(lower(part));
            });
      case "tolower":
      case "toupper":
      case "trim":
        argTypes(name, args, STRING);
        return expr(
            STRING,
            name.pos,
            e -> {
              Object v = args.get(0).eval(e);
              if (v == null) {
                return null;
              }
              String s = v.toString();
              return fn.equals("trim")
                  ? s.trim()
                  : fn.equals("tolower") ? s.toLowerCase(Locale.ROOT) : s.toUpperCase(Locale.ROOT);
            });
      case "length":
        argTypes(name, args, STRING);
        return expr(
            "Edm.Int32",
            name.pos,
            e -> {
              Object v = args.get(0).eval(e);
              return v == null ? null : BigDecimal.valueOf(v.toString().length());
            });
      case "indexof":
        argTypes(name, args, STRING, STRING);
        return expr(
            "Edm.Int32",
            name.pos,
            e -> {
              Object hay = args.get(0).eval(e);
              Object part = args.get(1).eval(e);
              return hay == null || part == null
                  ? null
                  : BigDecimal.valueOf(lower(hay).indexOf(lower(part)));
            });
      case "concat":
        argTypes(name, args, STRING, STRING);
        return expr(
            STRING,
            name.pos,
            e -> {
              Object a = args.get(0).eval(e);
              Object b = args.get(1).eval(e);
              return (a == null ? "" : a.toString()) + (b == null ? "" : b.toString());
            });
      case "substring":
        if (args.size() == 2) {
          argTypes(name, args, STRING, "Edm.Int32");
        } else {
          argTypes(name, args, STRING, "Edm.Int32", "Edm.Int32");
        }
        return expr(
            STRING,
            name.pos,
            e -> {
              Object s = args.get(0).eval(e);
              Object from = args.get(1).eval(e);
              if (s == null || from == null) {
                return null;
              }
              String str = s.toString();
              int start = Math.min(str.length(), Math.max(0, ((BigDecimal) from).intValue()));
              if (args.size() == 3) {
                Object len = args.get(2).eval(e);
                int end =
                    len == null
                        ? str.length()
                        : Math.min(str.length(), start + ((BigDecimal) len).intValue());
                return str.substring(start, Math.max(start, end));
              }
              return str.substring(start);
            });
      case "year":
      case "month":
      case "day":
      case "hour":
      case "minute":
      case "second":
        argTypes(name, args, DATETIME);
        return expr(
            "Edm.Int32",
            name.pos,
            e -> {
              Object v = args.get(0).eval(e);
              if (v == null) {
                return null;
              }
              ZonedDateTime t = Instant.ofEpochMilli((Long) v).atZone(ZoneOffset.UTC);
              int r;
              switch (fn) {
                case "year":
                  r = t.getYear();
                  break;
                case "month":
                  r = t.getMonthValue();
                  break;
                case "day":
                  r = t.getDayOfMonth();
                  break;
                case "hour":
                  r = t.getHour();
                  break;
                case "minute":
                  r = t.getMinute();
                  break;
                default:
                  r = t.getSecond();
                  break;
              }
              return BigDecimal.valueOf(r);
            });
      default:
        throw new FilterException("Unknown function '" + fn + "' at position " + name.pos + ".");
    }
  }

  private static String lower(Object o) {
    return o.toString().toLowerCase(Locale.ROOT);
  }

  private void argTypes(Token fn, List<Expr> args, String... expected) {
    if (args.size() != expected.length) {
      throw new FilterException(
          "Function '"
              + fn.value
              + "' expects "
              + expected.length
              + " argument(s) at position "
              + fn.pos
              + ".");
    }
    for (int i = 0; i < expected.length; i++) {
      String actual = args.get(i).type;
      boolean ok =
          actual.equals(expected[i])
              || NULL.equals(actual)
              || (ODataValues.isNumeric(expected[i]) && ODataValues.isNumeric(actual));
      if (!ok) {
        throw new FilterException(
            "No function signature for the function with name '"
                + fn.value
                + "' matches the specified arguments at position "
                + fn.pos
                + ".");
      }
    }
  }

  /** The CLR-ish type name WCF Data Services puts into its messages. */
  private static String clr(String edmType) {
    switch (edmType) {
      case STRING:
        return "System.String";
      case GUID:
        return "System.Guid";
      case DATETIME:
        return "System.DateTime";
      case BOOLEAN:
        return "System.Boolean";
      case "Edm.Int16":
        return "System.Int16";
      case "Edm.Int32":
        return "System.Int32";
      case "Edm.Int64":
        return "System.Int64";
      case "Edm.Byte":
        return "System.Byte";
      case "Edm.Double":
        return "System.Double";
      case "Edm.Decimal":
        return "System.Decimal";
      case NULL:
        return "null";
      default:
        return edmType;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
