package org.sqexact.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Exact Online's official {@code $metadata} (EDMX), loaded from {@code /exact-edmx/<service>.xml}
 * on the class path: entity types (properties with their {@code Edm.*} types, key, navigation
 * properties) and entity sets per service.
 */
final class SandboxEdmx {

  /** The services whose EDMX is vendored under {@code src/main/resources/exact-edmx}. */
  static final List<String> SERVICES =
      List.of(
          "cashflow",
          "crm",
          "current",
          "financial",
          "inventory",
          "logistics",
          "sales",
          "salesentry",
          "salesinvoice",
          "salesorder",
          "sync",
          "system",
          "vat",
          "webhooks");

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
    Document doc = parse("/exact-edmx/" + service + ".xml");
    Map<String, EntityType> types = new HashMap<>();
    // associations: "Namespace.Name" -> role -> type full name
    Map<String, Map<String, String>> associations = new HashMap<>();
    List<Element[]> pendingTypes = new ArrayList<>();
    List<String> pendingNamespaces = new ArrayList<>();
    for (Element schema : elements(doc.getDocumentElement(), "Schema")) {
      String ns = schema.getAttribute("Namespace");
      for (Element child : children(schema)) {
        switch (child.getLocalName()) {
          case "EntityType":
            pendingTypes.add(new Element[] {child});
            pendingNamespaces.add(ns);
            break;
          case "Association":
            Map<String, String> ends = new HashMap<>();
            for (Element end : children(child)) {
              if ("End".equals(end.getLocalName())) {
                ends.put(end.getAttribute("Role"), end.getAttribute("Type"));
              }
            }
            associations.put(ns + "." + child.getAttribute("Name"), ends);
            break;
          default:
            break;
        }
      }
    }
    for (int i = 0; i < pendingTypes.size(); i++) {
      Element et = pendingTypes.get(i)[0];
      String fullName = pendingNamespaces.get(i) + "." + et.getAttribute("Name");
      String key = null;
      Map<String, String> props = new LinkedHashMap<>();
      Map<String, String> navs = new LinkedHashMap<>();
      for (Element child : children(et)) {
        switch (child.getLocalName()) {
          case "Key":
            for (Element ref : children(child)) {
              if (key == null) {
                key = ref.getAttribute("Name");
              }
            }
            break;
          case "Property":
            props.put(child.getAttribute("Name"), child.getAttribute("Type"));
            break;
          case "NavigationProperty":
            Map<String, String> ends = associations.get(child.getAttribute("Relationship"));
            if (ends != null && ends.get(child.getAttribute("ToRole")) != null) {
              navs.put(child.getAttribute("Name"), ends.get(child.getAttribute("ToRole")));
            }
            break;
          default:
            break;
        }
      }
      types.put(fullName, new EntityType(fullName, key, props, navs));
    }
    typesByService.put(service, types);
    for (Element container : elements(doc.getDocumentElement(), "EntityContainer")) {
      for (Element child : children(container)) {
        if ("EntitySet".equals(child.getLocalName())) {
          EntityType type = types.get(child.getAttribute("EntityType"));
          if (type != null) {
            EntitySet set = new EntitySet(service, child.getAttribute("Name"), type);
            sets.putIfAbsent(set.path().toLowerCase(Locale.ROOT), set);
          }
        }
      }
    }
  }

  private static Document parse(String resource) {
    try (InputStream in = SandboxEdmx.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("EDMX not on the class path: " + resource);
      }
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      return builder.parse(in);
    } catch (IOException | ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("Cannot read EDMX " + resource, e);
    }
  }

  /** All descendants with the given local name. */
  private static List<Element> elements(Element root, String localName) {
    List<Element> out = new ArrayList<>();
    NodeList all = root.getElementsByTagNameNS("*", localName);
    for (int i = 0; i < all.getLength(); i++) {
      out.add((Element) all.item(i));
    }
    return out;
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n.getNodeType() == Node.ELEMENT_NODE) {
        out.add((Element) n);
      }
    }
    return out;
  }
}
