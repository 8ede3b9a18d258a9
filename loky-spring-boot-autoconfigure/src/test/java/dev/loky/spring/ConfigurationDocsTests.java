package dev.loky.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docs/configuration.md} cannot drift from the properties: every {@code loky.*} property in
 * the generated {@code META-INF/spring-configuration-metadata.json} (this module's, and any other
 * module's on the test classpath) has exactly the row {@link #row} renders from its metadata (name,
 * type, default, description from the javadoc), and no row names a property that does not exist.
 * The failure message lists the rows to paste.
 */
class ConfigurationDocsTests {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(loky\\.[^`]+)` \\|.*$", Pattern.MULTILINE);

    @Test
    void everyLokyPropertyHasItsGeneratedRowInConfigurationMd() throws Exception {
        Map<String, String> expected = expectedRows();
        assertThat(expected).as("loky.* properties in the metadata").isNotEmpty();
        String doc = Files.readString(DOC);
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            documented.put(m.group(1), m.group(0));
        }
        List<String> problems = new ArrayList<>();
        expected.forEach((name, row) -> {
            if (!documented.containsKey(name)) {
                problems.add("missing row for " + name + ", add:\n" + row);
            } else if (!documented.get(name).equals(row)) {
                problems.add("row for " + name + " differs from the metadata, replace it with:\n" + row);
            }
        });
        documented.keySet().stream().filter(name -> !expected.containsKey(name))
                .forEach(name -> problems.add("row for " + name + " names no property in spring-configuration-metadata.json: remove it"));
        assertThat(problems).as("%s (the rows are generated from spring-configuration-metadata.json; the table is sorted by name)",
                DOC.toAbsolutePath().normalize()).isEmpty();
    }

    private static Map<String, String> expectedRows() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, String> rows = new java.util.TreeMap<>();
        var resources = ConfigurationDocsTests.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
        while (resources.hasMoreElements()) {
            try (InputStream in = resources.nextElement().openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = property.path("name").asString();
                    if (name.startsWith("loky.")) {
                        rows.put(name, row(property));
                    }
                }
            }
        }
        return rows;
    }

    /** {@code | `name` | type | default | description |}, cells escaped for Markdown. */
    static String row(JsonNode property) {
        JsonNode defaultValue = property.path("defaultValue");
        String defaultCell = defaultValue.isMissingNode() || defaultValue.isNull() ? "" : "`" + render(defaultValue) + "`";
        return "| `" + property.path("name").asString() + "` | `" + simpleType(property.path("type").asString()) + "` | "
                + defaultCell + " | " + cell(property.path("description").asString()) + " |";
    }

    private static String render(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asString()));
            return String.join(",", items);
        }
        return value.asString();
    }

    static String simpleType(String type) {
        return type.replaceAll("[a-z][\\w]*\\.", "").replaceAll("\\w+\\$", "");
    }

    private static String cell(String text) {
        return text.replaceAll("\\s+", " ").replace("|", "\\|").trim();
    }
}
