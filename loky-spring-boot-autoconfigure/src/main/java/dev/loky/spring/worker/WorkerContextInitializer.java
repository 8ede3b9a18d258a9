package dev.loky.spring.worker;

import dev.loky.AfterReadyWarmUp;
import dev.loky.RemoteRunnable;
import dev.loky.StartupCacheVariant;
import dev.loky.spring.invocation.CalledBeans;
import dev.loky.spring.invocation.JsonMappers;
import dev.loky.spring.invocation.WorkerCalls;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.BeansException;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.aot.AotDetector;
import org.springframework.context.aot.AotApplicationContextInitializer;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Boots the slim Spring context of a worker JVM: the pool runs it once in each new worker, before
 * the worker reports ready (if it throws, the worker fails to start with a
 * {@link dev.loky.WorkerStartupException} carrying the worker's output).
 *
 * <p>The context: the configured sources (by default the application's
 * {@code @SpringBootApplication} class), web application type NONE, lazy initialization, the
 * parent's active profiles plus {@code loky-worker} and {@code loky.worker.profiles}, the parent's
 * property sources in the parent's order and its command-line arguments; no runners, no
 * scheduler, no pool. Jackson is warmed before the worker reports ready.
 *
 * <p>Every bean of that context is lazy (see {@link WorkerBeanDefinitionFilter}): a
 * {@code @ProcessAsync} bean and its dependency closure are created by the first call that needs
 * them, so a worker whose calls need no database never starts a connection pool or JPA. The pool
 * serializes this initializer again for each worker it starts, with the names of the beans whose
 * {@code @ProcessAsync} methods the application has called so far ({@link CalledBeans}): a worker
 * started after those calls (a replacement, a spare, a recycled worker's successor) creates those
 * beans right after it reported ready ({@link #warmUp()}), so the call it takes over does not wait
 * for them (in an application with JPA, for Hibernate's boot) once it is warm, and their creation
 * never pushes a start over {@code loky.worker.startup-timeout}. Each set of called beans is a start-up cache variant
 * of its own ({@link StartupCacheVariant}), recorded by a worker that creates those beans, so the
 * classes they load (Hibernate's) are in the cache such a worker starts from. In the caller's JVM,
 * thread-safe.
 */
public final class WorkerContextInitializer implements RemoteRunnable, AfterReadyWarmUp, CalledBeans, StartupCacheVariant {

    @Serial
    private static final long serialVersionUID = 4L;

    private static final Log logger = LogFactory.getLog(WorkerContextInitializer.class);

    private final List<String> sources;
    private final List<String> profiles;
    private final String[] arguments;
    private final EnvironmentSnapshot environment;
    /** The worker context's generated AOT initializer workers boot from, or {@code null}. */
    private volatile String aotInitializer;
    /** Beans called so far, by name (caller side); in a worker, the beans to create once it is ready. Written by {@link #writeObject}. */
    private transient Map<String, CalledBeansMemory.CalledBean> calledBeans = new ConcurrentHashMap<>();
    /** In a worker: its context, once booted; warmed by {@link #warmUp()}. */
    private transient ConfigurableApplicationContext workerContext;
    /** Caller side: where the called beans are remembered for the application's next run; {@code null} = nowhere. */
    private transient volatile CalledBeansMemory memory;

    public WorkerContextInitializer(List<String> sources, List<String> profiles, String[] arguments, EnvironmentSnapshot environment) {
        this.sources = List.copyOf(sources);
        this.profiles = List.copyOf(profiles);
        this.arguments = arguments.clone();
        this.environment = environment;
    }

    /**
     * What a worker of this parent boots.
     *
     * @param sources configuration class names
     * @param extraProfiles {@code loky.worker.profiles}
     * @param arguments the parent's command-line arguments, or {@code null} if unknown
     */
    public static WorkerContextInitializer capture(ConfigurableEnvironment parent, List<String> sources, List<String> extraProfiles, String[] arguments) {
        Set<String> profiles = new LinkedHashSet<>(List.of(parent.getActiveProfiles()));
        profiles.addAll(extraProfiles);
        profiles.add(LokyWorkerContext.PROFILE);
        return new WorkerContextInitializer(sources, new ArrayList<>(profiles), arguments == null ? new String[0] : arguments,
                EnvironmentSnapshot.capture(parent, arguments != null));
    }

    /** Properties that hold in every worker context, whatever the application's configuration says. */
    public static Map<String, Object> forcedProperties() {
        Map<String, Object> forced = new LinkedHashMap<>();
        forced.put("spring.main.web-application-type", "none");
        forced.put("spring.main.lazy-initialization", "true");
        forced.put("spring.main.banner-mode", "off");
        forced.put("spring.main.log-startup-info", "false");
        forced.put("spring.main.keep-alive", "false");
        forced.put("spring.jmx.enabled", "false");
        forced.put("spring.application.admin.enabled", "false");
        forced.put("spring.devtools.restart.enabled", "false");
        forced.put("spring.devtools.livereload.enabled", "false");
        forced.put("spring.docker.compose.enabled", "false");
        forced.put("spring.output.ansi.enabled", "never");
        // the parent owns the database: schema and data tools never run again in a worker (with a
        // shared database they would re-apply data.sql, or create-drop the parent's tables)
        forced.put("spring.sql.init.mode", "never");
        forced.put("spring.jpa.hibernate.ddl-auto", "none");
        forced.put("spring.jpa.generate-ddl", "false");
        forced.put("spring.jpa.properties.hibernate.hbm2ddl.auto", "none");
        forced.put("spring.jpa.properties.jakarta.persistence.schema-generation.database.action", "none");
        forced.put("spring.flyway.enabled", "false");
        forced.put("spring.liquibase.enabled", "false");
        forced.put("spring.batch.jdbc.initialize-schema", "never");
        forced.put("spring.session.jdbc.initialize-schema", "never");
        forced.put("spring.quartz.jdbc.initialize-schema", "never");
        forced.put("spring.integration.jdbc.initialize-schema", "never");
        return forced;
    }

    public List<String> sources() {
        return sources;
    }

    public List<String> profiles() {
        return profiles;
    }

    public String[] arguments() {
        return arguments.clone();
    }

    public EnvironmentSnapshot environment() {
        return environment;
    }

    @Override
    public void called(String beanName, Class<?> beanClass) {
        // every call passes here: a lock-free read first (ConcurrentHashMap's put locks the bin even
        // when the name is there), the rest only on a bean's first call
        if (calledBeans.containsKey(beanName)) {
            return;
        }
        CalledBeansMemory.CalledBean bean = CalledBeansMemory.CalledBean.of(beanName, beanClass);
        if (bean == null) {
            bean = new CalledBeansMemory.CalledBean(beanName, beanClass.getName(), "");
        }
        CalledBeansMemory remembered = memory;
        if (calledBeans.putIfAbsent(beanName, bean) == null && remembered != null) {
            // once per bean and run: the next run's first workers create it once they are ready
            remembered.save(calledBeans.values().stream().filter(b -> !b.fingerprint().isEmpty()).toList());
        }
    }

    /**
     * Starts from the beans called in the application's earlier runs, and remembers this run's
     * there: workers started before this run's first call then create them too.
     */
    public void rememberIn(CalledBeansMemory memory) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (CalledBeansMemory.CalledBean bean : memory.load(loader != null ? loader : WorkerContextInitializer.class.getClassLoader())) {
            calledBeans.putIfAbsent(bean.name(), bean);
        }
        this.memory = memory;
    }

    /** The called beans, sorted: workers that create the same beans start from the same cache. */
    @Override
    public String startupCacheVariant() {
        // a worker booting from the AOT output loads other classes than one parsing the configuration
        return String.join(",", new TreeSet<>(calledBeans.keySet())) + (aotInitializer != null ? ";aot" : "");
    }

    /** The names of the beans a worker started now creates once it is ready. */
    public Set<String> calledBeans() {
        return Set.copyOf(calledBeans.keySet());
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        // a snapshot as a String[]: callers add names while the pool serializes this for a new worker
        out.writeObject(calledBeans.values().toArray(CalledBeansMemory.CalledBean[]::new));
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        calledBeans = new ConcurrentHashMap<>();
        for (CalledBeansMemory.CalledBean bean : (CalledBeansMemory.CalledBean[]) in.readObject()) {
            calledBeans.put(bean.name(), bean);
        }
    }

    @Override
    public void run() {
        if (sources.isEmpty()) {
            return;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = WorkerContextInitializer.class.getClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
        }
        SpringApplication application = application(loader);
        if (aotInitializer != null) {
            // the worker context's Spring AOT output: its bean definitions as generated code, no
            // configuration-class parsing or condition evaluation at start-up (WorkerContextAot)
            SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
            application.addInitializers(AotApplicationContextInitializer.forInitializerClasses(aotInitializer));
        }
        ConfigurableApplicationContext context = application.run(arguments);

        JsonMapper mapper = JsonMappers.forCalls(JsonMappers.of(context),
                dev.loky.spring.invocation.InvocationSettings.from(context.getEnvironment()).verifyRoundTrip());
        warm(mapper);
        workerContext = context;
        LokyWorkerContext.set(context);
        WorkerCalls.serve(context, mapper);
    }

    /**
     * The worker's {@code SpringApplication}, set up but not run: in a worker, and in the build
     * step that runs the same context through Spring's AOT engine ({@link WorkerContextAotProcessor}).
     */
    public SpringApplication application(ClassLoader loader) {
        Class<?>[] classes = new Class<?>[sources.size()];
        for (int i = 0; i < classes.length; i++) {
            try {
                classes[i] = ClassUtils.forName(sources.get(i), loader);
            } catch (ClassNotFoundException | LinkageError ex) {
                throw new IllegalStateException("loky.worker.sources: cannot load " + sources.get(i) + " in the worker: " + ex, ex);
            }
        }
        SpringApplication application = new SpringApplication(classes);
        application.setMainApplicationClass(classes[0]);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setLazyInitialization(true);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        Map<String, Object> forced = forcedProperties();
        String consolePattern = WorkerLogFraming.consolePattern(environment.toWorkerEnvironment(forced), loader);
        if (consolePattern != null) {
            forced.put("logging.pattern.console", consolePattern); // the parent logs each event at its own level
        }
        application.setEnvironment(environment.toWorkerEnvironment(forced));
        application.setAdditionalProfiles(profiles.toArray(String[]::new));
        application.addInitializers(context -> context.addBeanFactoryPostProcessor(new WorkerBeanDefinitionFilter()));
        application.addListeners(new KeepWorkerSourceFirst());
        return application;
    }

    /**
     * Makes workers boot from the worker context's Spring AOT output: the class name of its
     * generated initializer ({@link WorkerContextAot#check}), or {@code null} to boot as usual.
     */
    public void useAotInitializer(String initializerClassName) {
        this.aotInitializer = initializerClassName;
    }

    /** The generated initializer workers boot from, or {@code null}. */
    public String aotInitializer() {
        return aotInitializer;
    }

    /** Moves the forced worker settings above the command-line arguments, before they are bound. */
    static final class KeepWorkerSourceFirst implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
            MutablePropertySources sources = event.getEnvironment().getPropertySources();
            PropertySource<?> forced = sources.remove(EnvironmentSnapshot.WORKER_SOURCE_NAME);
            if (forced != null) {
                sources.addFirst(forced);
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    /**
     * Creates the beans the application has already called in other workers, with their dependency
     * closure, once this worker reported ready: their creation (Hibernate's boot, in an application
     * with JPA) never counts against {@code loky.worker.startup-timeout}, and a call that needs one
     * meanwhile waits for it, as it would have anyway. A remembered bean that is no bean of the
     * class it was called with, unchanged, in this context is skipped; one that cannot be created is
     * left to its first call, which then reports why.
     */
    @Override
    public void warmUp() {
        ConfigurableApplicationContext context = workerContext;
        if (context == null) {
            return;
        }
        for (CalledBeansMemory.CalledBean bean : calledBeans.values()) {
            Class<?> type = context.containsBean(bean.name()) ? context.getType(bean.name(), false) : null;
            if (type == null || !bean.matches(ClassUtils.getUserClass(type))) {
                logger.debug("loky worker: not creating '" + bean.name() + "' ahead of its calls: no bean of the class "
                        + bean.className() + " as it was called in the caller's JVM");
                continue;
            }
            try {
                context.getBean(bean.name());
            } catch (BeansException ex) {
                logger.warn("loky worker: could not create bean '" + bean.name() + "' before its first call (its calls will try again): " + ex);
            }
        }
    }

    private static void warm(JsonMapper mapper) {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("text", "warm");
        sample.put("number", new BigDecimal("1.5"));
        sample.put("list", List.of(1, 2L, 3.0));
        sample.put("time", Instant.EPOCH);
        sample.put("bytes", new byte[] {1, 2});
        byte[] json = mapper.writeValueAsBytes(sample);
        mapper.readValue(json, Map.class);
    }
}
