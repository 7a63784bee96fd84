package org.sqexact.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Serves each connection with routes created from route templates: one route per template, id
 * {@code <template>-<connection>}, given the template parameter {@code connection} (which makes its
 * endpoints and Quartz jobs unique) and the connection's beans as the instance's local beans, so
 * the template's references find this connection's gateway, ledger and governor. A template refers
 * to a local bean as {@code ref: "{{documentBooker}}"}, not {@code ref: documentBooker}: Camel
 * registers each instance's local beans under a unique name and passes that name as the template
 * parameter of the bean's name; a plain name is looked up in the global registry and not found
 * (checked in Camel 4.18 by ConnectionRegistryTest; see "Route Template Bean Binding" in Camel's
 * manual and CAMEL-23652).
 */
public final class TemplateConnectionRuntime implements ConnectionRuntime {

  /** What one connection's routes need: their template parameters and their local beans. */
  public interface Wiring {

    /** Template parameters besides {@code connection} (schedules, limits …). */
    Map<String, Object> parameters(ConnectionDefinition definition);

    /** The connection's beans, by the names the templates refer to. */
    Map<String, Object> beans(ConnectionDefinition definition);

    /** Releases what {@link #beans} opened for the connection (nothing by default). */
    default void release(String id) {}
  }

  private final CamelContext context;
  private final List<String> templates;
  private final Wiring wiring;
  private final Map<String, List<String>> routes = new ConcurrentHashMap<>();

  /**
   * @param templates the route template ids instantiated for each connection, in start order
   *     (consumers of direct endpoints after the routes that produce to them is not required:
   *     direct endpoints resolve when called)
   */
  public TemplateConnectionRuntime(CamelContext context, List<String> templates, Wiring wiring) {
    this.context = context;
    this.templates = List.copyOf(templates);
    this.wiring = wiring;
  }

  @Override
  public void start(ConnectionDefinition definition) throws Exception {
    String id = definition.id();
    List<String> started = new ArrayList<>();
    routes.put(id, started);
    try {
      Map<String, Object> parameters = wiring.parameters(definition);
      Map<String, Object> beans = wiring.beans(definition);
      for (String template : templates) {
        TemplatedRouteBuilder builder =
            TemplatedRouteBuilder.builder(context, template)
                .routeId(template + "-" + id)
                .parameter("connection", id)
                .parameters(parameters);
        beans.forEach(builder::bean);
        String routeId = builder.add();
        started.add(routeId);
      }
    } catch (Exception e) {
      stop(id); // nothing half-started (and what beans() opened released)
      throw e;
    }
  }

  @Override
  public void stop(String id) throws Exception {
    List<String> ids = routes.remove(id);
    try {
      if (ids != null) {
        // the reverse of the start: consumers first, so no new work enters a half-stopped set
        for (int i = ids.size() - 1; i >= 0; i--) {
          String routeId = ids.get(i);
          context.getRouteController().stopRoute(routeId);
          context.removeRoute(routeId);
        }
      }
    } finally {
      wiring.release(id);
    }
  }

  /** The route ids serving a connection (empty when it does not run). */
  public List<String> routeIds(String id) {
    return List.copyOf(routes.getOrDefault(id, List.of()));
  }
}
