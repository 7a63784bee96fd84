package org.sqexact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/Dockerfile, read as Docker reads it (no Docker engine needed): two stages, pinned base
 * images, the libraries' layer before the application jar, a health check, no root, and paths that
 * match what the build produces and what the README tells users to run.
 */
class DockerfileTest {

  private record Instruction(int line, String keyword, String args) {}

  private static List<List<Instruction>> stages;
  private static String finalName;

  @BeforeAll
  static void parse() throws IOException {
    List<Instruction> all = instructions(Files.readAllLines(Path.of("docker/Dockerfile")));
    stages = new ArrayList<>();
    for (Instruction i : all) {
      if (i.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      }
      assertFalse(stages.isEmpty(), "line " + i.line() + ": an instruction before FROM");
      stages.get(stages.size() - 1).add(i);
    }
    Matcher m =
        Pattern.compile("<finalName>([^<]+)</finalName>")
            .matcher(Files.readString(Path.of("connector/pom.xml")));
    assertTrue(m.find(), "pom.xml has a finalName");
    finalName = m.group(1);
  }

  /** Joins continuation lines and drops comments, parser directives and blank lines. */
  private static List<Instruction> instructions(List<String> lines) {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = null;
    int start = 0;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.startsWith("#") || (current == null && line.isEmpty())) {
        continue;
      }
      if (current == null) {
        current = new StringBuilder();
        start = n + 1;
      }
      boolean continued = line.endsWith("\\");
      current.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continued) {
        String text = current.toString().strip();
        int space = text.indexOf(' ');
        out.add(
            new Instruction(
                start, text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        current = null;
      }
    }
    return out;
  }

  private static List<Instruction> in(List<Instruction> stage, String keyword) {
    return stage.stream().filter(i -> i.keyword().equals(keyword)).collect(Collectors.toList());
  }

  private static List<Instruction> runStage() {
    return stages.get(stages.size() - 1);
  }

  @Test
  void buildsWithMavenAndTheJdkThenRunsOnTheJreOnly() {
    assertEquals(2, stages.size(), "a build stage and a run stage");
    String build = stages.get(0).get(0).args();
    assertTrue(build.matches("maven:[0-9.]+-eclipse-temurin-17 AS build"), build);
    assertTrue(in(stages.get(0), "RUN").stream().anyMatch(r -> r.args().contains("mvn -B")));
    String run = runStage().get(0).args();
    assertTrue(run.matches("eclipse-temurin:17\\.[0-9.]+_[0-9]+-jre(-[a-z]+)?"), run);
  }

  @Test
  void baseImagesArePinnedToAVersion() {
    for (List<Instruction> stage : stages) {
      String image = stage.get(0).args().split(" ")[0];
      String tag = image.contains(":") ? image.substring(image.indexOf(':') + 1) : "latest";
      assertTrue(tag.matches("[0-9]+\\.[0-9]+\\.[0-9]+.*"), "not a fixed version: " + image);
    }
  }

  @Test
  void theLibrariesLayerComesBeforeTheApplicationJar() {
    List<Instruction> copies = in(runStage(), "COPY");
    int libs = indexOf(copies, "--from=build /build/connector/target/lib/ /app/lib/");
    String jar = finalName + ".jar";
    int app = indexOf(copies, "--from=build /build/connector/target/" + jar + " /app/" + jar);
    assertTrue(libs >= 0 && app >= 0, "lib/ and the jar are copied from the build stage");
    assertTrue(libs < app, "lib/ must be copied before the application jar");
    assertTrue(
        in(runStage(), "ENTRYPOINT").get(0).args().contains("\"-jar\", \"/app/" + jar + "\""),
        "the entry point runs the jar next to its lib/ (the manifest's class path)");
  }

  private static int indexOf(List<Instruction> copies, String args) {
    for (int i = 0; i < copies.size(); i++) {
      if (copies.get(i).args().equals(args)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void checksHealthOnObserveHealth() {
    List<Instruction> checks = in(runStage(), "HEALTHCHECK");
    assertEquals(1, checks.size());
    String check = checks.get(0).args();
    assertTrue(check.contains(" CMD curl -f"), check);
    assertTrue(check.contains("/observe/health"), check);
    assertTrue(
        in(runStage(), "RUN").stream()
            .anyMatch(r -> r.args().contains("install -y") && r.args().contains("curl")),
        "curl is installed in the run stage");
  }

  @Test
  void runsAsAnUnprivilegedUserAndListensBeyondLocalhost() {
    List<Instruction> users = in(runStage(), "USER");
    assertEquals(1, users.size());
    String user = users.get(0).args().split(":")[0];
    assertFalse(user.equals("root") || user.equals("0"), "runs as root");
    assertTrue(
        in(runStage(), "ENV").stream()
            .anyMatch(e -> e.args().matches("CONNECTOR_HTTP_HOST=0\\.0\\.0\\.0")),
        "ENV CONNECTOR_HTTP_HOST=0.0.0.0");
    assertTrue(in(runStage(), "EXPOSE").stream().anyMatch(e -> e.args().equals("8080")));
    assertTrue(in(runStage(), "VOLUME").stream().anyMatch(e -> e.args().equals("/app/data")));
  }

  @Test
  void copiesOnlyWhatTheRepositoryHasAndTheReadmeCommandsMatch() throws IOException {
    for (List<Instruction> stage : stages) {
      for (Instruction copy : in(stage, "COPY")) {
        if (!copy.args().startsWith("--from=")) {
          String source = copy.args().split(" ")[0];
          assertTrue(Files.exists(Path.of(source)), "line " + copy.line() + ": no " + source);
        }
      }
    }
    String readme = Files.readString(Path.of("README.md"));
    assertTrue(
        readme.contains("docker build -f docker/Dockerfile -t squarespace-exact-connector ."),
        "README's build command");
    assertTrue(
        readme.contains("-v connector-data:/app/data") && readme.contains("-p 8080:8080"),
        "README's run command uses the image's volume and port");
  }

  @Test
  void startsWithTheClassArchiveItsBuildMade() {
    // the archive is made in the run stage (its java and jars), after the jar and routes are in
    // place, with the script the scale benchmark uses too, and the entry point maps the same file
    // for the same jar
    String jar = "/app/" + finalName + ".jar";
    List<Instruction> steps = runStage();
    int made = -1;
    int jarCopied = -1;
    for (int i = 0; i < steps.size(); i++) {
      String args = steps.get(i).args();
      if (steps.get(i).keyword().equals("RUN") && args.contains("class-archive.sh")) {
        made = i;
        assertTrue(
            args.startsWith("sh /app/class-archive.sh /app/connector.jsa " + jar),
            "the archive is made from the jar the entry point runs: " + args);
      }
      if (steps.get(i).keyword().equals("COPY") && args.endsWith(" " + jar)) {
        jarCopied = i;
      }
    }
    assertTrue(made > jarCopied && jarCopied >= 0, "the archive is made after the jar is copied");
    assertTrue(
        in(steps, "COPY").stream()
            .anyMatch(c -> c.args().equals("docker/class-archive.sh /app/class-archive.sh")),
        "the script is the repository's docker/class-archive.sh");
    String entry = in(steps, "ENTRYPOINT").get(0).args();
    assertTrue(entry.contains("\"-XX:SharedArchiveFile=/app/connector.jsa\""), entry);
    assertTrue(
        entry.indexOf("SharedArchiveFile") < entry.indexOf("\"-jar\""),
        "a JVM flag, before -jar: " + entry);
  }
}
