package dev.loky.spring.diagnostics;

import dev.loky.spring.ScopedDependencyException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@code @ProcessAsync} bean that depends on a request- or session-scoped bean, with the chain. */
class ScopedDependencyFailureAnalyzer extends AbstractFailureAnalyzer<ScopedDependencyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ScopedDependencyException cause) {
        return new FailureAnalysis("The @ProcessAsync bean '" + cause.beanName() + "' cannot be run in a worker JVM: it depends on the "
                + cause.scope() + "-scoped bean '" + cause.chain().get(cause.chain().size() - 1) + "' through "
                + String.join(" -> ", cause.chain()) + ". A worker has no HTTP request or session, and the caller's " + cause.scope()
                + " state would not travel to it.", cause.action(), cause);
    }
}
