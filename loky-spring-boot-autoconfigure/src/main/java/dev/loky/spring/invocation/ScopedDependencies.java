package dev.loky.spring.invocation;

import dev.loky.spring.ScopedDependencyException;

import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds a web-scoped bean (request, session, application, websocket), or the scoped proxy of one,
 * in a {@code @ProcessAsync} bean's dependency closure, as the bean factory recorded it while
 * injecting: by the time the bean is post-processed its dependencies were created, and theirs. A
 * dependency looked up later ({@code ObjectProvider}, {@code @Lazy}) is not seen. Stateless.
 */
final class ScopedDependencies {

    /** The scopes a worker's context has no backing for: it runs no web server. */
    private static final Set<String> WEB_SCOPES = Set.of("request", "session", "application", "websocket");

    private ScopedDependencies() {
    }

    /**
     * @throws ScopedDependencyException naming the first web-scoped bean found, breadth first (the
     *         shortest chain)
     */
    static void check(ConfigurableListableBeanFactory factory, String beanName) {
        String own = webScope(factory, beanName);
        if (own != null) {
            throw new ScopedDependencyException(beanName, List.of(beanName), own);
        }
        Map<String, String> reachedFrom = new HashMap<>();
        reachedFrom.put(beanName, null);
        Deque<String> queue = new ArrayDeque<>(List.of(beanName));
        while (!queue.isEmpty()) {
            String name = queue.poll();
            for (String dependency : factory.getDependenciesForBean(name)) {
                String dependencyName = BeanFactoryUtils.transformedBeanName(dependency);
                if (reachedFrom.containsKey(dependencyName)) {
                    continue;
                }
                reachedFrom.put(dependencyName, name);
                String scope = webScope(factory, dependencyName);
                if (scope != null) {
                    throw new ScopedDependencyException(beanName, chain(reachedFrom, dependencyName), scope);
                }
                queue.add(dependencyName);
            }
        }
    }

    /** The web scope of the bean, or of the target of the scoped proxy it is; {@code null} if none. */
    private static String webScope(ConfigurableListableBeanFactory factory, String name) {
        for (String candidate : List.of(name, ScopedProxyUtils.getTargetBeanName(name))) {
            if (factory.containsBeanDefinition(candidate)) {
                String scope = factory.getMergedBeanDefinition(candidate).getScope();
                if (WEB_SCOPES.contains(scope)) {
                    return scope;
                }
            }
        }
        return null;
    }

    private static List<String> chain(Map<String, String> reachedFrom, String last) {
        List<String> chain = new ArrayList<>();
        for (String name = last; name != null; name = reachedFrom.get(name)) {
            chain.add(name);
        }
        Collections.reverse(chain);
        return chain;
    }
}
