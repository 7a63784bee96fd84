package org.sqexact.mapping;

import java.util.Collection;
import java.util.Locale;

/** Suggests the name a merchant probably meant when a mapping file names something unknown. */
final class NameHints {

  private NameHints() {}

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
}
