package dev.loky.sample;

import dev.loky.ProcessExecutor;
import dev.loky.sample.fractal.FractalService;
import dev.loky.sample.fractal.Mandelbrot;
import dev.loky.sample.fractal.RenderedImage;
import dev.loky.sample.fractal.WorkerInfo;
import dev.loky.spring.worker.LokyWorkerContext;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The narrower worker context of docs/spring.md ("A narrower worker context"), with real worker
 * JVMs: the sample's services work the same when the workers boot only
 * {@link SampleWorkerConfiguration}, and the workers' contexts really lack the application's other
 * auto-configurations while keeping its Jackson; the application itself does not pick that
 * configuration up.
 */
@SpringBootTest(properties = {"loky.worker.sources=dev.loky.sample.SampleWorkerConfiguration", "loky.max-workers=1",
        "loky.prestart=false"})
class SampleWorkerConfigurationTests {

    @Autowired
    FractalService fractals;

    @Autowired
    ProcessExecutor executor;

    @Autowired
    ApplicationContext application;

    @Test
    void theServicesRunInAWorkerWithTheApplicationsConfiguration() {
        WorkerInfo info = fractals.whoAmI();

        assertThat(info.worker()).isTrue();
        assertThat(info.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(info.profiles()).contains(LokyWorkerContext.PROFILE);
        assertThat(info.greeting()).isEqualTo("Hello from the sample's configuration");
    }

    @Test
    void aWorkerRendersTheSameImageAsTheCaller() {
        RenderedImage image = fractals.render(120, 90, -0.5, 0, 3, 200);

        assertThat(image.workerPid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(image.png()).isEqualTo(Mandelbrot.png(120, 90, -0.5, 0, 3, 200));
    }

    @Test
    void theWorkersContextHasTheServicesAndJacksonButNotTheRestOfTheApplication() throws Exception {
        fractals.whoAmI(); // a worker that has served a call
        assertThat(application.containsBean("applicationTaskExecutor")).as("the parent has it").isTrue();
        assertThat(application.containsBean("sampleWorkerConfiguration")).as("a worker-only configuration, not in the parent").isFalse();

        List<Boolean> worker = executor.submit(() -> {
            ApplicationContext context = LokyWorkerContext.applicationContext();
            return List.of(context.containsBean("fractalService"), context.containsBean("troubleService"),
                    context.getBeanNamesForType(JsonMapper.class).length == 1, context.containsBean("applicationTaskExecutor"),
                    context.containsBean("sampleApplication"));
        }).get(60, TimeUnit.SECONDS);

        assertThat(worker).as("fractalService, troubleService, one JsonMapper, applicationTaskExecutor, sampleApplication")
                .containsExactly(true, true, true, false, false);
    }
}
