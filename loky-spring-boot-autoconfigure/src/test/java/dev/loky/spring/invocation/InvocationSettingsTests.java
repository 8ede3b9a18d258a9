package dev.loky.spring.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.loky.spring.LokyProperties;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.mock.env.MockEnvironment;

/** The invoker's settings are bound like {@link LokyProperties}: same names, relaxed forms, defaults, failures. */
class InvocationSettingsTests {

    @Test
    void theDefaultsAreLokyPropertiesDefaults() {
        assertThat(InvocationSettings.from(new MockEnvironment())).isEqualTo(InvocationSettings.DEFAULTS)
                .isEqualTo(new InvocationSettings(true, false));
        assertThat(InvocationSettings.from(new DefaultListableBeanFactory())).isEqualTo(InvocationSettings.DEFAULTS);
    }

    @Test
    void bothPropertiesAreBoundInTheirRelaxedForms() {
        MockEnvironment environment = new MockEnvironment().withProperty("loky.json.verifyRoundTrip", "false")
                .withProperty("loky.insights.record-arguments", "true");
        assertThat(InvocationSettings.from(environment)).isEqualTo(new InvocationSettings(false, true));
    }

    @Test
    void aValueThatIsNotABooleanFailsNamingTheProperty() {
        // before, a placeholder read "maybe" as on; the LokyProperties bean then failed the start-up anyway
        MockEnvironment environment = new MockEnvironment().withProperty("loky.json.verify-round-trip", "maybe");
        assertThatThrownBy(() -> InvocationSettings.from(environment)).isInstanceOf(BindException.class)
                .hasMessageContaining("loky.json.verify-round-trip");
    }

    @Test
    void builtFromLokyProperties() {
        LokyProperties properties = new LokyProperties();
        properties.getInsights().setRecordArguments(true);
        assertThat(InvocationSettings.of(properties)).isEqualTo(new InvocationSettings(true, true));
    }
}
