package dev.loky.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DESIGN's start-up target: {@code SpringApplication.run} of the sample app with the starter vs
 * without it, + at most 50 ms. Each run is a fresh JVM ({@link TimedSpringRun}); the two modes
 * alternate (and swap order every round) so that machine load hits both alike; medians are reported.
 *
 * <p>Usage: {@code java -cp loky-benchmarks/target/classes:<sample-app classpath> dev.loky.benchmarks.StarterStartup
 * <sample-app classpath> [rounds] [application class] [application args...]}; the sample app's
 * classpath is {@code sample-app/target/classes} plus its dependencies
 * ({@code ./mvnw -q -pl sample-app dependency:build-classpath -Dmdep.outputFile=/dev/stdout}).
 * With {@code -Dthird=<args>} (space-separated), a third mode runs with the starter and those extra
 * application arguments in the same rounds, e.g. {@code -Dthird=--loky.worker.startup-cache=off}
 * (the {@code loky.worker.jvm-args} check then runs a JVM on every start).
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
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        List<Double> third = new ArrayList<>();
        String thirdArgs = System.getProperty("third", "").strip();
        List<String> thirdApplicationArgs = new ArrayList<>(applicationArgs);
        if (!thirdArgs.isEmpty()) {
            thirdApplicationArgs.addAll(Arrays.asList(thirdArgs.split("\\s+")));
        }
        run(classpath, "with", application, applicationArgs); // warm the OS page cache for both
        run(classpath, "without", application, applicationArgs);
        for (int round = 0; round < rounds; round++) {
            boolean withFirst = round % 2 == 0;
            double a = run(classpath, withFirst ? "with" : "without", application, applicationArgs);
            double c = thirdArgs.isEmpty() ? -1 : run(classpath, "with", application, thirdApplicationArgs);
            double b = run(classpath, withFirst ? "without" : "with", application, applicationArgs);
            with.add(withFirst ? a : b);
            without.add(withFirst ? b : a);
            if (c >= 0) {
                third.add(c);
            }
            System.out.printf("round %d: with %.0f ms, without %.0f ms%s%n", round + 1, withFirst ? a : b, withFirst ? b : a,
                    c >= 0 ? String.format(", with %s %.0f ms", thirdArgs, c) : "");
        }
        double w = median(with);
        double wo = median(without);
        System.out.printf("SpringApplication.run of %s, %d rounds on %s: median with the starter %.0f ms, without %.0f ms, difference %+.0f ms%n",
                application, rounds, Jvm.describe(), w, wo, w - wo);
        if (!third.isEmpty()) {
            System.out.printf("median with the starter and %s: %.0f ms, difference to without %+.0f ms%n", thirdArgs, median(third), median(third) - wo);
        }
    }

    private static double run(String classpath, String mode, String application, List<String> applicationArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jvm.javaExecutable(), "-cp", classpath, TimedSpringRun.class.getName(), mode, application));
        command.addAll(applicationArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        double millis = -1;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("RUN_MS ")) {
                    millis = Double.parseDouble(line.substring(7));
                }
            }
        }
        process.waitFor();
        if (millis < 0) {
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
