package dev.loky.spring.worker;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.CommandLineRunner;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Removes, from a worker's slim context, the bean definitions that must not run there: the
 * application's {@link ApplicationRunner}s and {@link CommandLineRunner}s ({@code SpringApplication}
 * has no switch to skip them) and the processor that starts {@code @Scheduled} methods.
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
}
