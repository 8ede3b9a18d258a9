package dev.loky.spring.invocation;

import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.DefaultPointcutAdvisor;

/**
 * Loads and exercises Spring's class-based (CGLIB) proxy machinery on a background thread while the
 * context starts, so that the first {@code @ProcessAsync} bean's proxy does not pay for it on the
 * thread that creates the beans. Measured on the sample application (docs/benchmarks.md): the first
 * proxy took 121–171 ms there, the second 21–23 ms, most of the difference being the machinery's
 * first use. It changes nothing but timing: the proxy it makes is of a class of its own and is
 * dropped. Only with a second processor to run on.
 */
final class ProxyWarmUp {

    /** A class of its own to proxy, shaped like a bean with a {@code @ProcessAsync} method. */
    static class Sample {
        public String call(String argument) {
            return argument;
        }
    }

    private ProxyWarmUp() {
    }

    static void start(Pointcut pointcut, ClassLoader classLoader) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                ProxyFactory factory = new ProxyFactory(new Sample());
                factory.setProxyTargetClass(true);
                factory.addAdvisor(new DefaultPointcutAdvisor(pointcut, (MethodInterceptor) invocation -> invocation.proceed()));
                ((Sample) factory.getProxy(classLoader)).call("warm");
            } catch (RuntimeException | LinkageError e) {
                // a warm-up only: the first real proxy pays for the machinery then
            }
        }, "loky-proxy-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}
