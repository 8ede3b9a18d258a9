package dev.loky.spring.worker;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.CommandLineRunner;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.weaving.LoadTimeWeaverAware;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Removes, from a worker's slim context, the bean definitions that must not run there: the
 * application's {@link ApplicationRunner}s and {@link CommandLineRunner}s ({@code SpringApplication}
 * has no switch to skip them) and the processor that starts {@code @Scheduled} methods. Database
 * initializer beans (script initializers, {@code DataSourceInitializer}, Flyway's and Liquibase's)
 * are replaced by an inert bean of the same name, so that {@code depends-on} references still
 * resolve but nothing re-creates, re-migrates or re-seeds the parent's database from a worker.
 */
final class WorkerBeanDefinitionFilter implements BeanFactoryPostProcessor {

    static final String SCHEDULED_ANNOTATION_PROCESSOR = "org.springframework.context.annotation.internalScheduledAnnotationProcessor";

    private static final Log logger = LogFactory.getLog(WorkerBeanDefinitionFilter.class);

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        names.addAll(Arrays.asList(beanFactory.getBeanNamesForType(ApplicationRunner.class, true, false)));
        names.addAll(Arrays.asList(beanFactory.getBeanNamesForType(CommandLineRunner.class, true, false)));
        names.add(SCHEDULED_ANNOTATION_PROCESSOR);
        neutralizeDatabaseInitializers(beanFactory, registry);
        makeEagerBeansLazy(beanFactory);
        for (String name : names) {
            String definitionName = name.startsWith("&") ? name.substring(1) : name;
            if (registry.containsBeanDefinition(definitionName)) {
                registry.removeBeanDefinition(definitionName);
                if (logger.isDebugEnabled()) {
                    logger.debug("Removed bean '" + definitionName + "' from the loky worker context");
                }
            }
        }
    }

    /** Initializer types (by name: each is optional on the classpath) that never run in a worker. */
    static final List<String> DATABASE_INITIALIZERS = List.of(
            "org.springframework.boot.sql.init.AbstractScriptDatabaseInitializer",
            "org.springframework.jdbc.datasource.init.DataSourceInitializer",
            "org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer",
            "liquibase.integration.spring.SpringLiquibase");

    private static void neutralizeDatabaseInitializers(ConfigurableListableBeanFactory beanFactory, BeanDefinitionRegistry registry) {
        for (String typeName : DATABASE_INITIALIZERS) {
            if (!ClassUtils.isPresent(typeName, beanFactory.getBeanClassLoader())) {
                continue;
            }
            Class<?> type = ClassUtils.resolveClassName(typeName, beanFactory.getBeanClassLoader());
            for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
                String definitionName = name.startsWith("&") ? name.substring(1) : name;
                if (registry.containsBeanDefinition(definitionName)) {
                    registry.removeBeanDefinition(definitionName);
                    RootBeanDefinition inert = new RootBeanDefinition(SkippedInWorker.class);
                    inert.setLazyInit(true);
                    registry.registerBeanDefinition(definitionName, inert);
                    logger.debug("Database initializer '" + definitionName + "' does not run in the loky worker context");
                }
            }
        }
    }

    /**
     * Makes the worker context really slim: every bean becomes lazy unless the application asked
     * for it explicitly ({@code @Lazy(false)}), so a worker creates only what its calls reach.
     * Spring Boot's lazy initialization alone leaves eager the beans that implement
     * {@code SmartInitializingSingleton} (the JPA entity manager factory is one: it boots
     * Hibernate, the connection pool and the in-memory database), Spring Data marks its
     * repositories eager in the default bootstrap mode, and background initialization starts a
     * bean even when it is lazy. Here all of them wait for a call that needs them: a called
     * {@code @ProcessAsync} bean is created on its first call, with its dependency closure.
     * Post-processors are created by Spring whatever their lazy flag, as they must be.
     */
    private static void makeEagerBeansLazy(ConfigurableListableBeanFactory beanFactory) {
        Class<?> repositoryFactory = ClassUtils.isPresent(REPOSITORY_FACTORY, beanFactory.getBeanClassLoader())
                ? ClassUtils.resolveClassName(REPOSITORY_FACTORY, beanFactory.getBeanClassLoader()) : null;
        for (String name : beanFactory.getBeanDefinitionNames()) {
            org.springframework.beans.factory.config.BeanDefinition definition = beanFactory.getBeanDefinition(name);
            if (!(definition instanceof org.springframework.beans.factory.support.AbstractBeanDefinition abstractDefinition)) {
                continue;
            }
            abstractDefinition.setBackgroundInit(false);
            if (abstractDefinition.getLazyInit() == null || isRepository(repositoryFactory, definition, beanFactory)) {
                definition.setLazyInit(true);
                hideWeaverAwareFactory(beanFactory, name, abstractDefinition);
            }
        }
    }

    /**
     * A context creates every {@link LoadTimeWeaverAware} bean before all other singletons, lazy
     * or not, so that they can register class transformers early; JPA's entity manager factory
     * bean is one, and that alone boots Hibernate, the connection pool and the database in every
     * worker. A worker does no load-time weaving, so such a factory bean is typed as a plain
     * {@code FactoryBean} of its product: the weaver loop no longer finds it, injection points and
     * type look-ups of the product (an {@code EntityManagerFactory}) still do, and once created the
     * instance itself answers every type check.
     */
    private static void hideWeaverAwareFactory(ConfigurableListableBeanFactory beanFactory, String name,
            org.springframework.beans.factory.support.AbstractBeanDefinition definition) {
        if (!(definition instanceof RootBeanDefinition root) || root.getTargetType() != null) {
            return;
        }
        Class<?> type = beanFactory.getType(BeanFactory.FACTORY_BEAN_PREFIX + name, false);
        if (type == null || !FactoryBean.class.isAssignableFrom(type) || !LoadTimeWeaverAware.class.isAssignableFrom(type)) {
            return;
        }
        Class<?> product = ResolvableType.forClass(type).as(FactoryBean.class).getGeneric(0).resolve();
        if (product != null) {
            root.setTargetType(ResolvableType.forClassWithGenerics(FactoryBean.class, product));
            logger.debug("Load-time-weaver-aware factory '" + name + "' waits for a call that needs it in the loky worker context");
        }
    }

    private static boolean isRepository(Class<?> repositoryFactory, org.springframework.beans.factory.config.BeanDefinition definition,
            ConfigurableListableBeanFactory beanFactory) {
        return repositoryFactory != null && definition.getBeanClassName() != null
                && ClassUtils.isPresent(definition.getBeanClassName(), beanFactory.getBeanClassLoader())
                && repositoryFactory.isAssignableFrom(ClassUtils.resolveClassName(definition.getBeanClassName(), beanFactory.getBeanClassLoader()));
    }

    private static final String REPOSITORY_FACTORY = "org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport";

    /** Stands in for a database initializer in a worker: it does nothing. */
    static final class SkippedInWorker {
    }
}
