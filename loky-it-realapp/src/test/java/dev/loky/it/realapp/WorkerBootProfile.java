package dev.loky.it.realapp;

import dev.loky.spring.worker.LokyWorkerContext;
import dev.loky.spring.worker.WorkerContextInitializer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Measurement, not a test: boots this application the way a worker does (worker marker, forced
 * worker properties, lazy initialization) with a {@link BufferingApplicationStartup}, and prints
 * where the time goes: the slowest bean instantiations and which bean asked for each. Run with the
 * test classpath, e.g. {@code java -cp "$(cat cp.txt):target/test-classes:target/classes" dev.loky.it.realapp.WorkerBootProfile}.
 * System properties: {@code profile.before} (no loky bean-definition filter: Boot's lazy
 * initialization only), {@code profile.create} (then create {@code ClinicService}, as its first call
 * in a worker does), {@code profile.trace=<bean>} (print the stack that creates that bean),
 * {@code profile.hold} (GC, print VmRSS, stay idle {@code profile.holdMillis} for {@code jcmd}, print it again).
 */
public final class WorkerBootProfile {

    /** The worker's own bean definition filter (package-private in loky), as the worker installs it. */
    private static org.springframework.beans.factory.config.BeanFactoryPostProcessor newWorkerFilter() {
        try {
            var constructor = Class.forName("dev.loky.spring.worker.WorkerBeanDefinitionFilter").getDeclaredConstructor();
            constructor.setAccessible(true);
            return (org.springframework.beans.factory.config.BeanFactoryPostProcessor) constructor.newInstance();
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static void main(String[] args) {
        System.setProperty(LokyWorkerContext.WORKER_PROPERTY, "true");
        WorkerContextInitializer.forcedProperties().forEach((k, v) -> System.setProperty(k, String.valueOf(v)));
        long start = System.nanoTime();
        SpringApplication application = new SpringApplication(RealApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setLazyInitialization(true);
        application.setAdditionalProfiles(LokyWorkerContext.PROFILE);
        BufferingApplicationStartup startup = new BufferingApplicationStartup(20_000);
        application.setApplicationStartup(startup);
        if (!Boolean.getBoolean("profile.before")) {
            application.addInitializers(c -> c.addBeanFactoryPostProcessor(newWorkerFilter()));
        }
        if (System.getProperty("profile.trace") != null) {
            String traced = System.getProperty("profile.trace");
            application.addInitializers(c -> c.getBeanFactory().addBeanPostProcessor(
                    new org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor() {
                        @Override
                        public Object postProcessBeforeInstantiation(Class<?> beanClass, String beanName) {
                            if (beanName.equals(traced)) {
                                new Exception("creating " + beanName).printStackTrace(System.out);
                            }
                            return null;
                        }
                    }));
        }
        ConfigurableApplicationContext context = application.run(args);
        long contextReady = System.nanoTime() - start;
        if (Boolean.getBoolean("profile.create")) {
            // what a worker's first call of ClinicService does: create it and its dependency closure (JPA)
            context.getBean(ClinicService.class);
        }
        System.out.printf("context refreshed in %d ms%n", Duration.ofNanos(contextReady).toMillis());
        long ready = System.nanoTime() - start;
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> parents = new HashMap<>();
        StartupTimeline timeline = startup.getBufferedTimeline();
        for (StartupTimeline.TimelineEvent event : timeline.getEvents()) {
            StartupStep step = event.getStartupStep();
            String bean = null;
            for (StartupStep.Tag tag : step.getTags()) {
                if (tag.getKey().equals("beanName")) {
                    bean = tag.getValue();
                }
            }
            names.put(step.getId(), step.getName() + (bean == null ? "" : " " + bean));
            if (step.getParentId() != null) {
                parents.put(step.getId(), step.getParentId());
            }
        }
        System.out.printf("context ready in %d ms; %d beans created; classes loaded %d%n", Duration.ofNanos(ready).toMillis(),
                context.getBeanFactory().getSingletonCount(), java.lang.management.ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        timeline.getEvents().stream().filter(e -> e.getStartupStep().getName().equals("spring.beans.instantiate"))
                .sorted((a, b) -> b.getDuration().compareTo(a.getDuration())).limit(15).forEach(e -> {
                    StringBuilder chain = new StringBuilder(names.get(e.getStartupStep().getId()));
                    Long parent = parents.get(e.getStartupStep().getId());
                    while (parent != null) {
                        chain.append(" <- ").append(names.getOrDefault(parent, "?"));
                        parent = parents.get(parent);
                    }
                    System.out.printf("%6d ms  %s%n", e.getDuration().toMillis(), chain);
                });
        timeline.getEvents().stream().filter(e -> !e.getStartupStep().getName().equals("spring.beans.instantiate")
                && !e.getStartupStep().getName().startsWith("spring.beans.smart-initialize"))
                .sorted((a, b) -> b.getDuration().compareTo(a.getDuration())).limit(8)
                .forEach(e -> System.out.printf("%6d ms  %s%n", e.getDuration().toMillis(), names.get(e.getStartupStep().getId())));
        if (Boolean.getBoolean("profile.hold")) {
            // idle memory of this boot, as a worker's watchdog sees it: after a full GC, then held for jcmd
            long booted = rssMiB();
            System.gc();
            System.out.printf("pid %d VmRSS %d MiB after boot, %d MiB after a GC%n", ProcessHandle.current().pid(), booted, rssMiB());
            try {
                Thread.sleep(Long.getLong("profile.holdMillis", 20_000));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            System.out.printf("idle VmRSS %d MiB%n", rssMiB());
        }
        context.close();
    }

    private static long rssMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return -1;
    }
}
