package dev.loky.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The project's start-up target (docs/benchmarks.md): {@code SpringApplication.run} of the sample app with the starter vs
 * without it, + at most 50 ms. Each run is a fresh JVM ({@link TimedSpringRun}); the two modes
 * alternate (and swap order every round) so that machine load hits both alike; medians are reported.
 *
 * <p>Usage: {@code java -cp loky-benchmarks/target/classes:<sample-app classpath> dev.loky.benchmarks.StarterStartup
 * <sample-app classpath> [rounds] [application class] [application args...]}; the sample app's
 * classpath is {@code sample-app/target/classes} plus its dependencies
 * ({@code ./mvnw -q -pl sample-app dependency:build-classpath -Dmdep.outputFile=/dev/stdout}).
 * With {@code -Dthird=<args>} (space-separated), a third mode runs with the starter and those extra
 * application arguments in the same rounds, e.g. {@code -Dthird=--loky.worker.startup-cache=off}
 * (the {@code loky.worker.jvm-args} check then runs a JVM on every start); with
 * {@code -DthirdClasspath=<classpath>} that third mode runs the sample app from another classpath
 * (e.g. built from an earlier commit), so before and after are measured in the same rounds.
 */
public final class StarterStartup {

    private StarterStartup() {
    }

    public static void main(String[] args) throws Exception {
        String sampleClasspath = args[0];
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String application = args.length > 2 ? args[2] : "dev.loky.sample.SampleApplication";
        List<String> applicationArgs = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : List.of("--server.port=0");
        String benchmarks = Path.of(StarterStartup.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String classpath = sampleClasspath + java.io.File.pathSeparator + benchmarks;
        String thirdArgs = System.getProperty("third", "").strip();
        // e.g. the sample app's classpath built from an earlier commit: before and after in the same rounds
        String thirdClasspath = System.getProperty("thirdClasspath") == null ? null
                : System.getProperty("thirdClasspath") + java.io.File.pathSeparator + benchmarks;
        String thirdName = (thirdClasspath == null ? "" : "the third classpath ") + thirdArgs;
        List<String> thirdApplicationArgs = new ArrayList<>(applicationArgs);
        if (!thirdArgs.isEmpty()) {
            thirdApplicationArgs.addAll(Arrays.asList(thirdArgs.split("\\s+")));
        }
        // per mode, per measure (wall, main-thread CPU, process CPU): the values of all rounds
        List<List<List<Double>>> values = new ArrayList<>();
        for (int mode = 0; mode < 3; mode++) {
            values.add(List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        run(classpath, "with", application, applicationArgs); // warm the OS page cache for both
        run(classpath, "without", application, applicationArgs);
        for (int round = 0; round < rounds; round++) {
            boolean withFirst = round % 2 == 0;
            double[] a = run(classpath, withFirst ? "with" : "without", application, applicationArgs);
            double[] c = thirdArgs.isEmpty() && thirdClasspath == null ? null : run(thirdClasspath == null ? classpath : thirdClasspath,
                    "with", application, thirdApplicationArgs);
            double[] b = run(classpath, withFirst ? "without" : "with", application, applicationArgs);
            double[] with = withFirst ? a : b;
            double[] without = withFirst ? b : a;
            for (int m = 0; m < 3; m++) {
                values.get(0).get(m).add(with[m]);
                values.get(1).get(m).add(without[m]);
                if (c != null) {
                    values.get(2).get(m).add(c[m]);
                }
            }
            System.out.printf("round %d: with %.0f ms (main CPU %.0f, process CPU %.0f), without %.0f ms (%.0f, %.0f)%s%n", round + 1,
                    with[0], with[1], with[2], without[0], without[1], without[2],
                    c == null ? "" : String.format(", with %s %.0f ms (%.0f, %.0f)", thirdName, c[0], c[1], c[2]));
        }
        String[] measures = {"wall", "main-thread CPU", "process CPU"};
        System.out.printf("SpringApplication.run of %s, %d rounds on %s, medians:%n", application, rounds, Jvm.describe());
        for (int m = 0; m < 3; m++) {
            double w = median(values.get(0).get(m));
            double wo = median(values.get(1).get(m));
            System.out.printf("  %-16s with the starter %5.0f ms, without %5.0f ms, difference %+5.0f ms%s%n", measures[m], w, wo, w - wo,
                    values.get(2).get(m).isEmpty() ? "" : String.format("; with %s %5.0f ms (%+.0f)", thirdName, median(values.get(2).get(m)),
                            median(values.get(2).get(m)) - wo));
        }
    }

    /** One fresh JVM: {wall ms, main-thread CPU ms, process CPU ms} of its {@code SpringApplication.run}. */
    private static double[] run(String classpath, String mode, String application, List<String> applicationArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.javaExecutable(), "-cp", classpath, TimedSpringRun.class.getName(), mode, application));
        command.addAll(applicationArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        double[] millis = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("RUN_MS ")) {
                    String[] parts = line.split(" ");
                    millis = new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[3]), Double.parseDouble(parts[5])};
                }
            }
        }
        process.waitFor();
        if (millis == null) {
            throw new IllegalStateException("no RUN_MS from " + mode + " run:\n" + output);
        }
        return millis;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
