package dev.loky.spring.worker;

import dev.loky.spring.ProcessAsync;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import javax.sql.DataSource;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Warns once, when the application is ready, if {@code @ProcessAsync} beans depend (directly or
 * through other beans) on a {@link DataSource} whose database lives in memory: each worker JVM
 * would open its own, empty copy (workers never run schema or data initializers), so what a worker
 * writes is invisible to the application and lost with the worker. Runs in the application's JVM
 * only, and only when calls really go to worker processes. Registered in {@code spring.factories};
 * stateless, called once per ready event.
 */
final class InMemoryDatabaseWarning implements ApplicationListener<ApplicationReadyEvent> {

    private static final Log logger = LogFactory.getLog(InMemoryDatabaseWarning.class);

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        ConfigurableApplicationContext context = event.getApplicationContext();
        if (LokyWorkerContext.isWorkerProcess() || !context.containsBean("lokyProcessExecutor")
                || !"spawn".equalsIgnoreCase(context.getEnvironment().getProperty("loky.start-method", "spawn"))) {
            return;
        }
        ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
        Set<String> callers = new TreeSet<>();
        Set<String> databases = new TreeSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(name, false);
            if (type == null || !hasProcessAsyncMethods(ClassUtils.getUserClass(type))) {
                continue;
            }
            for (String dependency : closure(beanFactory, name)) {
                String url = inMemoryUrl(beanFactory, dependency);
                if (url != null) {
                    callers.add(name);
                    databases.add(url);
                }
            }
        }
        if (!callers.isEmpty()) {
            logger.warn("@ProcessAsync beans " + callers + " use the in-memory database " + databases + ": each loky worker JVM opens "
                    + "its own empty copy (workers run no schema or data initializers), so what a worker reads or writes there is not the "
                    + "application's data. Point spring.datasource.url at a database server (or a file database in server mode) that every "
                    + "JVM shares, or keep database access out of @ProcessAsync methods (pass the data in, return the result).");
        }
    }

    /** {@code true} for an application class with at least one {@code @ProcessAsync} method. */
    static boolean hasProcessAsyncMethods(Class<?> type) {
        if (type.getName().startsWith("org.springframework.")) {
            return false;
        }
        if (AnnotatedElementUtils.hasAnnotation(type, ProcessAsync.class)) {
            return true;
        }
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (AnnotatedElementUtils.hasAnnotation(method, ProcessAsync.class)) {
                return true;
            }
        }
        return false;
    }

    /** The bean and every bean it depends on, transitively. */
    private static Set<String> closure(ConfigurableListableBeanFactory beanFactory, String root) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (seen.add(name)) {
                for (String dependency : beanFactory.getDependenciesForBean(name)) {
                    pending.add(dependency);
                }
            }
        }
        return seen;
    }

    private static String inMemoryUrl(ConfigurableListableBeanFactory beanFactory, String name) {
        if (!beanFactory.containsSingleton(name) || !(beanFactory.getSingleton(name) instanceof DataSource dataSource)) {
            return null;
        }
        try (Connection connection = dataSource.getConnection()) {
            String url = connection.getMetaData().getURL();
            return url != null && isInMemory(url) ? url : null;
        } catch (Exception ex) {
            return null;
        }
    }

    /** H2, HSQLDB and Derby in-memory URLs. */
    static boolean isInMemory(String url) {
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("jdbc:h2:mem:") || lower.startsWith("jdbc:hsqldb:mem:") || lower.startsWith("jdbc:derby:memory:");
    }
}
