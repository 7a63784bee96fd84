package org.sqexact.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Exact Online's OData {@code $metadata} (EDMX, one file per service under {@code
 * /exact-edmx/<service>.xml} on the class path): which properties and navigation properties (line
 * collections) each entity type has, their {@code Edm.*} types and keys, and the entity sets. Exact
 * rejects a POST with a property its entity type does not have, so the data mapper checks every
 * field against this at load time. The one reader of these files: the contract test and the sandbox
 * module's fake Exact use it too.
 */
public final class Edmx {

  /** The services whose EDMX is vendored under {@code connector/src/main/resources/exact-edmx}. */
  public static final List<String> SERVICES =
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

  /**
   * One entity type: its properties (name → Edm type, in EDMX order, a base type's first) and
   * navigation properties; {@code key} is its (first) key property, null when it has none.
   */
  public record EntityType(
      String service,
      String qualifiedName,
      String name,
      String key,
      Map<String, String> properties,
      Map<String, EntityType> navigation) {

    /** The property's Edm type (e.g. {@code Edm.String}), or null when there is none. */
    public String propertyType(String property) {
      return properties.get(property);
    }

    @Override
    public String toString() {
      return service + " " + name;
    }
  }

  private static final Map<String, Edmx> CACHE = new ConcurrentHashMap<>();

  private final String service;
  private final Map<String, Element> entityTypeElements = new HashMap<>();
  private final Map<String, Element> associations = new HashMap<>();
  private final Map<String, String> entitySets = new LinkedHashMap<>();
  private final Map<String, EntityType> resolved = new HashMap<>();

  private Edmx(String service, Document document) {
    this.service = service;
    NodeList schemas = document.getElementsByTagNameNS("*", "Schema");
    for (int i = 0; i < schemas.getLength(); i++) {
      Element schema = (Element) schemas.item(i);
      String namespace = schema.getAttribute("Namespace");
      for (Element child : children(schema)) {
        switch (child.getLocalName()) {
          case "EntityType" ->
              entityTypeElements.put(namespace + "." + child.getAttribute("Name"), child);
          case "Association" ->
              associations.put(namespace + "." + child.getAttribute("Name"), child);
          case "EntityContainer" -> {
            for (Element set : children(child)) {
              if ("EntitySet".equals(set.getLocalName())) {
                entitySets.put(set.getAttribute("Name"), set.getAttribute("EntityType"));
              }
            }
          }
          default -> {}
        }
      }
    }
  }

  /** The EDMX of one service (e.g. {@code crm}), read once from the class path. */
  public static Edmx service(String service) {
    return CACHE.computeIfAbsent(service, Edmx::read);
  }

  /** The entity type behind an entity set (e.g. {@code Accounts}), or null when unknown. */
  public synchronized EntityType entitySet(String entitySet) {
    String type = entitySets.get(entitySet);
    return type == null ? null : entityType(type);
  }

  /** Every entity set of the service (name → entity type), in EDMX order. */
  public synchronized Map<String, EntityType> entitySets() {
    Map<String, EntityType> sets = new LinkedHashMap<>();
    entitySets.forEach(
        (name, type) -> {
          EntityType resolvedType = entityType(type);
          if (resolvedType != null) {
            sets.put(name, resolvedType);
          }
        });
    return sets;
  }

  /** Every entity type of the service, with or without an entity set (line types, say). */
  public synchronized List<EntityType> entityTypes() {
    List<EntityType> types = new ArrayList<>();
    for (String qualifiedName : entityTypeElements.keySet()) {
      types.add(entityType(qualifiedName));
    }
    return types;
  }

  private EntityType entityType(String qualifiedName) {
    EntityType known = resolved.get(qualifiedName);
    if (known != null) {
      return known;
    }
    Element element = entityTypeElements.get(qualifiedName);
    if (element == null) {
      return null;
    }
    Map<String, String> properties = new LinkedHashMap<>();
    Map<String, EntityType> navigation = new LinkedHashMap<>();
    String baseType = element.getAttribute("BaseType");
    EntityType base = baseType.isEmpty() ? null : entityType(baseType);
    String key = keyOf(element);
    if (key == null && base != null) {
      key = base.key();
    }
    EntityType type =
        new EntityType(
            service,
            qualifiedName,
            element.getAttribute("Name"),
            key,
            Collections.unmodifiableMap(properties),
            Collections.unmodifiableMap(navigation));
    resolved.put(qualifiedName, type); // before the navigation targets: they may point back
    if (base != null) {
      properties.putAll(base.properties());
      navigation.putAll(base.navigation());
    }
    for (Element child : children(element)) {
      if ("Property".equals(child.getLocalName())) {
        properties.put(child.getAttribute("Name"), child.getAttribute("Type"));
      } else if ("NavigationProperty".equals(child.getLocalName())) {
        EntityType target =
            navigationTarget(child.getAttribute("Relationship"), child.getAttribute("ToRole"));
        if (target != null) {
          navigation.put(child.getAttribute("Name"), target);
        }
      }
    }
    return type;
  }

  /** The first {@code PropertyRef} of the type's {@code Key}, or null. */
  private static String keyOf(Element entityType) {
    for (Element child : children(entityType)) {
      if ("Key".equals(child.getLocalName())) {
        for (Element ref : children(child)) {
          return ref.getAttribute("Name");
        }
      }
    }
    return null;
  }

  private EntityType navigationTarget(String relationship, String toRole) {
    Element association = associations.get(relationship);
    if (association == null) {
      return null;
    }
    for (Element end : children(association)) {
      if ("End".equals(end.getLocalName()) && toRole.equals(end.getAttribute("Role"))) {
        return entityType(end.getAttribute("Type"));
      }
    }
    return null;
  }

  private static List<Element> children(Element parent) {
    List<Element> elements = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        elements.add(e);
      }
    }
    return elements;
  }

  private static Edmx read(String service) {
    String resource = "/exact-edmx/" + service + ".xml";
    try (InputStream in = Edmx.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Exact EDMX " + resource + " is not on the class path");
      }
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      return new Edmx(service, builder.parse(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Exact EDMX " + resource, e);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("cannot parse Exact EDMX " + resource, e);
    }
  }
}
