package dev.loky.spring.invocation;

import dev.loky.LokyException;
import dev.loky.TaskSerializationException;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.json.JsonMapper;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a {@link ProcessAsyncCall} is made: a bean factory (the worker's slim context, or, with
 * {@code loky.start-method=threads}, the caller's own) and the JSON mapper of that context.
 */
final class CallTarget {

    private final ListableBeanFactory beanFactory;
    private final Supplier<JsonMapper> mapper;
    private final Map<String, ProcessAsyncMethod> methods = new ConcurrentHashMap<>();

    CallTarget(ListableBeanFactory beanFactory, Supplier<JsonMapper> mapper) {
        this.beanFactory = beanFactory;
        this.mapper = mapper;
    }

    BeanFactory beanFactory() {
        return beanFactory;
    }

    byte[] invoke(ProcessAsyncCall call) throws Exception {
        return CallContext.restore(call.context(), beanFactory, call, () -> invokeHere(call));
    }

    private byte[] invokeHere(ProcessAsyncCall call) throws Exception {
        ProcessAsyncMethod method = methods.computeIfAbsent(call.methodKey(), key -> resolve(call));
        JsonMapper json = mapper.get();
        Object[] arguments = method.readArguments(json, call.arguments(), TaskSerializationException.Side.ARGUMENT_IN_WORKER);
        Object bean = bean(call, method.targetClass());
        Method invocable = AopUtils.selectInvocableMethod(method.method(), bean.getClass());
        ReflectionUtils.makeAccessible(invocable);
        Object returned;
        InlineCalls.enter();
        try {
            returned = invocable.invoke(bean, arguments);
            returned = method.awaitResult(returned);
        } catch (InvocationTargetException ex) {
            throw Exceptions.sneaky(ex.getCause() == null ? ex : ex.getCause());
        } finally {
            InlineCalls.exit();
        }
        return method.writeResult(json, returned, TaskSerializationException.Side.RESULT_IN_WORKER);
    }

    private ProcessAsyncMethod resolve(ProcessAsyncCall call) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = CallTarget.class.getClassLoader();
        }
        try {
            Class<?> targetClass = ClassUtils.forName(call.targetClassName(), loader);
            String[] names = call.parameterTypeNames();
            Class<?>[] types = new Class<?>[names.length];
            for (int i = 0; i < names.length; i++) {
                types[i] = ClassUtils.forName(names[i], loader);
            }
            Method method = ReflectionUtils.findMethod(targetClass, call.methodName(), types);
            if (method == null) {
                throw new LokyException("No method " + call + " in this JVM: the worker's classpath differs from the caller's");
            }
            if (!ProcessAsyncMethod.isProcessAsync(method, targetClass) || !Modifier.isPublic(method.getModifiers())
                    || Modifier.isStatic(method.getModifiers())) {
                // A call is only ever made by the @ProcessAsync proxy; anything else is forged (a
                // cluster outsider, a hand-made task) and must not reach a bean's other methods.
                throw new LokyException("Refused " + call + ": a worker runs only public @ProcessAsync methods, and "
                        + targetClass.getName() + "." + method.getName() + " is not one. Nothing ran.");
            }
            return ProcessAsyncMethod.analyze(method, targetClass, null, false);
        } catch (ClassNotFoundException | LinkageError ex) {
            throw new LokyException("Cannot load the classes of " + call + " in this JVM: " + ex, ex);
        }
    }

    private Object bean(ProcessAsyncCall call, Class<?> targetClass) {
        if (call.beanName() != null && beanFactory.containsBean(call.beanName())) {
            Object bean = beanFactory.getBean(call.beanName());
            if (targetClass.isAssignableFrom(AopProxyUtils.ultimateTargetClass(bean))) {
                return bean;
            }
        }
        String[] names = beanFactory.getBeanNamesForType(targetClass);
        if (names.length == 1) {
            return beanFactory.getBean(names[0]);
        }
        throw new LokyException("The worker's Spring context has no bean '" + call.beanName() + "' of type " + targetClass.getName()
                + (names.length == 0 ? "" : " and several of that type " + java.util.Arrays.toString(names))
                + ". Make sure the bean exists in the worker too (loky.worker.sources; beans with @Profile(\"!loky-worker\") do not).");
    }
}
