package dev.loky.spring.invocation;

import dev.loky.ProcessExecutor;
import dev.loky.spring.ProcessAsync;
import dev.loky.spring.ProcessAsyncExceptionHandler;

import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.ProxyProcessorSupport;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Proxies beans that have {@link ProcessAsync} methods, in the style of Spring's
 * {@code AsyncAnnotationBeanPostProcessor}: a bean that is already an AOP proxy gets the advisor
 * first in its chain; any other bean is wrapped in a new (class-based) proxy. Every
 * {@code @ProcessAsync} method of the bean's class is checked here, so an unsupported signature
 * fails the application's startup, and so does a request- or session-scoped bean in its
 * dependency closure ({@link ScopedDependencies}). The JSON round-trip part of that check runs on a background
 * thread while the context creates its singletons, and {@link #afterSingletonsInstantiated()} waits
 * for it (on the thread that refreshes the context), so a type whose JSON does not read back still
 * fails the start-up, before the context starts; beans created later are checked on their own thread.
 * There too, a {@code @ProcessAsync} singleton created before this post-processor was registered
 * (so never proxied: its calls would run inline) fails the start-up ({@link UnproxiedBeans}).
 */
public class ProcessAsyncAnnotationBeanPostProcessor extends ProxyProcessorSupport implements BeanPostProcessor, SmartInitializingSingleton,
        BeanFactoryAware, DisposableBean {

    private static final long serialVersionUID = 1L;

    /** Matches {@code @ProcessAsync} classes (every method) and {@code @ProcessAsync} methods. */
    static final Pointcut POINTCUT = new ComposablePointcut(new AnnotationMatchingPointcut(ProcessAsync.class, true))
            .union(new AnnotationMatchingPointcut(null, ProcessAsync.class, true));

    private final transient Supplier<ProcessAsyncInvoker> invokerSupplier;
    private transient volatile ProcessAsyncInvoker invoker;
    private transient volatile boolean singletonsInstantiated;
    /** Where a {@code @ProcessAsync} bean's dependencies are looked up ({@link ScopedDependencies}); {@code null} = not checked. */
    private transient ConfigurableListableBeanFactory beanFactory;
    /** The beans this post-processor saw until the singletons were instantiated: {@link UnproxiedBeans} checks the others. */
    private final transient Set<String> postProcessed = ConcurrentHashMap.newKeySet();

    /**
     * The suppliers are asked on first use (when the first bean is proxied), since this
     * post-processor is created before most beans.
     *
     * @param beanFactory the application's: placeholders in {@code timeout}, and the target of in-process calls
     * @param executor the pool the calls run in
     * @param mapper the application's JSON mapper
     * @param exceptionHandler told about failed fire-and-forget ({@code void}) calls
     */
    public ProcessAsyncAnnotationBeanPostProcessor(ConfigurableListableBeanFactory beanFactory, Supplier<ProcessExecutor> executor,
            Supplier<JsonMapper> mapper, Supplier<ProcessAsyncExceptionHandler> exceptionHandler) {
        this(() -> new ProcessAsyncInvoker(executor, mapper, exceptionHandler, new EmbeddedValueResolver(beanFactory), beanFactory,
                InvocationSettings.from(beanFactory)));
        this.beanFactory = beanFactory;
        StartupWarmUp.start(POINTCUT, beanFactory.getBeanClassLoader());
    }

    /** @param invoker made on first use, since this post-processor is created before most beans */
    ProcessAsyncAnnotationBeanPostProcessor(Supplier<ProcessAsyncInvoker> invoker) {
        this.invokerSupplier = invoker;
        setProxyTargetClass(true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        if (this.beanFactory == null && beanFactory instanceof ConfigurableListableBeanFactory listable) {
            this.beanFactory = listable;
        }
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!singletonsInstantiated) {
            postProcessed.add(beanName);
        }
        Class<?> targetClass = processAsyncClass(bean);
        if (targetClass == null) {
            return bean;
        }
        boolean jdkProxy = Proxy.isProxyClass(bean.getClass());
        boolean cglib = !jdkProxy;
        ProcessAsyncInvoker invoker = invoker();
        ReflectionUtils.doWithMethods(targetClass, method -> invoker.method(method, targetClass, cglib), ReflectionUtils.USER_DECLARED_METHODS);
        if (beanFactory != null) {
            ScopedDependencies.check(beanFactory, beanName);
        }

        Advisor advisor = new DefaultPointcutAdvisor(POINTCUT, new ProcessAsyncInterceptor(beanName, targetClass, invoker, cglib));
        if (bean instanceof Advised advised && !advised.isFrozen()) {
            advised.addAdvisor(0, advisor);
            return bean;
        }
        ProxyFactory factory = new ProxyFactory(bean);
        factory.copyFrom(this);
        factory.addAdvisor(advisor);
        if (jdkProxy) {
            // a JDK proxy that Spring AOP cannot extend (a library's own, or a frozen one) cannot be
            // subclassed either: the new proxy implements the interfaces it implements
            factory.setProxyTargetClass(false);
            factory.setInterfaces(bean.getClass().getInterfaces());
        } else if (java.lang.reflect.Modifier.isFinal(targetClass.getModifiers())) {
            evaluateProxyInterfaces(bean.getClass(), factory);
        }
        return factory.getProxy(getProxyClassLoader());
    }

    /**
     * Where the bean's {@code @ProcessAsync} methods are declared: its user class, or, for a JDK
     * proxy whose target has none (a Spring Data repository: a {@code SimpleJpaRepository} behind
     * the application's interface) or that is its own target (a library's proxy), the first proxied
     * interface that declares one; {@code null}
     * if none (or for AOP infrastructure).
     */
    static Class<?> processAsyncClass(Object bean) {
        if (bean instanceof AopInfrastructureBean) {
            return null;
        }
        Class<?> targetClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
        // a JDK proxy's generated class is no worker's to load: its interfaces are where to look
        if (!Proxy.isProxyClass(targetClass) && declaresProcessAsync(targetClass)) {
            return targetClass;
        }
        if (Proxy.isProxyClass(bean.getClass())) {
            for (Class<?> proxied : bean.getClass().getInterfaces()) {
                if (declaresProcessAsync(proxied)) {
                    return proxied;
                }
            }
        }
        return null;
    }

    private static boolean declaresProcessAsync(Class<?> type) {
        // Spring's and the JDK's own types (most of a context) cannot carry @ProcessAsync: skip the
        // per-method annotation scan of canApply for them, it is a start-up cost paid for every bean
        return !type.getName().startsWith("org.springframework.") && AnnotationUtils.isCandidateClass(type, ProcessAsync.class)
                && AopUtils.canApply(POINTCUT, type);
    }

    private ProcessAsyncInvoker invoker() {
        ProcessAsyncInvoker current = invoker;
        if (current == null) {
            synchronized (this) {
                current = invoker;
                if (current == null) {
                    current = invokerSupplier.get();
                    if (!singletonsInstantiated) {
                        current.checkInBackground();
                    }
                    invoker = current;
                }
            }
        }
        return current;
    }

    /** Fails the start-up if the background JSON round-trip check of a method failed. */
    @Override
    public void afterSingletonsInstantiated() {
        ProcessAsyncInvoker current;
        synchronized (this) {
            singletonsInstantiated = true;
            current = invoker;
        }
        if (current != null) {
            current.awaitChecked();
        }
        if (beanFactory != null) {
            UnproxiedBeans.check(beanFactory, postProcessed);
        }
        postProcessed.clear();
    }

    /** The invoker, once a bean was proxied; {@code null} before. */
    ProcessAsyncInvoker getInvoker() {
        return invoker;
    }

    /** Fire-and-forget ({@code void}) calls that failed so far; 0 before a bean was proxied. */
    public long uncaughtFailures() {
        ProcessAsyncInvoker current = invoker;
        return current == null ? 0 : current.uncaughtFailures();
    }

    @Override
    public void destroy() {
        ProcessAsyncInvoker current = invoker;
        if (current != null) {
            current.close();
        }
    }
}
