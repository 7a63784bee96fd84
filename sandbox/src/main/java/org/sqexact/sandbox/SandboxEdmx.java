package org.sqexact.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sqexact.mapping.Edmx;

/**
 * The fake Exact's index of Exact Online's official {@code $metadata}: entity types (properties
 * with their {@code Edm.*} types, key, navigation properties) and entity sets of every service, as
 * the connector's one EDMX reader ({@link Edmx}) reads them from {@code /exact-edmx/<service>.xml}.
 */
final class SandboxEdmx {

  /** The services whose EDMX is vendored with the connector. */
  static final List<String> SERVICES = Edmx.SERVICES;

  /** One {@code EntityType}. Property order is the EDMX order. */
  static final class EntityType {
    final String fullName;
    final String name;
    final String key;
    final Map<String, String> properties;

    /** Navigation property name to the full name of the target entity type. */
    final Map<String, String> navigations;

    EntityType(
        String fullName,
        String key,
        Map<String, String> properties,
        Map<String, String> navigations) {
      this.fullName = fullName;
      this.name = fullName.substring(fullName.lastIndexOf('.') + 1);
      this.key = key;
      this.properties = Collections.unmodifiableMap(properties);
      this.navigations = Collections.unmodifiableMap(navigations);
    }

    @Override
    public String toString() {
      return fullName;
    }
  }

  /** One {@code EntitySet} of a service, e.g. {@code crm/Accounts}. */
  static final class EntitySet {
    final String service;
    final String name;
    final EntityType type;

    EntitySet(String service, String name, EntityType type) {
      this.service = service;
      this.name = name;
      this.type = type;
    }

    String path() {
      return service + "/" + name;
    }
  }

  private final Map<String, EntitySet> sets = new LinkedHashMap<>();
  private final Map<String, Map<String, EntityType>> typesByService = new HashMap<>();

  private SandboxEdmx() {}

  private static volatile SandboxEdmx shared;

  /** The EDMX of all services, parsed once per class loader (it is immutable). */
  static SandboxEdmx shared() {
    SandboxEdmx e = shared;
    if (e == null) {
      synchronized (SandboxEdmx.class) {
        e = shared;
        if (e == null) {
          e = load();
          shared = e;
        }
      }
    }
    return e;
  }

  static SandboxEdmx load() {
    SandboxEdmx edmx = new SandboxEdmx();
    for (String service : SERVICES) {
      edmx.loadService(service);
    }
    return edmx;
  }

  /** Entity set by {@code service/Name}, case-insensitive; null when unknown. */
  EntitySet set(String service, String name) {
    return sets.get((service + "/" + name).toLowerCase(Locale.ROOT));
  }

  List<EntitySet> sets() {
    return new ArrayList<>(sets.values());
  }

  /** Entity type by full name within a service; null when unknown. */
  EntityType type(String service, String fullName) {
    Map<String, EntityType> types = typesByService.get(service);
    return types == null ? null : types.get(fullName);
  }

  /** The entity set of {@code service} whose type is {@code type}; null when none. */
  EntitySet setOfType(String service, EntityType type) {
    for (EntitySet set : sets.values()) {
      if (set.service.equals(service) && set.type == type) {
        return set;
      }
    }
    return null;
  }

  private void loadService(String service) {
    Edmx edmx = Edmx.service(service);
    Map<String, EntityType> types = new HashMap<>();
    for (Edmx.EntityType t : edmx.entityTypes()) {
      Map<String, String> navs = new LinkedHashMap<>();
      t.navigation().forEach((name, target) -> navs.put(name, target.qualifiedName()));
      types.put(
          t.qualifiedName(), new EntityType(t.qualifiedName(), t.key(), t.properties(), navs));
    }
    typesByService.put(service, types);
    edmx.entitySets()
        .forEach(
            (name, t) -> {
              EntitySet set = new EntitySet(service, name, types.get(t.qualifiedName()));
              sets.putIfAbsent(set.path().toLowerCase(Locale.ROOT), set);
            });
  }
}
