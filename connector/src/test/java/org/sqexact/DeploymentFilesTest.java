package org.sqexact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.sqexact.config.ConnectorSettings;
import org.sqexact.testing.ConnectorHarness;
import org.sqexact.testing.TestClock;

/**
 * The deployment files under docker/ (compose.yaml, Prometheus, Grafana, Hawtio, Kubernetes), read
 * as their tools read them and held against the connector: two replicas, pinned images, only
 * settings the README documents, probes, metrics path and Jolokia answered by a connector started
 * as production does, Grafana panels on metrics the connector exports. The images are built when a
 * Docker engine answers; without one the files are checked as files (like {@link DockerfileTest}),
 * and {@code -Ddocker.required=true} turns a missing engine into a failure.
 */
class DeploymentFilesTest {

  private static final Path DOCKER = Path.of("docker");
  private static final Path K8S = DOCKER.resolve("k8s");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{([A-Z0-9_]+)(?::?[?-][^}]*)?}");
  private static final Pattern VERSION_TAG = Pattern.compile("v?[0-9]+(\\.[0-9]+)+([._-].*)?");

  private static Map<String, Object> compose;
  private static Map<String, Object> prometheus;
  private static List<Map<String, Object>> manifests;
  private static Set<String> settings;
  private static String readme;
  private static String workdir;

  @BeforeAll
  static void read() throws IOException {
    compose = map(yaml(DOCKER.resolve("compose.yaml")).get(0));
    prometheus = map(yaml(DOCKER.resolve("prometheus/prometheus.yml")).get(0));
    manifests = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : yaml(f)) {
          if (doc != null) {
            manifests.add(map(doc));
          }
        }
      }
    }
    // the settings the connector reads: application.properties' keys as environment variables
    settings = new TreeSet<>();
    for (String line :
        Files.readAllLines(Path.of("connector/src/main/resources/application.properties"))) {
      if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("camel.")) {
        settings.add(ConnectorSettings.envName(line.substring(0, line.indexOf('=')).trim()));
      }
    }
    readme = Files.readString(Path.of("README.md"));
    workdir = null;
    for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
      if (line.startsWith("WORKDIR ")) {
        workdir = line.substring(8).trim(); // the run stage's is the last one
      }
    }
    assertNotNull(workdir, "docker/Dockerfile has a WORKDIR");
  }

  // --- docker/compose.yaml --------------------------------------------------------------------

  @Test
  void composeRunsTwoReplicasOfTheDockerfileOnPostgres() {
    Map<String, Object> connector = service("connector");
    Map<String, Object> build = map(connector.get("build"));
    Path context = DOCKER.resolve(str(build.get("context"))).normalize();
    assertTrue(
        Files.isRegularFile(context.resolve(str(build.get("dockerfile")))),
        "the build's Dockerfile exists: " + build);
    assertEquals(Path.of("docker/Dockerfile"), context.resolve(str(build.get("dockerfile"))));
    assertEquals(2, map(connector.get("deploy")).get("replicas"), "two replicas");

    Map<String, String> env = environment(connector);
    assertEquals("0.0.0.0", env.get("CONNECTOR_HTTP_HOST"));
    Map<String, Object> postgres = service("postgres");
    Map<String, String> pg = environment(postgres);
    assertEquals(
        "jdbc:postgresql://postgres:5432/" + pg.get("POSTGRES_DB"), env.get("CONNECTOR_DB_URL"));
    assertEquals(pg.get("POSTGRES_USER"), env.get("CONNECTOR_DB_USER"));
    assertEquals(
        variables(pg.get("POSTGRES_PASSWORD")),
        variables(env.get("CONNECTOR_DB_PASSWORD")),
        "PostgreSQL and the connector take the password from the same variable");
    assertTrue(
        list(map(postgres.get("healthcheck")).get("test")).toString().contains("pg_isready"),
        "PostgreSQL reports when it accepts connections");
    assertTrue(
        list(postgres.get("volumes")).stream()
            .anyMatch(v -> str(v).endsWith(":/var/lib/postgresql/data")),
        "PostgreSQL's data on a volume");
    assertEquals(
        "service_healthy",
        map(map(connector.get("depends_on")).get("postgres")).get("condition"),
        "the connector starts once PostgreSQL is healthy");
  }

  @Test
  void composeSecretsComeFromTheGitIgnoredEnvFileAndItsDocumentedExample() throws IOException {
    assertEquals("connector.env", service("connector").get("env_file"));
    assertTrue(
        Files.readAllLines(DOCKER.resolve(".gitignore")).contains("connector.env"),
        "docker/connector.env is git-ignored");
    assertTrue(
        Files.readString(DOCKER.resolve("Dockerfile.dockerignore"))
            .contains("docker/connector.env"),
        "and stays out of the image's build context");
    Map<String, String> example = envFile(DOCKER.resolve("connector.env.example"));
    // every ${VAR} the compose file needs is in the example (compose reads it with --env-file)
    Set<String> needed = variables(Files.readString(DOCKER.resolve("compose.yaml")));
    assertFalse(needed.isEmpty());
    for (String v : needed) {
      assertTrue(example.containsKey(v), "connector.env.example lacks " + v);
    }
    // the connector reads the whole file: each key is a documented setting, or a value compose
    // hands to another service
    for (String key : example.keySet()) {
      assertTrue(
          documented(key) || needed.contains(key),
          key + " in connector.env.example is neither a documented setting nor used by compose");
    }
    for (String key : environment(service("connector")).keySet()) {
      assertTrue(documented(key), key + " (compose) is not a setting the README documents");
    }
    // no secret value is committed
    for (String secret :
        List.of(
            "CONNECTOR_API_TOKEN",
            "CONNECTOR_SECRET_KEY",
            "CONNECTOR_DB_PASSWORD",
            "EXACT_CLIENT_SECRET")) {
      assertEquals("", example.get(secret), secret + " is empty in the example");
    }
    assertTrue(readme.contains("docker/connector.env.example"), "the README names the example");
  }

  @Test
  void everyImageIsPinnedAndEveryPortListensOnLocalhostOnly() throws IOException {
    Map<String, Object> services = map(compose.get("services"));
    assertEquals(
        Set.of("connector", "postgres", "prometheus", "grafana", "hawtio"), services.keySet());
    for (Map.Entry<String, Object> e : services.entrySet()) {
      Map<String, Object> s = map(e.getValue());
      assertPinned(str(s.get("image")), e.getKey());
      for (Object port : list(s.getOrDefault("ports", List.of()))) {
        assertTrue(str(port).startsWith("127.0.0.1:"), e.getKey() + " publishes " + port);
      }
    }
    for (String line : Files.readAllLines(DOCKER.resolve("hawtio/Dockerfile"))) {
      if (line.startsWith("FROM ")) {
        assertPinned(line.substring(5).trim().split(" ")[0], "hawtio/Dockerfile");
      }
    }
    for (Map<String, Object> m : manifests) {
      for (Map<String, Object> c : containers(m)) {
        assertPinned(str(c.get("image")), m.get("kind") + " " + name(m));
      }
    }
  }

  @Test
  void prometheusScrapesTheMetricsPathOfEveryReplicaWithTheApiToken() {
    List<Object> jobs = list(prometheus.get("scrape_configs"));
    assertEquals(1, jobs.size());
    Map<String, Object> job = map(jobs.get(0));
    assertEquals("/observe/metrics", job.get("metrics_path"));
    Map<String, Object> auth = map(job.get("authorization"));
    assertEquals("Bearer", auth.get("type"));
    // the file is the compose secret that carries CONNECTOR_API_TOKEN, the connector's token
    String file = str(auth.get("credentials_file"));
    Map<String, Object> mounted =
        list(service("prometheus").get("secrets")).stream()
            .map(DeploymentFilesTest::map)
            .filter(s -> file.equals("/run/secrets/" + s.get("target")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no compose secret is mounted at " + file));
    Map<String, Object> secret = map(map(compose.get("secrets")).get(str(mounted.get("source"))));
    assertEquals("CONNECTOR_API_TOKEN", secret.get("environment"));
    assertEquals(
        Set.of("CONNECTOR_API_TOKEN"),
        variables(environment(service("connector")).get("CONNECTOR_API_TOKEN")));
    // one target per replica: the service's name resolves to each of them
    Map<String, Object> sd = map(list(job.get("dns_sd_configs")).get(0));
    assertEquals(List.of("connector"), sd.get("names"));
    assertEquals("A", sd.get("type"));
    assertEquals(connectorPort(), sd.get("port"));
  }

  @Test
  void grafanaIsProvisionedWithADashboardOfMetricsTheConnectorExports() throws IOException {
    Map<String, Object> grafana = service("grafana");
    Map<String, Object> datasource =
        map(
            list(map(yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml"))
                        .get(0))
                    .get("datasources"))
                .get(0));
    assertEquals("http://prometheus:9090", datasource.get("url"));
    assertTrue(list(service("prometheus").get("ports")).contains("127.0.0.1:9090:9090"));
    String provider =
        str(
            map(map(list(map(yaml(DOCKER.resolve("grafana/provisioning/dashboards/connector.yaml"))
                                .get(0))
                            .get("providers"))
                        .get(0))
                    .get("options"))
                .get("path"));
    List<String> volumes = list(grafana.get("volumes")).stream().map(Object::toString).toList();
    assertTrue(volumes.contains("./grafana/dashboards:" + provider + ":ro"), volumes.toString());
    assertTrue(volumes.contains("./grafana/provisioning:/etc/grafana/provisioning:ro"));

    JsonNode dashboard =
        JSON.readTree(DOCKER.resolve("grafana/dashboards/connector.json").toFile());
    assertTrue(
        environment(grafana)
            .get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
            .equals(provider + "/connector.json"));
    String source = connectorSource();
    Set<String> used = new TreeSet<>();
    assertTrue(dashboard.path("panels").size() >= 8, "a dashboard with its panels");
    for (JsonNode panel : dashboard.path("panels")) {
      assertEquals(datasource.get("uid"), panel.path("datasource").path("uid").asText());
      assertTrue(panel.path("targets").size() > 0, panel.path("title") + " has no query");
      for (JsonNode target : panel.path("targets")) {
        for (String metric : metricNames(target.path("expr").asText())) {
          used.add(metric);
          if (metric.equals("up")) {
            continue; // Prometheus's own: is the target scraped
          }
          String family = metric.replaceAll("(_total|_seconds(_sum|_count|_max|_bucket)?)$", "");
          assertTrue(
              source.contains("\"" + family + "\""),
              panel.path("title").asText()
                  + ": "
                  + metric
                  + " is not a metric the connector makes");
        }
      }
    }
    // orders by state, backlog, calls by API/endpoint/status, budget left, token expiry
    assertTrue(
        used.containsAll(
            List.of(
                "connector_orders",
                "connector_orders_backlog",
                "connector_api_calls_total",
                "connector_exact_budget_remaining",
                "connector_exact_token_seconds_left")),
        used.toString());
  }

  @Test
  void hawtioIsAPinnedWarCheckedByItsDigestAndMayReachBothReplicasOnly() throws IOException {
    String dockerfile = Files.readString(DOCKER.resolve("hawtio/Dockerfile"));
    Matcher war =
        Pattern.compile(
                "ADD (?:--chown=\\S+ )?--checksum=sha256:[0-9a-f]{64} \\\\\\s+https://repo1\\.maven\\.org/maven2/io/hawt/"
                    + "hawtio-default/([0-9.]+)/hawtio-default-\\1\\.war")
            .matcher(dockerfile);
    assertTrue(war.find(), "the war from Maven Central, checked against its SHA-256");
    Map<String, Object> hawtio = service("hawtio");
    assertEquals("sqexact-hawtio:" + war.group(1), hawtio.get("image"));
    String opts = environment(hawtio).get("CATALINA_OPTS");
    Matcher allow = Pattern.compile("-Dhawtio\\.proxyAllowlist=(\\S+)").matcher(opts);
    assertTrue(allow.find(), opts);
    Set<String> replicas = new LinkedHashSet<>();
    int count = (Integer) map(service("connector").get("deploy")).get("replicas");
    for (int i = 1; i <= count; i++) {
      replicas.add(compose.get("name") + "-connector-" + i); // compose's container names
    }
    replicas.add("connector");
    assertEquals(replicas, Set.of(allow.group(1).split(",")));
    // the connector accepts the origin of the page Hawtio's proxy forwards
    String hostPort = str(list(hawtio.get("ports")).get(0)).split(":")[1];
    assertTrue(
        environment(service("connector"))
            .get("CONNECTOR_JOLOKIA_ORIGINS")
            .contains("http://localhost:" + hostPort));
  }

  // --- docker/k8s -----------------------------------------------------------------------------

  @Test
  void theDeploymentRunsTwoReplicasWithProbesResourcesAndNoExtraRbac() throws IOException {
    Map<String, Object> deployment = only("Deployment");
    Map<String, Object> spec = map(deployment.get("spec"));
    assertEquals(2, spec.get("replicas"));
    Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
    assertEquals(false, pod.get("automountServiceAccountToken"), "no Kubernetes API access");
    for (Map<String, Object> m : manifests) {
      assertFalse(
          Set.of(
                  "Role",
                  "ClusterRole",
                  "RoleBinding",
                  "ClusterRoleBinding",
                  "Lease",
                  "ServiceAccount")
              .contains(str(m.get("kind"))),
          "leader election runs in PostgreSQL (clustered Quartz): no " + m.get("kind"));
    }
    Map<String, Object> container = containers(deployment).get(0);
    Map<String, Object> port = map(list(container.get("ports")).get(0));
    assertEquals(connectorPort(), port.get("containerPort"));
    Map<String, String> env = env(container);
    assertEquals(String.valueOf(connectorPort()), env.get("CONNECTOR_HTTP_PORT"));
    assertEquals("0.0.0.0", env.get("CONNECTOR_HTTP_HOST"));
    for (String name : env.keySet()) {
      assertTrue(documented(name), name + " (Deployment) is not a setting the README documents");
    }
    Map<String, String> probes = new LinkedHashMap<>();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
      assertEquals(port.get("name"), get.get("port"), probe + " asks the connector's port");
      probes.put(probe, str(get.get("path")));
    }
    assertEquals("/observe/health/live", probes.get("livenessProbe"));
    assertEquals("/observe/health/ready", probes.get("readinessProbe"));
    Map<String, Object> resources = map(container.get("resources"));
    assertNotNull(map(resources.get("requests")).get("memory"));
    assertNotNull(map(resources.get("requests")).get("cpu"));
    assertNotNull(map(resources.get("limits")).get("memory"));
    assertTrue(
        Files.readString(K8S.resolve("deployment.yaml")).contains("clustered job store"),
        "the manifest says how the leader is elected");

    Map<String, Object> service = only("Service");
    Map<String, Object> labels = map(map(map(spec.get("template")).get("metadata")).get("labels"));
    assertTrue(
        labels.entrySet().containsAll(map(map(service.get("spec")).get("selector")).entrySet()),
        "the Service selects the Deployment's pods");
    assertEquals(
        port.get("name"),
        map(list(map(service.get("spec")).get("ports")).get(0)).get("targetPort"));
    assertEquals(
        "/observe/metrics",
        map(map(map(spec.get("template")).get("metadata")).get("annotations"))
            .get("prometheus.io/path"));
  }

  @Test
  void credentialsComeFromASecretAndRoutesAndMappingsFromConfigMaps() throws IOException {
    Map<String, Object> deployment = only("Deployment");
    Map<String, Object> container = containers(deployment).get(0);
    Map<String, Object> secret = only("Secret");
    assertEquals(
        name(secret),
        map(map(list(container.get("envFrom")).get(0)).get("secretRef")).get("name"),
        "envFrom names the Secret");
    Map<String, Object> data = map(secret.get("stringData"));
    for (String key : data.keySet()) {
      assertTrue(documented(key), key + " (Secret) is not a setting the README documents");
    }
    assertTrue(str(data.get("CONNECTOR_DB_URL")).startsWith("jdbc:postgresql://"));
    assertTrue(data.keySet().containsAll(List.of("CONNECTOR_DB_USER", "CONNECTOR_DB_PASSWORD")));
    assertTrue(data.keySet().containsAll(List.of("CONNECTOR_API_TOKEN", "CONNECTOR_SECRET_KEY")));
    assertTrue(Files.readAllLines(DOCKER.resolve(".gitignore")).contains("k8s/secret.yaml"));

    // routes/ and mappings/ where the connector reads them: its working directory
    String apply = Files.readString(K8S.resolve("apply.sh"));
    Map<String, String> mounts = new LinkedHashMap<>();
    for (Object m : list(container.get("volumeMounts"))) {
      mounts.put(str(map(m).get("name")), str(map(m).get("mountPath")));
    }
    Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
    for (String dir : List.of("routes", "mappings")) {
      String volume =
          mounts.entrySet().stream()
              .filter(e -> e.getValue().equals(workdir + "/" + dir))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow(() -> new AssertionError("nothing mounted at " + workdir + "/" + dir));
      String configMap =
          list(pod.get("volumes")).stream()
              .map(DeploymentFilesTest::map)
              .filter(v -> volume.equals(v.get("name")))
              .map(v -> str(map(v.get("configMap")).get("name")))
              .findFirst()
              .orElseThrow();
      assertTrue(
          apply.contains("create configmap " + configMap + " --from-file=" + dir + "/"),
          "apply.sh makes " + configMap + " from " + dir + "/");
      assertTrue(Files.isDirectory(Path.of(dir)));
    }
    // the connector restricts its data directory to itself (chmod 700): not a volume's root
    String dataDir = env(container).get("CONNECTOR_DATA_DIR");
    assertNotNull(dataDir, "CONNECTOR_DATA_DIR");
    assertTrue(
        mounts.values().stream().anyMatch(m -> dataDir.startsWith(m + "/")),
        dataDir + " lies inside a mounted volume");
    // apply.sh applies every manifest, and all live in one namespace
    String namespace = name(only("Namespace"));
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String file = f.getFileName().toString().replace("secret.example.yaml", "secret.yaml");
        assertTrue(apply.contains("$k8s/" + file), "apply.sh does not apply " + file);
      }
    }
    for (Map<String, Object> m : manifests) {
      if (!"Namespace".equals(m.get("kind"))) {
        assertEquals(namespace, map(m.get("metadata")).get("namespace"), name(m));
      }
    }
    assertTrue(readme.contains("docker/k8s/apply.sh"), "the README shows how to apply them");
  }

  // --- against the connector ------------------------------------------------------------------

  @Test
  void thePathsTheFilesNameAnswerOnAConnectorStartedAsProductionDoes() throws Exception {
    Map<String, String> p =
        ConnectorHarness.settings(
            "http://127.0.0.1:" + ConnectorHarness.freePort(),
            "http://127.0.0.1:" + ConnectorHarness.freePort());
    String origins = environment(service("connector")).get("CONNECTOR_JOLOKIA_ORIGINS");
    p.put("connector.jolokia-origins", origins);
    HttpClient http = HttpClient.newHttpClient();
    try (ConnectorHarness connector = ConnectorHarness.start(p, new TestClock())) {
      // probes: no login, a status, never 401 or 404
      Map<String, Object> container = containers(only("Deployment")).get(0);
      Set<String> paths = new LinkedHashSet<>();
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        paths.add(str(map(map(container.get(probe)).get("httpGet")).get("path")));
      }
      assertEquals(Set.of("/observe/health/live", "/observe/health/ready"), paths);
      for (String path : paths) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(connector.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 503, path + ": " + r.statusCode());
        assertTrue(r.body().matches("\\{\"status\":\"(UP|DOWN)\"}"), path + ": " + r.body());
      }
      assertEquals(
          200,
          http.send(
                  HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/observe/health/live"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "a started connector is live");

      // Prometheus's scrape: the metrics path with the bearer token
      String metricsPath =
          str(map(list(prometheus.get("scrape_configs")).get(0)).get("metrics_path"));
      HttpResponse<String> anonymous =
          http.send(
              HttpRequest.newBuilder(URI.create(connector.baseUrl() + metricsPath)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode(), "the metrics need the token");
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(connector.baseUrl() + metricsPath))
                  .header("Authorization", "Bearer " + connector.apiToken())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, metrics.statusCode());
      for (String gauge :
          List.of("connector_orders{", "connector_orders_backlog{", "connector_exact_token_")) {
        assertTrue(metrics.body().contains(gauge), gauge + " is exported");
      }

      // Hawtio's proxy: the browser's POST with Hawtio's origin, basic credentials with the token
      String jolokia = connector.baseUrl() + "/observe/jolokia";
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      ("hawtio:" + connector.apiToken()).getBytes(StandardCharsets.UTF_8));
      for (String origin : origins.split(",")) {
        HttpResponse<String> version =
            http.send(
                hawtioPost(jolokia, basic, origin.trim()), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, version.statusCode(), version.body());
        assertEquals(200, JSON.readTree(version.body()).path("status").asInt(), version.body());
      }
      assertEquals(
          403,
          http.send(
                  hawtioPost(jolokia, basic, "http://attacker.example"),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "other origins stay refused");
      assertEquals(
          401,
          http.send(
                  hawtioPost(jolokia, "Basic aGF3dGlvOndyb25n", origins.split(",")[0]),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "a trusted origin still needs the token");
      HttpRequest operatorApi =
          HttpRequest.newBuilder(URI.create(connector.baseUrl() + "/api/orders/1/retry"))
              .header("Authorization", "Bearer " + connector.apiToken())
              .header("Origin", origins.split(",")[0])
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{}"))
              .build();
      assertEquals(
          403,
          http.send(operatorApi, HttpResponse.BodyHandlers.ofString()).statusCode(),
          "Hawtio's origin opens Jolokia only, not the operator API");
    }
  }

  private static HttpRequest hawtioPost(String url, String auth, String origin) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", auth)
        .header("Origin", origin)
        .header("Sec-Fetch-Site", "same-origin") // the browser's view: the page is Hawtio's
        .header("Content-Type", "text/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"version\"}"))
        .build();
  }

  // --- the images -----------------------------------------------------------------------------

  @Test
  void theImagesBuildWhereADockerEngineAnswers() throws Exception {
    if (!dockerAnswers()) {
      if (Boolean.getBoolean("docker.required")) {
        fail("-Ddocker.required=true, but no Docker engine answers 'docker info'");
      }
      // no engine (CI): the files were checked above and by DockerfileTest; say so, never skip
      System.out.println(
          "DeploymentFilesTest: no Docker engine answers: images not built, files checked only");
      assertTrue(Files.isRegularFile(DOCKER.resolve("hawtio/Dockerfile")));
      return;
    }
    run(
        List.of(
            "docker",
            "build",
            "-f",
            "docker/Dockerfile",
            "-t",
            "squarespace-exact-connector:test",
            "."),
        30);
    run(List.of("docker", "build", "-t", "sqexact-hawtio:test", "docker/hawtio"), 10);
    if (exitCode(List.of("docker", "compose", "version"), 1) == 0) {
      // the compose file as Docker Compose reads it, with every variable set
      Path env = Files.createTempFile("connector", ".env");
      StringBuilder values = new StringBuilder();
      for (String key : envFile(DOCKER.resolve("connector.env.example")).keySet()) {
        values.append(key).append("=x\n");
      }
      Files.writeString(env, values);
      run(
          List.of(
              "docker",
              "compose",
              "-f",
              "docker/compose.yaml",
              "--env-file",
              env.toString(),
              "config",
              "--quiet"),
          1);
    }
  }

  private static boolean dockerAnswers() {
    try {
      return exitCode(List.of("docker", "info"), 1) == 0;
    } catch (IOException e) {
      return false; // no docker command
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int exitCode(List<String> command, int minutes)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static void run(List<String> command, int minutes) throws Exception {
    Path log = Files.createTempFile("docker", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(minutes, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(done && p.exitValue() == 0, String.join(" ", command) + " failed:\n" + output);
  }

  // --- helpers --------------------------------------------------------------------------------

  private static List<Object> yaml(Path file) throws IOException {
    Load load = new Load(LoadSettings.builder().build());
    List<Object> docs = new ArrayList<>();
    load.loadAllFromString(Files.readString(file)).forEach(docs::add);
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertTrue(o instanceof Map, "not a mapping: " + o);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertTrue(o instanceof List, "not a list: " + o);
    return (List<Object>) o;
  }

  private static String str(Object o) {
    assertNotNull(o);
    return o.toString();
  }

  private static Map<String, Object> service(String name) {
    return map(map(compose.get("services")).get(name));
  }

  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    map(service.get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  private static Set<String> variables(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = INTERPOLATION.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Map<String, String> envFile(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int eq = line.indexOf('=');
        assertTrue(eq > 0, file + ": not VARIABLE=value: " + line);
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return values;
  }

  /** A setting of application.properties that the README documents (as ReadmeTest finds it). */
  private static boolean documented(String env) {
    return settings.contains(env)
        && (readme.contains("`" + env + "`")
            || readme.contains(env + "`,")
            || readme.contains(" " + env + "`"));
  }

  private static int connectorPort() {
    String mapping = str(list(service("connector").get("ports")).get(0));
    return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
  }

  private static void assertPinned(String image, String where) {
    assertNotNull(image, where + " names no image");
    int colon = image.lastIndexOf(':');
    assertTrue(colon > image.lastIndexOf('/'), where + ": no tag on " + image);
    String tag = image.substring(colon + 1);
    assertFalse(tag.equals("latest"), where + ": " + image);
    assertTrue(VERSION_TAG.matcher(tag).matches(), where + ": not a fixed version: " + image);
  }

  private static Map<String, Object> only(String kind) {
    List<Map<String, Object>> found =
        manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
    assertEquals(1, found.size(), "one " + kind);
    return found.get(0);
  }

  private static String name(Map<String, Object> manifest) {
    return str(map(manifest.get("metadata")).get("name"));
  }

  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object e : list(container.get("env"))) {
      env.put(str(map(e).get("name")), str(map(e).get("value")));
    }
    return env;
  }

  private static List<Map<String, Object>> containers(Map<String, Object> manifest) {
    if (!"Deployment".equals(manifest.get("kind"))) {
      return List.of();
    }
    Map<String, Object> pod = map(map(map(manifest.get("spec")).get("template")).get("spec"));
    return list(pod.get("containers")).stream().map(DeploymentFilesTest::map).toList();
  }

  /** The metric names of a PromQL expression: identifiers that are not functions or labels. */
  static Set<String> metricNames(String expr) {
    String s =
        expr.replaceAll("\"[^\"]*\"", "\"\"") // label values
            .replaceAll("\\{[^}]*}", " ") // label matchers
            .replaceAll("\\[[^]]*]", " ") // ranges
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> keywords = Set.of("and", "or", "unless", "bool", "offset");
    Set<String> names = new HashSet<>();
    Matcher m = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(\\s*\\()?").matcher(s);
    while (m.find()) {
      if (m.group(2) == null && !keywords.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The connector's main Java sources, where its metric names are written. */
  private static String connectorSource() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("connector/src/main/java"))) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(
              f -> {
                try {
                  return Files.readString(f);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              })
          .collect(Collectors.joining("\n"));
    }
  }
}
