package dev.loky.spring.invocation;

import dev.loky.spring.LokyProperties;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * What the {@code @ProcessAsync} invoker reads of {@link LokyProperties}, read once. The
 * post-processor that makes the invoker is created before the {@code LokyProperties} bean, so the
 * two groups it needs are bound from the environment the same way that bean is bound (relaxed
 * names, the same types and defaults), instead of through placeholders.
 *
 * @param verifyRoundTrip {@code loky.json.verify-round-trip}: check at start-up that every
 *     {@code @ProcessAsync} type reads back, and read calls strictly
 * @param recordArguments {@code loky.insights.record-arguments}: show a call's arguments in insights
 */
public record InvocationSettings(boolean verifyRoundTrip, boolean recordArguments) {

    /** The defaults of {@link LokyProperties}. */
    public static final InvocationSettings DEFAULTS = of(new LokyProperties());

    /** The settings of {@code properties}. */
    public static InvocationSettings of(LokyProperties properties) {
        return new InvocationSettings(properties.getJson().isVerifyRoundTrip(), properties.getInsights().isRecordArguments());
    }

    /** Bound from {@code environment} ({@code loky.json.*}, {@code loky.insights.*}). */
    public static InvocationSettings from(Environment environment) {
        LokyProperties properties = new LokyProperties();
        Binder binder = Binder.get(environment);
        binder.bind("loky.json", Bindable.ofInstance(properties.getJson()));
        binder.bind("loky.insights", Bindable.ofInstance(properties.getInsights()));
        return of(properties);
    }

    /** From the bean factory's {@link Environment}, or the defaults when it has none (a plain bean factory). */
    static InvocationSettings from(BeanFactory beanFactory) {
        Environment environment = beanFactory.getBeanProvider(Environment.class).getIfAvailable();
        return environment == null ? DEFAULTS : from(environment);
    }
}
