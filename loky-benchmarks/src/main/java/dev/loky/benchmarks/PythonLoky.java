package dev.loky.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Python loky beside the JVM benchmarks: finds a {@code python3} that imports loky (standalone, or
 * as vendored by joblib, e.g. Debian's {@code python3-joblib}) and whatever else a script needs, runs
 * one of this package's scripts with it and reads its {@code key=value} lines.
 */
final class PythonLoky {

    private static final String IMPORT_LOKY = "try:\n from joblib.externals import loky\nexcept ImportError:\n import loky\n";

    private PythonLoky() {
    }

    /** The first of {@code preferred}, {@code python3} and {@code /usr/bin/python3} that imports loky and {@code modules}. */
    static Optional<String> find(String preferred, String... modules) {
        List<String> candidates = new ArrayList<>();
        if (preferred != null) {
            candidates.add(preferred);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        String imports = IMPORT_LOKY + (modules.length == 0 ? "" : "import " + String.join(", ", modules) + "\n");
        return candidates.stream().filter(candidate -> succeeds(candidate, "-c", imports)).findFirst();
    }

    /**
     * Runs the script resource {@code script} of this package with {@code python} and {@code args};
     * echoes its output as {@code #   } lines and returns its {@code key=value} lines in order.
     */
    static Map<String, String> run(String python, String script, String... args) throws IOException, InterruptedException {
        // a private copy: createTempFile makes it readable and writable by this user only
        Path copy = Files.createTempFile(script.replace(".py", ""), ".py");
        try {
            try (InputStream in = PythonLoky.class.getResourceAsStream(script)) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = new ArrayList<>(List.of(python, copy.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : output.split("\n")) {
                System.out.println("#   " + line);
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return values;
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static boolean succeeds(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
