package org.sqexact.mapping;

import static org.sqexact.mapping.MappingModel.lineColumn;

import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.sqexact.mapping.MappingModel.Where;

/**
 * Turns a problem found while loading a mapping file into a {@link MappingException} that names the
 * file, line, column, target and field, with the offending line and a caret under the spot.
 */
final class MappingFileErrors {
  private final String file;
  private final String[] lines;

  MappingFileErrors(String file, String[] lines) {
    this.file = file;
    this.lines = lines;
  }

  static Where where(ScalarNode node) {
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

  static int[] at(Node node) {
    Mark mark = node.getStartMark().orElse(null);
    return mark == null ? null : new int[] {mark.getLine() + 1, mark.getColumn() + 1};
  }

  MappingException expressionError(
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

  String snippet(int line, int column) {
    if (line < 1 || line > lines.length) {
      return null;
    }
    return "    " + lines[line - 1] + "\n    " + " ".repeat(Math.max(0, column - 1)) + "^";
  }

  MappingException fileError(String reason) {
    return new MappingException(file + ": " + reason, file, null, null, null, reason);
  }

  MappingException error(int[] at, String target, String field, String reason, String snippet) {
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
}
