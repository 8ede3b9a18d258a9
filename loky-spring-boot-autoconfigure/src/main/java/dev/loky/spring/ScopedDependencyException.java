package dev.loky.spring;

import dev.loky.LokyException;

import java.util.List;

/**
 * A {@link ProcessAsync} bean whose dependency closure holds a request-, session- or other
 * web-scoped bean (or its scoped proxy). A worker JVM has no HTTP request or session, so such a
 * bean cannot be created there, and the caller's request state would not travel to it anyway.
 * Raised while the bean is created, so the application fails at startup rather than at the first
 * call (which would fail in the worker with "No Scope registered for scope name 'request'").
 */
public class ScopedDependencyException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final String beanName;
    private final List<String> chain;
    private final String scope;

    /**
     * @param beanName the {@code @ProcessAsync} bean
     * @param chain the bean names from {@code beanName} to the scoped bean, both included
     * @param scope the scoped bean's scope ({@code request}, {@code session}, ...)
     */
    public ScopedDependencyException(String beanName, List<String> chain, String scope) {
        super("@ProcessAsync bean '" + beanName + "' depends on the " + scope + "-scoped bean '" + chain.get(chain.size() - 1) + "' ("
                + String.join(" -> ", chain) + "): a worker JVM has no HTTP request or session, so that bean cannot be created there, "
                + "and the caller's " + scope + " state would not travel to it");
        this.beanName = beanName;
        this.chain = List.copyOf(chain);
        this.scope = scope;
    }

    /** The {@code @ProcessAsync} bean. */
    public String beanName() {
        return beanName;
    }

    /** The bean names from the {@code @ProcessAsync} bean to the scoped one, both included. */
    public List<String> chain() {
        return chain;
    }

    /** The scope of the last bean of the chain. */
    public String scope() {
        return scope;
    }

    /** How to fix it. */
    public String action() {
        return "Pass what the method needs from the " + scope + " (the user, the locale, a header's value) as arguments of the "
                + "@ProcessAsync method, or move the work that needs no " + scope + " into a bean of its own, without " + scope
                + "-scoped dependencies, and put @ProcessAsync there; the bean that reads the " + scope
                + " then calls it (see \"Request- and session-scoped dependencies\" in docs/spring.md).";
    }
}
