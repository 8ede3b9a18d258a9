package dev.loky.benchmarks;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;
import dev.loky.StartMethod;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Child JVM of {@link StarterStartup}: times one {@code SpringApplication.run} of an application
 * class, prints {@code RUN_MS <millis>}, closes the context and exits. Mode {@code without} runs the
 * same application with loky's auto-configuration excluded (no pool, no proxies, no worker
 * preparation: {@code @ProcessAsync} methods run inline); it only supplies an in-process
 * {@link ProcessExecutor} bean for application code that injects one. With the environment
 * variable {@code LOKY_THREAD_CPU} set, it also prints where the process CPU went (the CPU of each
 * native thread still alive, summed by thread name: the JIT compilers, GC, main), how long the main thread
 * waited or was blocked during the run, and the JVM's uptime at the end of the run (to cut a
 * {@code -Xlog:class+load} log there).
 */
public final class TimedSpringRun {

    private TimedSpringRun() {
    }

    public static void main(String[] args) throws Exception {
        boolean without = args[0].equals("without");
        Class<?> application = Class.forName(args[1]);
        String[] applicationArgs = java.util.Arrays.copyOfRange(args, 2, args.length);
        SpringApplication app = without ? new SpringApplication(application, WithoutLoky.class) : new SpringApplication(application);
        if (without) {
            app.setDefaultProperties(java.util.Map.of("spring.autoconfigure.exclude", "dev.loky.spring.autoconfigure.LokyAutoConfiguration"));
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (threads.isThreadContentionMonitoringSupported()) {
            threads.setThreadContentionMonitoringEnabled(true);
        }
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        ConfigurableApplicationContext context = app.run(applicationArgs);
        long elapsed = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        // CPU time of the thread that ran SpringApplication.run, and of the whole JVM so far: on a
        // loaded machine these move far less than the wall time (which includes waiting for a core)
        long processCpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        System.out.println("RUN_MS " + elapsed / 1_000_000.0 + " MAIN_CPU_MS " + cpu / 1_000_000.0 + " PROCESS_CPU_MS " + processCpu / 1_000_000.0);
        if (System.getenv("LOKY_THREAD_CPU") != null) {
            java.lang.management.ThreadInfo main = threads.getThreadInfo(Thread.currentThread().getId());
            System.out.println("MAIN_WAITED_MS " + main.getWaitedTime() + " MAIN_BLOCKED_MS " + main.getBlockedTime());
            System.out.println("UPTIME_MS " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
            printThreadCpu();
        }
        System.out.flush();
        context.close();
        System.exit(0);
    }

    /** Each native thread's CPU so far ({@code /proc/self/task}), summed by name with digits removed: where the process CPU went. */
    private static void printThreadCpu() throws java.io.IOException {
        java.util.Map<String, Long> ticksByName = new java.util.TreeMap<>();
        try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                String stat = java.nio.file.Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]", "").strip();
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticksByName.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
            }
        }
        ticksByName.forEach((name, ticks) -> System.out.println("THREAD_CPU_MS " + ticks * 10 + " " + name));
    }

    /** The stand-in {@code ProcessExecutor} bean when loky's auto-configuration is excluded. */
    @Configuration(proxyBeanMethods = false)
    static class WithoutLoky {

        @Bean(destroyMethod = "shutdownNow")
        ProcessExecutor inProcessExecutor() {
            return ProcessExecutors.create(PoolConfig.builder().startMethod(StartMethod.THREADS).maxWorkers(2).build());
        }
    }
}
