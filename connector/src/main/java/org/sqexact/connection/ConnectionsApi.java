package org.sqexact.connection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.sqexact.ops.PollWatch;

/**
 * GET /api/connections: the connections this process serves, the default one first: id, state
 * ({@code RUNNING} or {@code FAILED}, with the problem), the Exact division, how many routes serve
 * it and when its last poll of Squarespace succeeded. A connection whose file turned bad but keeps
 * running shows {@code RUNNING} with the file's problem.
 */
public final class ConnectionsApi {

  private static final int RECENT_ALERTS = 5;

  private final String defaultId;
  private final IntSupplier defaultDivision;
  private final Supplier<PollWatch> defaultWatch;
  private final CamelContext context;
  private final ConnectionRegistry registry;
  private final TemplateConnectionRuntime runtime;
  private final ConnectionWiring wiring;

  public ConnectionsApi(
      String defaultId,
      IntSupplier defaultDivision,
      Supplier<PollWatch> defaultWatch,
      CamelContext context,
      ConnectionRegistry registry,
      TemplateConnectionRuntime runtime,
      ConnectionWiring wiring) {
    this.defaultId = defaultId;
    this.defaultDivision = defaultDivision;
    this.defaultWatch = defaultWatch;
    this.context = context;
    this.registry = registry;
    this.runtime = runtime;
    this.wiring = wiring;
  }

  public Map<String, Object> list() {
    List<Map<String, Object>> all = new ArrayList<>();
    // the default connection's routes keep the templates' names without a suffix
    long defaultRoutes =
        ConnectionWiring.TEMPLATES.stream().filter(t -> context.getRoute(t) != null).count();
    all.add(
        entry(
            defaultId,
            "RUNNING",
            null,
            defaultDivision.getAsInt(),
            defaultRoutes,
            lastPoll(defaultWatch.get()),
            true));
    for (ConnectionRegistry.Status s : registry.statuses()) {
      ConnectionWiring.Built b = wiring.connection(s.id());
      all.add(
          entry(
              s.id(),
              s.state().name(),
              s.problem(),
              b == null ? null : b.state().division().getAsInt(),
              runtime.routeIds(s.id()).size(),
              b == null ? null : lastPoll(b.pollWatch()),
              false));
      if (b != null) {
        // its alerts (also sent by mail/webhook; /api/alerts shows the default connection's)
        List<Map<String, Object>> recent = new ArrayList<>();
        b.state().alerts().recent().stream()
            .limit(RECENT_ALERTS)
            .forEach(
                a ->
                    recent.add(
                        Map.of("at", a.at().toString(), "code", a.code(), "message", a.message())));
        all.get(all.size() - 1).put("recentAlerts", recent);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("connections", all);
    return out;
  }

  /** GET /api/connections/{id}: that connection's entry of {@link #list()}, or 404. */
  public Map<String, Object> one(org.apache.camel.Exchange exchange) {
    Object id = exchange.getMessage().getHeader("id");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> all = (List<Map<String, Object>>) list().get("connections");
    for (Map<String, Object> c : all) {
      if (c.get("id").equals(id)) {
        return c;
      }
    }
    exchange.getMessage().setHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, 404);
    Map<String, Object> out = new LinkedHashMap<>();
    String name = String.valueOf(id).replaceAll("[^A-Za-z0-9_.-]", "?");
    out.put(
        "error",
        "connection '"
            + (name.length() > 64 ? name.substring(0, 64) : name)
            + "' is not known here");
    return out;
  }

  private static Map<String, Object> entry(
      String id,
      String state,
      String problem,
      Integer division,
      long routes,
      String lastPoll,
      boolean isDefault) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("default", isDefault);
    m.put("state", state);
    m.put("problem", problem);
    m.put("division", division == null || division == 0 ? null : division);
    m.put("routes", routes);
    m.put("lastPoll", lastPoll);
    return m;
  }

  private static String lastPoll(PollWatch watch) {
    Instant at = watch == null ? null : watch.lastSuccess();
    return at == null ? null : at.toString();
  }
}
