package org.sqexact.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpressionScannerTest {

  private static List<String> unknown(String expression) {
    return ExpressionScanner.unknown(expression, Set.of("known", "f", "replace")).stream()
        .map(u -> u.name() + "@" + u.position() + (u.call() ? "()" : ""))
        .toList();
  }

  @Test
  void reportsUnknownNamesWithTheirPosition() {
    assertEquals(List.of("x@0", "g@14()"), unknown("$x & $known & $g(1)"));
    assertEquals(List.of("g@0()"), unknown("$g ($known)"));
  }

  @Test
  void ignoresStringsCommentsRegexesAndQuotedNames() {
    assertEquals(
        List.of(),
        unknown(
            "'$a' & \"$b\" & /* $c */ `$d` & $replace(x, /$e(/, '') & $known.y / 2 & $f($known)"));
  }

  @Test
  void namesBoundInTheExpressionAreKnown() {
    assertEquals(
        List.of(),
        unknown("($g := function($a, $b) { $a + $b }; $g(1, 2) & items#$i.($i) & items@$o.($o))"));
    assertEquals(List.of(), unknown("$ & $$.x"));
    assertEquals(List.of("nope@22"), unknown("λ($a){$a}(1) & $f() & $nope"));
  }
}
