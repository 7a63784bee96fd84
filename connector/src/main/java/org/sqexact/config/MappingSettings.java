package org.sqexact.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The settings file {@code mappings/settings.yaml}: what Exact Online needs that a property cannot
 * say well (tables such as VAT codes per rate and country). Values may hold {@code {{property}}}
 * placeholders. A broken file stops start-up naming the file, the field and the reason.
 */
public final class MappingSettings {

  /** A VAT rule: for a rate (and optionally a destination country), the codes to use. */
  public record VatRule(String country, BigDecimal rate, String inclusive, String exclusive) {}

  /** A revenue account rule for sales entries: by VAT code and optionally destination country. */
  public record GlRule(String country, String vatCode, String account) {}

  private final Path file;
  private final Map<String, Object> root;
  private final UnaryOperator<String> placeholders;

  private MappingSettings(Path file, Map<String, Object> root, UnaryOperator<String> placeholders) {
    this.file = file;
    this.root = root;
    this.placeholders = placeholders;
  }

  /**
   * Reads the file.
   *
   * @param placeholders resolves {@code {{property}}} placeholders in values
   */
  @SuppressWarnings("unchecked")
  public static MappingSettings load(Path file, UnaryOperator<String> placeholders) {
    if (!Files.isRegularFile(file)) {
      throw new SettingsException(
          "the settings file "
              + file
              + " is missing (CONNECTOR_MAPPINGS_DIR points at "
              + file.getParent()
              + ")");
    }
    try {
      Object doc =
          new Load(LoadSettings.builder().setLabel(file.toString()).build())
              .loadFromString(Files.readString(file));
      if (doc != null && !(doc instanceof Map)) {
        throw new SettingsException(file + ": the file must be a map of settings");
      }
      return new MappingSettings(
          file, doc == null ? new LinkedHashMap<>() : (Map<String, Object>) doc, placeholders);
    } catch (YamlEngineException e) {
      throw new SettingsException(file + " is not valid YAML: " + oneLine(e.getMessage()));
    } catch (IOException e) {
      throw new SettingsException("cannot read " + file + ": " + e.getMessage());
    }
  }

  public Path file() {
    return file;
  }

  /** The VAT rules, checked. */
  public List<VatRule> vatRules() {
    List<VatRule> out = new ArrayList<>();
    Object rules = at("vat", "rules");
    if (rules == null) {
      return out;
    }
    if (!(rules instanceof List<?> list)) {
      throw problem("vat.rules", "must be a list of rules");
    }
    int i = 0;
    for (Object o : list) {
      String field = "vat.rules[" + i++ + "]";
      if (!(o instanceof Map<?, ?> m)) {
        throw problem(
            field, "must be a map such as { rate: 21, inclusive: \"2\", exclusive: \"1\" }");
      }
      BigDecimal rate = decimal(field + ".rate", m.get("rate"));
      String inclusive = textOf(m.get("inclusive"));
      String exclusive = textOf(m.get("exclusive"));
      if (rate == null || inclusive == null || exclusive == null) {
        throw problem(field, "needs rate, inclusive and exclusive");
      }
      String country = textOf(m.get("country"));
      out.add(
          new VatRule(
              country == null ? null : country.toUpperCase(Locale.ROOT),
              rate,
              inclusive,
              exclusive));
    }
    return out;
  }

  /** The revenue account rules for sales entries. */
  public List<GlRule> glRules() {
    List<GlRule> out = new ArrayList<>();
    Object rules = at("gl-accounts", "rules");
    if (rules == null) {
      return out;
    }
    if (!(rules instanceof List<?> list)) {
      throw problem("gl-accounts.rules", "must be a list of rules");
    }
    int i = 0;
    for (Object o : list) {
      String field = "gl-accounts.rules[" + i++ + "]";
      if (!(o instanceof Map<?, ?> m)) {
        throw problem(field, "must be a map such as { vat-code: \"1\", account: \"8000\" }");
      }
      String vatCode = textOf(m.get("vat-code"));
      String account = textOf(m.get("account"));
      if (vatCode == null || account == null) {
        throw problem(field, "needs vat-code and account");
      }
      String country = textOf(m.get("country"));
      out.add(
          new GlRule(country == null ? null : country.toUpperCase(Locale.ROOT), vatCode, account));
    }
    return out;
  }

  /** The standard VAT rate (percent), for lines whose item has no VAT code. */
  public BigDecimal standardVatRate() {
    BigDecimal rate = decimal("vat.standard-rate", at("vat", "standard-rate"));
    return rate == null ? new BigDecimal("21") : rate;
  }

  /** A text value by path, placeholders resolved; null when absent or empty. */
  public String text(String... path) {
    return textOf(at(path));
  }

  /** A map of text to text by path (e.g. shipping methods), placeholders resolved. */
  public Map<String, String> map(String... path) {
    Object v = at(path);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw problem(String.join(".", path), "must be a map of names to codes");
    }
    m.forEach((k, val) -> out.put(String.valueOf(k), textOf(val)));
    return out;
  }

  /** The raw value by path, or null. */
  public Object at(String... path) {
    Object cur = root;
    for (String p : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(p);
    }
    return cur;
  }

  /** A problem with a field of this file, as a settings error. */
  public SettingsException problem(String field, String reason) {
    return new SettingsException(file + ": " + field + " " + reason);
  }

  private String textOf(Object v) {
    if (v == null) {
      return null;
    }
    String s = placeholders.apply(String.valueOf(v)).trim();
    return s.isEmpty() ? null : s;
  }

  private BigDecimal decimal(String field, Object v) {
    if (v == null) {
      return null;
    }
    try {
      return new BigDecimal(placeholders.apply(String.valueOf(v)).trim());
    } catch (NumberFormatException e) {
      throw problem(field, "must be a number, got '" + v + "'");
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
