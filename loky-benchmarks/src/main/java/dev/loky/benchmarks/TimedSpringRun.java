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
 * {@link ProcessExecutor} bean for application code that injects one.
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
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        ConfigurableApplicationContext context = app.run(applicationArgs);
        long elapsed = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        // CPU time of the thread that ran SpringApplication.run, and of the whole JVM so far: on a
        // loaded machine these move far less than the wall time (which includes waiting for a core)
        long processCpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        System.out.println("RUN_MS " + elapsed / 1_000_000.0 + " MAIN_CPU_MS " + cpu / 1_000_000.0 + " PROCESS_CPU_MS " + processCpu / 1_000_000.0);
        System.out.flush();
        context.close();
        System.exit(0);
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
