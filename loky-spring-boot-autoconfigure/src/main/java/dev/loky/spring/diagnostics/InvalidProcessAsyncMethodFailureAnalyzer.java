package dev.loky.spring.diagnostics;

import dev.loky.spring.InvalidProcessAsyncMethodException;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@code @ProcessAsync} method whose signature cannot work, and which bean has it. */
class InvalidProcessAsyncMethodFailureAnalyzer extends AbstractFailureAnalyzer<InvalidProcessAsyncMethodException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidProcessAsyncMethodException cause) {
        BeanCreationException creation = findCause(rootFailure, BeanCreationException.class);
        String bean = creation != null && creation.getBeanName() != null ? " of bean '" + creation.getBeanName() + "'" : "";
        return new FailureAnalysis("The @ProcessAsync method " + InvalidProcessAsyncMethodException.describe(cause.method()) + bean
                + " cannot be run in a worker JVM: " + cause.reason() + ".", cause.action(), cause);
    }
}
