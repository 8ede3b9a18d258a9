package dev.loky.it.realapp;

import dev.loky.spring.ProcessAsync;
import dev.loky.spring.worker.LokyWorkerContext;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.stereotype.Service;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/**
 * A {@code @ProcessAsync} bean that needs no database: it reports what the worker's slim context
 * has created so far, as seen in the worker that runs the call.
 */
@Service
public class WorkerInspector {

    /** What a worker's context holds: its pid, its created singletons, and the classes its JVM loaded. */
    public record WorkerBeans(long pid, int definitions, List<String> singletons, long classesLoaded) {

        boolean created(String bean) {
            return singletons.contains(bean);
        }
    }

    /** The calling worker's view of its own context. */
    @ProcessAsync
    public WorkerBeans beans() {
        ConfigurableListableBeanFactory factory = LokyWorkerContext.applicationContext().getBeanFactory();
        return new WorkerBeans(ProcessHandle.current().pid(), factory.getBeanDefinitionCount(),
                Arrays.stream(factory.getSingletonNames()).sorted().toList(),
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }
}
