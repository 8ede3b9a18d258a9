package dev.loky.spring.diagnostics;

import dev.loky.spring.InvalidProcessAsyncMethodException;
import dev.loky.spring.ProcessAsync;
import dev.loky.spring.autoconfigure.LokyAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @ProcessAsync} singleton created before loky's post-processor was registered (here: an
 * {@code Ordered} or {@code PriorityOrdered} {@code BeanPostProcessor} depends on it) is never
 * proxied. Before this check, such a context started and every call of the bean ran inline in the
 * caller's JVM, with only Spring's "not eligible for getting processed by all BeanPostProcessors"
 * line at INFO to say so: one way a test suite's call can come back from the test JVM itself.
 */
class UnproxiedBeanTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LokyAutoConfiguration.class, JacksonAutoConfiguration.class));

    @Test
    void aProcessAsyncBeanThatAPriorityOrderedPostProcessorNeedsFailsStartupNamingBothAndTheFix() {
        runner.withUserConfiguration(PriorityOrderedAuditing.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).isInstanceOf(InvalidProcessAsyncMethodException.class);
            InvalidProcessAsyncMethodException cause = (InvalidProcessAsyncMethodException) context.getStartupFailure();
            assertThat(cause.method().getName()).isEqualTo("report");
            assertThat(cause.reason()).contains("bean 'reportService' was created before loky's post-processor")
                    .contains("needed early by 'auditing', a BeanPostProcessor").contains("would silently run inline");
            assertThat(cause.action()).contains("@Lazy").contains("ObjectProvider<ReportService>");

            FailureAnalysis analysis = new InvalidProcessAsyncMethodFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains(ReportService.class.getName() + ".report(int)").contains("'reportService'");
            assertThat(analysis.getAction()).isEqualTo(cause.action());
        });
    }

    @Test
    void anOrderedPostProcessorThatNeedsItFailsStartupToo() {
        runner.withUserConfiguration(OrderedAuditing.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).isInstanceOf(InvalidProcessAsyncMethodException.class)
                    .hasMessageContaining("'reportService'");
        });
    }

    /** The fix the message gives: the post-processor takes the bean lazily, and the bean is proxied. */
    @Test
    void aLazyDependencyStartsAndTheBeanIsProxied() {
        runner.withUserConfiguration(LazyAuditing.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(AopUtils.isAopProxy(context.getBean(ReportService.class))).isTrue();
        });
    }

    /** A plain (unordered) post-processor is created after loky's, so the bean it needs is proxied. */
    @Test
    void anUnorderedPostProcessorDoesNotPreventTheProxy() {
        runner.withUserConfiguration(UnorderedAuditing.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(AopUtils.isAopProxy(context.getBean(ReportService.class))).isTrue();
        });
    }

    public static class ReportService {
        @ProcessAsync
        public int report(int rows) {
            return rows;
        }
    }

    /** A post-processor that needs the service, e.g. to register it with an audit trail. */
    public static class Auditing implements BeanPostProcessor {
        Auditing(ReportService service) {
            assertThat(service).isNotNull();
        }
    }

    public static class PriorityOrderedPostProcessor extends Auditing implements PriorityOrdered {
        PriorityOrderedPostProcessor(ReportService service) {
            super(service);
        }

        @Override
        public int getOrder() {
            return 0;
        }
    }

    public static class OrderedPostProcessor extends Auditing implements Ordered {
        OrderedPostProcessor(ReportService service) {
            super(service);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PriorityOrderedAuditing {
        @Bean
        static ReportService reportService() {
            return new ReportService();
        }

        @Bean
        static PriorityOrderedPostProcessor auditing(ReportService reportService) {
            return new PriorityOrderedPostProcessor(reportService);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OrderedAuditing {
        @Bean
        static ReportService reportService() {
            return new ReportService();
        }

        @Bean
        static OrderedPostProcessor auditing(ReportService reportService) {
            return new OrderedPostProcessor(reportService);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LazyAuditing {
        @Bean
        static ReportService reportService() {
            return new ReportService();
        }

        @Bean
        static PriorityOrderedPostProcessor auditing(@Lazy ReportService reportService) {
            return new PriorityOrderedPostProcessor(reportService);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UnorderedAuditing {
        @Bean
        static ReportService reportService() {
            return new ReportService();
        }

        @Bean
        static Auditing auditing(ReportService reportService) {
            return new Auditing(reportService);
        }
    }
}
