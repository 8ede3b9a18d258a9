package dev.loky.spring.invocation;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.util.ClassUtils;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Sends calls of one bean's {@code @ProcessAsync} methods to the pool. One per proxied bean, since
 * the call names the bean so that the worker finds the same bean in its context.
 */
final class ProcessAsyncInterceptor implements MethodInterceptor {

    private final String beanName;
    /** Where the bean's {@code @ProcessAsync} methods are declared: its class, or the proxied interface that declares them. */
    private final Class<?> declaringType;
    private final ProcessAsyncInvoker invoker;
    private final boolean cglib;

    ProcessAsyncInterceptor(String beanName, Class<?> declaringType, ProcessAsyncInvoker invoker, boolean cglib) {
        this.beanName = beanName;
        this.declaringType = declaringType;
        this.invoker = invoker;
        this.cglib = cglib;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        if (InlineCalls.active()) {
            return invocation.proceed();
        }
        Class<?> targetClass = invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
                : ClassUtils.getUserClass(AopUtils.getTargetClass(invocation.getThis()));
        Method specific = BridgeMethodResolver.findBridgedMethod(ClassUtils.getMostSpecificMethod(invocation.getMethod(), targetClass));
        if (Proxy.isProxyClass(targetClass) || !specific.getDeclaringClass().isAssignableFrom(targetClass)) {
            // an interface method the target does not implement (a Spring Data repository's
            // SimpleJpaRepository behind the application's interface), or a target that is itself a
            // JDK proxy, whose generated class no worker has: the worker looks the method up on the interface
            targetClass = declaringType;
            specific = invocation.getMethod();
        }
        ProcessAsyncMethod method = invoker.method(specific, targetClass, cglib);
        if (method == null) {
            return invocation.proceed();
        }
        return invoker.invoke(method, beanName, invocation.getArguments());
    }
}
