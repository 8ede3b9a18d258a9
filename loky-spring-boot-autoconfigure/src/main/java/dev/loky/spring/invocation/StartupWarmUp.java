package dev.loky.spring.invocation;

import dev.loky.PoolConfig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.util.ClassUtils;

import java.time.Duration;

/**
 * Does once, on a background thread while the context starts, what the thread that creates the
 * beans would otherwise pay for the first time: Spring's class-based (CGLIB) proxy machinery (for
 * the first {@code @ProcessAsync} bean), loky's pool configuration (for the pool's bean) and
 * Micrometer's timers and counters (for the pool's meters), so that those classes are loaded and
 * initialised by then. Measured on the sample application (docs/benchmarks.md): the first proxy
 * took 121–171 ms, the second 21–23 ms, most of the difference being the machinery's first use;
 * the configuration and the meters took the starter's main-thread CPU from +55 to +32 ms over no
 * starter. It changes nothing but timing: the proxy it makes is of a class of its own, the meters
 * go to a registry of its own, and all of it is dropped. Only with a second processor to run on.
 */
final class StartupWarmUp {

    private static final String MICROMETER = "io.micrometer.core.instrument.simple.SimpleMeterRegistry";

    /** A class of its own to proxy, shaped like a bean with a {@code @ProcessAsync} method. */
    static class Sample {
        public String call(String argument) {
            return argument;
        }
    }

    private StartupWarmUp() {
    }

    static void start(Pointcut pointcut, ClassLoader classLoader) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return;
        }
        Thread thread = new Thread(() -> {
            warmUp(() -> proxy(pointcut, classLoader));
            warmUp(() -> PoolConfig.builder().name("warm-up").build());
            if (ClassUtils.isPresent(MICROMETER, classLoader)) {
                warmUp(Meters::register);
            }
        }, "loky-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void warmUp(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | LinkageError e) {
            // a warm-up only: the thread that creates the beans pays for this step then
        }
    }

    private static void proxy(Pointcut pointcut, ClassLoader classLoader) {
        ProxyFactory factory = new ProxyFactory(new Sample());
        factory.setProxyTargetClass(true);
        factory.addAdvisor(new DefaultPointcutAdvisor(pointcut, (MethodInterceptor) invocation -> invocation.proceed()));
        ((Sample) factory.getProxy(classLoader)).call("warm");
    }

    /** A timer and a counter as the pool's meters register them; a class of its own, loaded only with Micrometer. */
    private static final class Meters {
        static void register() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Timer.builder("loky.warm-up").description("warm-up").tag("outcome", "success").register(registry).record(Duration.ofMillis(1));
            Counter.builder("loky.warm-up.count").description("warm-up").tag("reason", "crash").register(registry).increment();
            registry.close();
        }
    }
}
