package dev.loky.spring.worker;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker side of loky's Spring support, as seen from application code.
 *
 * <p>In a worker JVM the pool sets the system property {@value #WORKER_PROPERTY} to {@code true}
 * before anything else runs; the auto-configuration then creates no pool and no
 * {@code @ProcessAsync} proxies (nested calls run inline), and the profile {@value #PROFILE} is
 * active, so that beans can be kept out of workers with {@code @Profile("!loky-worker")}.
 */
public final class LokyWorkerContext {

    /** The system property that marks a worker JVM. */
    public static final String WORKER_PROPERTY = "loky.worker.process";

    /** The profile that is always active in a worker's slim context. */
    public static final String PROFILE = "loky-worker";

    private static volatile ConfigurableApplicationContext context;

    private LokyWorkerContext() {
    }

    /** {@code true} in a worker JVM started by a loky pool. */
    public static boolean isWorkerProcess() {
        return Boolean.getBoolean(WORKER_PROPERTY);
    }

    /** The worker's slim Spring context, once it is ready; {@code null} elsewhere. */
    public static ConfigurableApplicationContext applicationContext() {
        return context;
    }

    static void set(ConfigurableApplicationContext applicationContext) {
        context = applicationContext;
    }
}
