package dev.loky.spring.autoconfigure;

import dev.loky.spring.worker.LokyWorkerContext;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link ConditionalOnNotWorkerProcess}: reads the JVM's system property (not the environment,
 * which in a worker also carries the parent's configuration).
 */
class OnWorkerProcessCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnNotWorkerProcess.class);
        if (LokyWorkerContext.isWorkerProcess()) {
            return ConditionOutcome.noMatch(message.because("this JVM is a loky worker (system property "
                    + LokyWorkerContext.WORKER_PROPERTY + "=true)"));
        }
        return ConditionOutcome.match(message.because("this JVM is not a loky worker"));
    }
}
