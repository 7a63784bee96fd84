package org.sqexact.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README keeps up: every setting of application.properties is documented there. */
class ReadmeTest {

  @Test
  void everySettingIsInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    List<String> missing = new ArrayList<>();
    for (String line :
        Files.readAllLines(Path.of("connector/src/main/resources/application.properties"))) {
      if (line.isBlank() || line.startsWith("#") || line.startsWith("camel.")) {
        continue;
      }
      String key = line.substring(0, line.indexOf('=')).trim();
      String env = ConnectorSettings.envName(key);
      if (!readme.contains("`" + env + "`")
          && !readme.contains(env + "`,")
          && !readme.contains(" " + env + "`")) {
        missing.add(env);
      }
    }
    assertTrue(missing.isEmpty(), "settings missing from the README: " + missing);
  }

  @Test
  void theReadmeStartsWithTheRunAndTestCommandsThatCiUses() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String head = readme.substring(0, Math.min(readme.length(), 600));
    assertTrue(head.contains("java -jar connector/target/squarespace-exact-connector.jar"));
    assertTrue(head.contains("mvn -B verify"));
    assertTrue(Files.readString(Path.of(".ci/run")).contains("mvn -B verify"));
  }
}
