package dev.loky.spring.diagnostics;

import dev.loky.spring.InvalidLokyPropertyException;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;

/**
 * Reports a {@code loky.*} property with an invalid value: which property, which value (and where
 * it was set), why it is wrong and how to fix it.
 */
class InvalidLokyPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLokyPropertyException> implements Ordered {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidLokyPropertyException cause) {
        BindException bind = findCause(rootFailure, BindException.class);
        String origin = "";
        if (bind != null && bind.getProperty() != null) {
            ConfigurationProperty property = bind.getProperty();
            Origin where = property.getOrigin();
            origin = where != null ? " (set in " + where + ")" : "";
        }
        String description = "Invalid value '" + cause.value() + "' for property '" + cause.property() + "'" + origin + ":\n\n    "
                + cause.reason().replace("\n", "\n    ");
        return new FailureAnalysis(description, cause.action(), cause);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
