package dev.loky.spring.invocation;

import dev.loky.spring.InvalidProcessAsyncMethodException;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ReflectionUtils;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds a {@code @ProcessAsync} singleton that the bean factory created before loky's
 * post-processor was registered, so that it was never proxied: its calls would run inline in the
 * caller's JVM, silently (Spring only logs that the bean "is not eligible for getting processed by
 * all BeanPostProcessors"). That happens when a {@code BeanPostProcessor} that is
 * {@code PriorityOrdered} or {@code Ordered}, a {@code BeanFactoryPostProcessor}, or the
 * configuration class declaring one of them with a non-static method, depends on the bean.
 * Stateless; runs once, on the thread that refreshes the context.
 */
final class UnproxiedBeans {

    private UnproxiedBeans() {
    }

    /**
     * @param postProcessed the names of the beans loky's post-processor saw (those need no check)
     * @throws InvalidProcessAsyncMethodException for the first singleton with a {@code @ProcessAsync}
     *         method that is not advised by loky
     */
    static void check(ConfigurableListableBeanFactory factory, Set<String> postProcessed) {
        for (String name : factory.getSingletonNames()) {
            if (postProcessed.contains(name)) {
                continue;
            }
            Object bean = factory.getSingleton(name);
            Class<?> targetClass = bean == null || isMock(bean) ? null : ProcessAsyncAnnotationBeanPostProcessor.processAsyncClass(bean);
            if (targetClass == null || advisedByLoky(bean)) {
                continue;
            }
            Method method = firstProcessAsyncMethod(targetClass);
            if (method != null) {
                throw new InvalidProcessAsyncMethodException(method, "bean '" + name + "' was created before loky's post-processor was "
                        + "registered" + neededBy(factory, name) + ", so it is not proxied and its @ProcessAsync methods would silently "
                        + "run inline in this JVM",
                        "Do not let a BeanPostProcessor, a BeanFactoryPostProcessor or the @Configuration class declaring one depend on '"
                                + name + "' directly: inject it lazily there (@Lazy, or ObjectProvider<" + targetClass.getSimpleName()
                                + ">), or declare that post-processor's @Bean method static and without this parameter.");
            }
        }
    }

    private static String neededBy(ConfigurableListableBeanFactory factory, String name) {
        List<String> early = new ArrayList<>();
        for (String dependent : factory.getDependentBeans(name)) {
            Class<?> type = factory.getType(dependent, false);
            String kind = type == null ? null : BeanPostProcessor.class.isAssignableFrom(type) ? "a BeanPostProcessor"
                    : BeanFactoryPostProcessor.class.isAssignableFrom(type) ? "a BeanFactoryPostProcessor" : null;
            early.add(kind == null ? "'" + dependent + "'" : "'" + dependent + "', " + kind);
        }
        return early.isEmpty() ? "" : " (it was needed early by " + String.join(" and ", early) + ")";
    }

    private static boolean advisedByLoky(Object bean) {
        if (bean instanceof Advised advised) {
            for (Advisor advisor : advised.getAdvisors()) {
                if (advisor.getAdvice() instanceof ProcessAsyncInterceptor) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A Mockito mock or spy a test put in place of the bean runs in the test's JVM by design. */
    private static boolean isMock(Object bean) {
        return bean.getClass().getName().contains("$MockitoMock$");
    }

    private static Method firstProcessAsyncMethod(Class<?> targetClass) {
        AtomicReference<Method> found = new AtomicReference<>();
        ReflectionUtils.doWithMethods(targetClass, method -> found.compareAndSet(null, method),
                method -> ProcessAsyncMethod.isProcessAsync(method, targetClass));
        return found.get();
    }
}
