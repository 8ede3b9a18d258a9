package dev.loky.it.realapp;

import dev.loky.TaskSerializationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application as a new user runs it: DevTools on the classpath, an in-memory H2 database
 * migrated by Flyway, entities and DTOs passed to real worker JVMs.
 */
@SpringBootTest
@ExtendWith(OutputCaptureExtension.class)
class RealAppWorkerTests {

    @Autowired
    ClinicService clinic;

    @Autowired
    PetRepository pets;

    /** DevTools' restarter used to take over each worker's main thread, so no worker ever became ready. */
    @Test
    void aWorkerStartsWithDevToolsOnTheClasspath() {
        assertThat(ClassUtils.isPresent("org.springframework.boot.devtools.restart.Restarter", null)).isTrue();
        long pid = clinic.pid();
        assertThat(pid).isPositive().isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aRecordDtoAndAnEntityWithSettersTravelWhole() {
        assertThat(clinic.petCount(clinic.summary(1L))).isEqualTo(2);
        Pet pet = pets.findById(3L).orElseThrow();
        assertThat(clinic.describe(pet)).isEqualTo("Rosy the dog");
    }

    @Test
    void aLazyHibernateProxyFailsClearlyInTheCaller() {
        Pet proxy = pets.getReferenceById(1L);
        assertThatThrownBy(() -> clinic.describe(proxy)).isInstanceOf(TaskSerializationException.class)
                .hasMessageContaining("Argument 'pet'").hasMessageContaining("cannot be written as JSON")
                .hasMessageContaining("proxy");
    }

    @Test
    void theInMemoryDatabaseUsedByProcessAsyncBeansIsWarnedAboutOnce(CapturedOutput output) {
        assertThat(output.getOut()).containsOnlyOnce("use the in-memory database").contains("clinicService")
                .contains("jdbc:h2:mem:");
    }
}
