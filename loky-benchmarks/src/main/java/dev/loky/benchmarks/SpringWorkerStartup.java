package dev.loky.benchmarks;

import dev.loky.PoolSnapshot;
import dev.loky.ProcessExecutor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Spring worker start-up and memory, on any application: starts the application given as the
 * first argument (web type NONE, one worker, loky's defaults otherwise), then measures
 * <ul>
 *   <li>first worker: from the first call to its answer (a cold worker boots the slim context);</li>
 *   <li>replacement: the worker is killed with SIGKILL, and the next call's time to answer is the
 *       time a replacement worker takes to get ready (plus one round trip);</li>
 *   <li>idle RSS: VmRSS of the worker after it served a call and sat idle for 3 s, and its PSS
 *       ({@code smaps_rollup}), which counts the pages it shares (the start-up cache, the JDK's
 *       libraries, with the caller's JVM too) as a share.</li>
 * </ul>
 * Run it on the application's classpath plus the benchmark jar, with the JDK to measure, e.g.
 * {@code java -cp "$APP_CP:loky-benchmarks/target/benchmarks.jar" dev.loky.benchmarks.SpringWorkerStartup
 * com.example.MyApplication 5 auto}. Arguments: application class, rounds (default 5),
 * {@code loky.worker.startup-cache} ({@code auto} or {@code off}; with {@code auto} the cache is
 * recorded in a private directory during the first rounds and used afterwards), and optionally
 * {@code Bean#method}: a public no-argument {@code @ProcessAsync} method called (through the
 * application's proxy) after each worker start, so that the worker creates that bean's dependency
 * closure (its slim context creates nothing before a call needs it); its time to answer and the
 * idle RSS then include that bean (e.g. JPA), e.g.
 * {@code dev.loky.it.realapp.ClinicService#pid}. Each replacement's time to ready is also split into
 * the pool's initializer (the Spring context's boot, from the worker's insights) and the rest (the
 * JVM's own start-up, reading the initializer). With the environment variable
 * {@code LOKY_WORKER_MEMORY}, each idle worker's memory is broken down too ({@link #printMemory}); with
 * {@code -Dbench.second-worker=true}, what a second idle worker adds is measured at the end ({@link #secondWorker}).
 */
public final class SpringWorkerStartup {

    private SpringWorkerStartup() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> application = Class.forName(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String cache = args.length > 2 ? args[2] : "auto";
        String call = args.length > 3 ? args[3] : null;
        Path cacheDir = Files.createTempDirectory("loky-bench-cache");
        SpringApplication app = new SpringApplication(application);
        app.setWebApplicationType(WebApplicationType.NONE);
        // system properties: above the application's own files, which may set these too
        Map.of("loky.max-workers", "1", "loky.worker.startup-cache", cache, "loky.worker.cache-dir", cacheDir.toString(),
                "loky.worker.startup-timeout", "300s", "loky.prestart", "false", "spring.devtools.restart.enabled", "false")
                .forEach(System::setProperty);
        long appStart = System.nanoTime();
        try (ConfigurableApplicationContext context = app.run()) {
            long appMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appStart);
            ProcessExecutor executor = context.getBean(ProcessExecutor.class);
            Runnable callBean = call == null ? () -> { } : beanCall(context, call);
            long first = timeToAnswer(executor);
            List<Long> replacements = new ArrayList<>();
            List<Long> calls = new ArrayList<>();
            List<Long> rss = new ArrayList<>();
            List<Long> pss = new ArrayList<>();
            List<String> inits = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long callStart = System.nanoTime();
                callBean.run();
                calls.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - callStart));
                long pid = executor.submit(() -> ProcessHandle.current().pid()).get(300, TimeUnit.SECONDS);
                Thread.sleep(3000); // idle on purpose: memory of a worker that sits idle, not a wait for a condition
                rss.add(Jvm.rssBytes(pid) / (1024 * 1024));
                pss.add(Jvm.pssBytes(pid) / (1024 * 1024));
                if (System.getenv("LOKY_WORKER_MEMORY") != null) {
                    printMemory(pid, System.getenv("LOKY_WORKER_MEMORY"));
                }
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                awaitGone(executor, pid);
                replacements.add(timeToAnswer(executor));
                executor.snapshot().workers().stream().filter(w -> w.insights() != null && w.insights().startup() != null)
                        .forEach(w -> inits.add(w.insights().startup().toMillis() + "/" + w.insights().init().toMillis()));
            }
            System.out.printf("java %s; application %s; startup-cache %s%n", Jvm.describe(), application.getSimpleName(), cache);
            System.out.printf("application started in %d ms (with the starter)%n", appMillis);
            System.out.printf("first worker: %d ms to the first answer%n", first);
            System.out.printf("replacement worker (SIGKILL, then next call): %s ms, median %d ms%n", replacements, median(replacements));
            System.out.printf("replacement ready / of which the initializer (the Spring context), ms: %s%n", inits);
            if (call != null) {
                System.out.printf("first call of %s in each worker: %s ms, median %d ms%n", call, calls, median(calls));
            }
            System.out.printf("idle worker VmRSS: %s MiB, median %d MiB%n", rss, median(rss));
            System.out.printf("idle worker PSS (shared pages as a share): %s MiB, median %d MiB%n", pss, median(pss));
            if (Boolean.getBoolean("bench.second-worker")) {
                secondWorker(executor, callBean);
            }
            PoolSnapshot snapshot = executor.snapshot();
            System.out.printf("workers now: %d%n", snapshot.workers().size());
        }
    }

    /**
     * {@code -Dbench.second-worker=true}: what one more idle worker costs. The one worker's PSS alone,
     * idle, after a call of {@code Bean#method}; then the pool grows to 2 and the call runs in the new
     * worker too (the first is kept busy meanwhile), and both PSS are read after 3 s idle. Their sum
     * less the one worker's alone is the additional worker's cost: the pages they share (the start-up
     * cache, the JDK's libraries) are counted once, as a share.
     */
    private static void secondWorker(ProcessExecutor executor, Runnable callBean) throws Exception {
        callBean.run();
        long first = executor.submit(() -> ProcessHandle.current().pid()).get(300, TimeUnit.SECONDS);
        Thread.sleep(3000); // idle on purpose, as above
        long alone = Jvm.pssBytes(first) / (1024 * 1024);
        executor.resize(2);
        java.util.concurrent.CompletableFuture<Long> busy = executor.submit(() -> {
            Thread.sleep(1500); // keeps the first worker busy, so that the next call starts the second
            return ProcessHandle.current().pid();
        });
        callBean.run();
        busy.get(300, TimeUnit.SECONDS);
        Thread.sleep(3000); // idle on purpose, as above
        List<Long> pids = executor.snapshot().workers().stream().map(PoolSnapshot.Worker::pid).toList();
        long both = 0;
        List<Long> each = new ArrayList<>();
        for (long pid : pids) {
            long pss = Jvm.pssBytes(pid) / (1024 * 1024);
            each.add(pss);
            both += pss;
        }
        System.out.printf("one idle worker alone: PSS %d MiB; with a second (%d workers): PSS %s MiB, sum %d MiB; "
                + "the additional worker: %d MiB%n", alone, pids.size(), each, both, both - alone);
    }

    /** Calls {@code Bean#method} (a public no-argument method) on the application's bean of that class. */
    private static Runnable beanCall(ConfigurableApplicationContext context, String call) throws ReflectiveOperationException {
        String[] parts = call.split("#", 2);
        Class<?> type = Class.forName(parts[0]);
        java.lang.reflect.Method method = type.getMethod(parts[1]);
        Object bean = context.getBean(type);
        return () -> {
            try {
                method.invoke(bean);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException(call + " failed: " + ex.getCause(), ex);
            }
        };
    }

    private static long timeToAnswer(ProcessExecutor executor) throws Exception {
        long start = System.nanoTime();
        executor.submit(() -> 1).get(300, TimeUnit.SECONDS);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void awaitGone(ProcessExecutor executor, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && executor.snapshot().workers().stream().anyMatch(w -> w.pid() == pid)) {
            Thread.sleep(10);
        }
    }

    /**
     * The idle worker's RSS split (anonymous, file-backed, shared), then each {@code jcmd} command of
     * {@code LOKY_WORKER_MEMORY} (comma-separated, e.g. {@code VM.native_memory summary} for a
     * worker started with {@code -XX:NativeMemoryTracking=summary}, or {@code GC.run,GC.heap_info}),
     * then the split again.
     */
    private static void printMemory(long pid, String jcmdCommands) throws Exception {
        printRss(pid, "idle");
        for (String command : jcmdCommands.split(",")) {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                    command).redirectErrorStream(true).start();
            System.out.println(new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        printRss(pid, "after " + jcmdCommands);
    }

    private static void printRss(long pid, String when) throws java.io.IOException {
        Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Rss") || l.startsWith("VmRSS"))
                .forEach(l -> System.out.println("worker " + pid + " " + when + ": " + l));
    }

    private static long median(List<Long> values) {
        return Stats.median(values);
    }
}
