package dev.loky.benchmarks;

import dev.loky.spring.worker.WorkerContextAot;
import dev.loky.spring.worker.WorkerContextInitializer;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.aot.AotApplicationContextInitializer;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.StandardEnvironment;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a Spring worker's boot goes, with and without the worker context's Spring AOT output:
 * each round boots the worker's own {@code SpringApplication} ({@link WorkerContextInitializer},
 * as a worker does) once in a fresh JVM started with a worker's heap and collector flags, with
 * Boot's {@code BufferingApplicationStartup}, and prints the medians of its phases: building the
 * application, {@code environment-prepared} (logging and configuration files), the context's
 * refresh and its configuration-class parsing, the event-listener scan, and the whole run. No
 * start-up cache is used (the JVM's class loading is part of every phase). Run it on the
 * application's class path, whose build ran {@code process-worker-aot}:
 * {@code java -cp "$APP_CP:loky-benchmarks/target/benchmarks.jar" dev.loky.benchmarks.WorkerContextPhases com.example.App 5}.
 */
public final class WorkerContextPhases {

    private static final List<String> PHASES = List.of("build", "spring.boot.application.environment-prepared",
            "spring.context.config-classes.parse", "spring.beans.smart-initialize", "spring.context.refresh", "run");

    private WorkerContextPhases() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--child")) {
            child(args[1], args.length > 2 ? args[2] : null);
            return;
        }
        String application = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String classpath = System.getProperty("java.class.path");
        WorkerContextAot.Check check = WorkerContextAot.check(List.of(application), List.of("loky-worker"), classpath);
        System.out.printf("java %s; %s; AOT output: %s%n", Jvm.describe(), application,
                check.initializer() != null ? check.initializer() : check.reason());
        for (String mode : check.initializer() != null ? List.of("without", "with") : List.of("without")) {
            Map<String, List<Long>> phases = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:ActiveProcessorCount=1", "-Xms24m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                        "-cp", classpath, WorkerContextPhases.class.getName(), "--child", application));
                if (mode.equals("with")) {
                    command.add(check.initializer());
                }
                Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
                List<String> other = new ArrayList<>();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("PHASE ")) {
                            String[] parts = line.split(" ");
                            phases.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Long.parseLong(parts[2]));
                        } else {
                            other.add(line);
                        }
                    }
                }
                if (child.waitFor() != 0) {
                    throw new IllegalStateException("the boot failed (exit code " + child.exitValue() + "):\n" + String.join("\n", other));
                }
            }
            System.out.printf("%s the AOT output, medians of %d fresh JVMs (ms):%n", mode, rounds);
            for (String phase : PHASES) {
                List<Long> values = phases.getOrDefault(phase, List.of());
                System.out.printf("  %-48s %s%n", phase, values.isEmpty() ? "-" : Stats.median(values) + "  " + values);
            }
        }
    }

    private static void child(String application, String aotInitializer) {
        long start = System.nanoTime();
        System.setProperty("loky.worker.process", "true");
        WorkerContextInitializer worker = WorkerContextInitializer.capture(new StandardEnvironment(), List.of(application), List.of(), new String[0]);
        SpringApplication app = worker.application(Thread.currentThread().getContextClassLoader());
        BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
        app.setApplicationStartup(startup);
        if (aotInitializer != null) {
            SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
            app.addInitializers(AotApplicationContextInitializer.forInitializerClasses(aotInitializer));
        }
        long built = System.nanoTime();
        ConfigurableApplicationContext context = app.run();
        long ran = System.nanoTime();
        System.out.println("PHASE build " + (built - start) / 1_000_000);
        System.out.println("PHASE run " + (ran - built) / 1_000_000);
        Map<String, Long> sums = new LinkedHashMap<>();
        startup.getBufferedTimeline().getEvents().forEach(e -> sums.merge(e.getStartupStep().getName(), e.getDuration().toMillis(), Long::sum));
        sums.forEach((name, millis) -> System.out.println("PHASE " + name + " " + millis));
        context.close();
        System.exit(0);
    }
}
