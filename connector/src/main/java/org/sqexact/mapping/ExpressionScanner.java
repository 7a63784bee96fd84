package org.sqexact.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the {@code $names} a JSONata expression uses, so that a misspelt function or variable is
 * reported when the mapping is loaded rather than silently yielding nothing for every order
 * (JSONata itself only notices a missing function when it is called, and never a missing variable).
 * Names the expression binds itself ({@code $x := ...}, {@code function($a)}, {@code #$i},
 * {@code @$o}) count as known everywhere in it.
 */
final class ExpressionScanner {

  /** A use of {@code $name}; position is the 0-based index of the {@code $}. */
  record Use(String name, int position, boolean call) {}

  private static final String OPERATORS = ".[]{}(),@#;:?+-*/%|=<>^&!~";

  private ExpressionScanner() {}

  /** The uses of names that are neither bound in the expression nor known. */
  static List<Use> unknown(String expression, Set<String> knownNames) {
    List<Use> uses = new ArrayList<>();
    Set<String> bound = new HashSet<>();
    scan(expression, uses, bound);
    List<Use> unknown = new ArrayList<>();
    for (Use use : uses) {
      String name = use.name();
      if (name.isEmpty() || name.equals("$") || bound.contains(name) || knownNames.contains(name)) {
        continue;
      }
      unknown.add(use);
    }
    return unknown;
  }

  private static void scan(String s, List<Use> uses, Set<String> bound) {
    int n = s.length();
    int i = 0;
    boolean operand =
        false; // was the last token a value (so "/" divides rather than opens a regex)
    char previousOperator = 0;
    int lambdaDepth = -1; // paren depth of a lambda's parameter list being read
    int depth = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        continue;
      }
      if (c == '"' || c == '\'') {
        i = skipString(s, i);
        operand = true;
        previousOperator = 0;
        continue;
      }
      if (c == '`') {
        int end = s.indexOf('`', i + 1);
        i = end < 0 ? n : end + 1;
        operand = true;
        previousOperator = 0;
        continue;
      }
      if (c == '/' && !operand) {
        i = skipRegex(s, i);
        operand = true;
        previousOperator = 0;
        continue;
      }
      if (c == '$') {
        int end = i + 1;
        while (end < n
            && !Character.isWhitespace(s.charAt(end))
            && OPERATORS.indexOf(s.charAt(end)) < 0) {
          end++;
        }
        String name = s.substring(i + 1, end);
        int next = skipSpace(s, end);
        boolean assigned = s.startsWith(":=", next);
        boolean call = next < n && s.charAt(next) == '(';
        if (assigned || lambdaDepth >= 0 || previousOperator == '#' || previousOperator == '@') {
          bound.add(name);
        } else {
          uses.add(new Use(name, i, call));
        }
        i = end;
        operand = true;
        previousOperator = 0;
        continue;
      }
      if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          if (s.charAt(i) == '.' && (i + 1 >= n || !Character.isDigit(s.charAt(i + 1)))) {
            break;
          }
          i++;
        }
        operand = true;
        previousOperator = 0;
        continue;
      }
      if (OPERATORS.indexOf(c) >= 0) {
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          if (lambdaDepth == depth) {
            lambdaDepth = -1;
          }
          depth--;
        }
        operand = c == ')' || c == ']' || c == '}';
        previousOperator = c;
        i++;
        continue;
      }
      int end = i;
      while (end < n
          && !Character.isWhitespace(s.charAt(end))
          && OPERATORS.indexOf(s.charAt(end)) < 0
          && s.charAt(end) != '"'
          && s.charAt(end) != '\''
          && s.charAt(end) != '$') {
        end++;
      }
      String word = s.substring(i, Math.max(end, i + 1));
      i = Math.max(end, i + 1);
      if (word.equals("function") || word.equals("λ")) {
        int next = skipSpace(s, i);
        if (next < n && s.charAt(next) == '(') {
          lambdaDepth = depth + 1;
        }
        operand = false;
      } else {
        operand = !(word.equals("and") || word.equals("or") || word.equals("in"));
      }
      previousOperator = 0;
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int skipString(String s, int start) {
    char quote = s.charAt(start);
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == quote) {
        return i + 1;
      }
      i++;
    }
    return s.length();
  }

  private static int skipRegex(String s, int start) {
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '/') {
        i++;
        while (i < s.length() && (s.charAt(i) == 'i' || s.charAt(i) == 'm')) {
          i++;
        }
        return i;
      }
      i++;
    }
    return s.length();
  }
}
